package io.github.elasticachesecure.iam;

/**
 * The IAM authentication settings that {@link InvalidIamSettingException} can refer to,
 * each with what a valid value is.
 */
public enum IamSetting {

	/**
	 * The replication group id or serverless cache name the token is signed for.
	 */
	CACHE_NAME("the replication group id or serverless cache name (not the endpoint host name)"),

	/**
	 * The ElastiCache user id (identical to the user name for IAM-enabled users).
	 */
	USER_ID("the ElastiCache user id; IAM-enabled users have identical user name and user id"),

	/**
	 * The AWS region of the cache.
	 */
	REGION("the cache's AWS region, e.g. us-east-1"),

	/**
	 * The interval at which a fresh token is signed.
	 */
	REFRESH_INTERVAL("at most 14 minutes (a token is valid for 15); the default is 5 minutes"),

	/**
	 * The longest wait for one call to the AWS credentials source.
	 */
	CREDENTIALS_TIMEOUT("a positive duration, e.g. 10s (the default)");

	private final String validValue;

	IamSetting(String validValue) {
		this.validValue = validValue;
	}

	/**
	 * Return what a valid value is, to complete "set it to ...".
	 * @return a description of a valid value
	 */
	public String validValue() {
		return this.validValue;
	}

}
