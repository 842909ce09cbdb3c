package io.github.elasticachesecure.cache;

/**
 * Thrown when the {@code elasticache.secure.*} properties are invalid or contradict other
 * settings. It names the property to change and how, so the failure report can say so.
 */
public class ElastiCacheConfigurationException extends RuntimeException {

	private final String property;

	private final String action;

	/**
	 * Create an exception.
	 * @param property the property to change
	 * @param description what is wrong (never a secret value)
	 * @param action what to do about it
	 */
	public ElastiCacheConfigurationException(String property, String description, String action) {
		super(description);
		this.property = property;
		this.action = action;
	}

	/**
	 * Create an exception with a cause.
	 * @param property the property to change
	 * @param description what is wrong (never a secret value)
	 * @param action what to do about it
	 * @param cause the underlying failure
	 */
	public ElastiCacheConfigurationException(String property, String description, String action, Throwable cause) {
		super(description, cause);
		this.property = property;
		this.action = action;
	}

	/**
	 * Return the property to change.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return what to do about it.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
