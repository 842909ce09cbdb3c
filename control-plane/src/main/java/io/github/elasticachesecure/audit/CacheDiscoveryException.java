package io.github.elasticachesecure.audit;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a cache named by {@code elasticache.secure.cache-name} cannot be resolved
 * to its endpoints through the ElastiCache API, or must not be connected to. The message
 * names the cache and what was found; {@link #getFix()} says what to do. Neither carries
 * a secret.
 */
public class CacheDiscoveryException extends RuntimeException {

	private final String cacheName;

	private final Reason reason;

	private final @Nullable String action;

	private final String fix;

	/**
	 * Create an exception.
	 * @param cacheName the cache's name
	 * @param reason why it was not resolved
	 * @param action the IAM action of the call that failed, or {@code null}
	 * @param message what was found
	 * @param fix what to do
	 * @param cause the cause, or {@code null}
	 */
	public CacheDiscoveryException(String cacheName, Reason reason, @Nullable String action, String message, String fix,
			@Nullable Throwable cause) {
		super(message, cause);
		this.cacheName = cacheName;
		this.reason = reason;
		this.action = action;
		this.fix = fix;
	}

	/**
	 * Return the name of the cache that was looked for.
	 * @return the cache name
	 */
	public String getCacheName() {
		return this.cacheName;
	}

	/**
	 * Return why the cache was not resolved.
	 * @return the reason
	 */
	public Reason getReason() {
		return this.reason;
	}

	/**
	 * Return the IAM action of the call that failed.
	 * @return the action, such as {@code elasticache:DescribeReplicationGroups}, or
	 * {@code null} when no call failed
	 */
	public @Nullable String getAction() {
		return this.action;
	}

	/**
	 * Return what to do.
	 * @return the fix
	 */
	public String getFix() {
		return this.fix;
	}

	/**
	 * Why a cache was not resolved.
	 */
	public enum Reason {

		/**
		 * Neither a replication group nor a serverless cache has that name in the region.
		 */
		NOT_FOUND,

		/**
		 * The cache accepts plaintext clients: in-transit encryption is off or
		 * {@code preferred}.
		 */
		TRANSIT_ENCRYPTION_NOT_REQUIRED,

		/**
		 * The application's AWS identity may not call the API action.
		 */
		ACCESS_DENIED,

		/**
		 * The API did not answer, failed, or the cache has no endpoint yet.
		 */
		UNAVAILABLE

	}

}
