package io.github.elasticachesecure.cache;

import java.util.Locale;

/**
 * How the client authenticates.
 */
public enum AuthMode {

	/**
	 * AUTH with a Redis ACL user and its password (or the ElastiCache AUTH token).
	 */
	PASSWORD,

	/**
	 * AUTH with a SigV4-presigned IAM token, refreshed ahead of expiry.
	 */
	IAM,

	/**
	 * No AUTH, for a cache without access control. An explicit opt-in, logged as a
	 * warning at every start.
	 */
	NONE;

	/**
	 * Return the mode as it is written in configuration and shown in health details.
	 * @return {@code password}, {@code iam} or {@code none}
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
