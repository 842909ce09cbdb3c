package io.github.elasticachesecure.guard;

import io.github.elasticachesecure.tls.TlsProbeResult;

/**
 * Thrown by the {@link RedisConnectionGuard} when probing an endpoint at startup shows that it cannot be reached
 * securely: it does not speak TLS, its certificate is not trusted or not issued for its host name, or (when asked
 * for) it cannot be reached at all.
 */
public class EndpointVerificationException extends RuntimeException {

	private final String beanName;

	private final TlsProbeResult result;

	/**
	 * Create an exception.
	 * @param beanName the name of the connection factory bean whose endpoint failed
	 * @param result the probe result
	 */
	public EndpointVerificationException(String beanName, TlsProbeResult result) {
		super("RedisConnectionFactory '" + beanName + "': endpoint " + result.endpoint() + " failed the TLS check ("
				+ result.outcome() + "): " + result.detail());
		this.beanName = beanName;
		this.result = result;
	}

	/**
	 * Return the name of the connection factory bean whose endpoint failed.
	 * @return the bean name
	 */
	public String getBeanName() {
		return this.beanName;
	}

	/**
	 * Return what the probe found.
	 * @return the probe result
	 */
	public TlsProbeResult getResult() {
		return this.result;
	}

}
