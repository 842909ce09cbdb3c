package io.github.elasticachesecure.iam;

/**
 * The IAM authentication settings that {@link InvalidIamSettingException} can refer to.
 */
public enum IamSetting {

	/**
	 * The replication group id or serverless cache name the token is signed for.
	 */
	CACHE_NAME,

	/**
	 * The ElastiCache user id (identical to the user name for IAM-enabled users).
	 */
	USER_ID,

	/**
	 * The AWS region of the cache.
	 */
	REGION,

	/**
	 * The interval at which a fresh token is signed.
	 */
	REFRESH_INTERVAL,

	/**
	 * The longest wait for one call to the AWS credentials source.
	 */
	CREDENTIALS_TIMEOUT

}
