package io.github.elasticachesecure.guard;

import io.github.elasticachesecure.tls.TlsProbeResult;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by the {@link RedisConnectionGuard} when probing an endpoint at startup shows
 * that it cannot be reached securely: it does not speak TLS, its certificate is not
 * trusted or not issued for its host name, or (when asked for) it cannot be reached at
 * all.
 */
public class EndpointVerificationException extends RuntimeException {

	private final String beanName;

	private final TlsProbeResult result;

	private final @Nullable String announcedBy;

	/**
	 * Create an exception.
	 * @param beanName the name of the connection factory bean whose endpoint failed
	 * @param result the probe result
	 */
	public EndpointVerificationException(String beanName, TlsProbeResult result) {
		this(beanName, result, null);
	}

	/**
	 * Create an exception for an endpoint the client learns from the server rather than
	 * from its configuration.
	 * @param beanName the name of the connection factory bean whose endpoint failed
	 * @param result the probe result
	 * @param announcedBy what announced the endpoint, such as a cluster's topology, or
	 * {@code null} for an endpoint of the factory's configuration
	 */
	public EndpointVerificationException(String beanName, TlsProbeResult result, @Nullable String announcedBy) {
		super("RedisConnectionFactory '" + beanName + "': endpoint " + result.endpoint()
				+ ((announcedBy != null) ? " (announced by " + announcedBy + ")" : "") + " failed the TLS check ("
				+ result.outcome() + "): " + result.detail());
		this.beanName = beanName;
		this.result = result;
		this.announcedBy = announcedBy;
	}

	/**
	 * Return the name of the connection factory bean whose endpoint failed.
	 * @return the bean name
	 */
	public String getBeanName() {
		return this.beanName;
	}

	/**
	 * Return what announced the endpoint.
	 * @return a description such as a cluster's topology, or {@code null} for an endpoint
	 * of the factory's configuration
	 */
	public @Nullable String getAnnouncedBy() {
		return this.announcedBy;
	}

	/**
	 * Return what the probe found.
	 * @return the probe result
	 */
	public TlsProbeResult getResult() {
		return this.result;
	}

}
