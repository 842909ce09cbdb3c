package io.github.elasticachesecure.guard;

/**
 * Thrown by the {@link RedisConnectionGuard} when a connection factory is configured to
 * talk to Redis insecurely.
 */
public class InsecureConnectionException extends RuntimeException {

	private final String beanName;

	private final Reason reason;

	/**
	 * Create an exception.
	 * @param beanName the name of the offending connection factory bean
	 * @param reason why the factory is insecure
	 * @param message a secret-free description
	 */
	public InsecureConnectionException(String beanName, Reason reason, String message) {
		super(message);
		this.beanName = beanName;
		this.reason = reason;
	}

	/**
	 * Return the name of the offending connection factory bean.
	 * @return the bean name
	 */
	public String getBeanName() {
		return this.beanName;
	}

	/**
	 * Return why the factory is insecure.
	 * @return the reason
	 */
	public Reason getReason() {
		return this.reason;
	}

	/**
	 * Why a connection factory was refused.
	 */
	public enum Reason {

		/**
		 * The factory does not use TLS.
		 */
		PLAINTEXT,

		/**
		 * The factory uses STARTTLS: its first command, with the credentials, goes out
		 * before the TLS handshake.
		 */
		STARTTLS,

		/**
		 * The factory verifies the server certificate less than allowed.
		 */
		VERIFICATION_DISABLED,

		/**
		 * The factory's trust manager accepts any server certificate, whatever its verify
		 * mode says.
		 */
		TRUSTS_ANY_CERTIFICATE,

		/**
		 * The factory is of a type whose TLS settings the guard cannot read.
		 */
		UNSUPPORTED_FACTORY,

		/**
		 * The factory's client resources do not carry the wire check (they are not a bean
		 * of the context, or the factory has none), so its connections could send bytes
		 * before their TLS session is checked.
		 */
		UNCHECKED_CLIENT_RESOURCES,

		/**
		 * The wire check closed one of the factory's connections before its first byte:
		 * no TLS handler, a replaced one, or a live session below the policy (protocol,
		 * cipher suite, certificate).
		 */
		SESSION_REFUSED,

		/**
		 * The factory is the product of a {@code FactoryBean}, which creates (and may
		 * start) it before the guard can check it.
		 */
		FACTORY_BEAN,

		/**
		 * An ElastiCache cluster's configuration endpoint named a node outside the
		 * cache's own domain.
		 */
		NODE_OUTSIDE_CACHE_DOMAIN

	}

}
