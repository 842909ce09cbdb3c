package io.github.elasticachesecure.iam;

/**
 * Thrown when an IAM authentication setting is invalid. Raised at construction time,
 * before anything is signed, so that the faulty setting can be reported against its
 * configuration property. Messages never carry credentials.
 */
public final class InvalidIamSettingException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final IamSetting setting;

	private final String reason;

	/**
	 * Create a new exception.
	 * @param setting the invalid setting
	 * @param reason why the value is refused, without secrets
	 */
	public InvalidIamSettingException(IamSetting setting, String reason) {
		super("Invalid ElastiCache IAM setting " + setting + ": " + reason);
		this.setting = setting;
		this.reason = reason;
	}

	/**
	 * Return the invalid setting.
	 * @return the setting
	 */
	public IamSetting getSetting() {
		return this.setting;
	}

	/**
	 * Return why the value is refused.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
