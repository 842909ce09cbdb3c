package io.github.elasticachesecure.tls;

import javax.net.ssl.SSLException;

/**
 * The wire check closed a Redis connection before its first byte: the channel had no TLS
 * handler where Lettuce puts it, or its live session did not meet the
 * {@link TlsSessionPolicy}. The message is secret-free and names the endpoint and the
 * cause.
 */
public final class TlsSessionRefusedException extends SSLException {

	private final String endpoint;

	/**
	 * Create an exception.
	 * @param endpoint the endpoint the client meant to reach, {@code host:port}
	 * @param cause what was wrong, secret-free
	 */
	public TlsSessionRefusedException(String endpoint, String cause) {
		super("Connection to " + endpoint + " closed before its first Redis byte: " + cause);
		this.endpoint = endpoint;
	}

	/**
	 * Return the endpoint the client meant to reach.
	 * @return {@code host:port}
	 */
	public String getEndpoint() {
		return this.endpoint;
	}

}
