package io.github.elasticachesecure.cache;

import java.util.List;

/**
 * Thrown when the application's Availability Zone is found neither in the ECS task
 * metadata nor through the EC2 instance metadata service. It says what was tried, one
 * entry per source, for the failure report.
 */
public class ApplicationZoneUnavailableException extends RuntimeException {

	private final List<String> attempts;

	/**
	 * Create an exception.
	 * @param attempts what was tried and what came of it, one entry per source
	 */
	public ApplicationZoneUnavailableException(List<String> attempts) {
		super("No Availability Zone found: " + String.join("; ", attempts) + ".");
		this.attempts = List.copyOf(attempts);
	}

	/**
	 * Return what was tried.
	 * @return one entry per source, e.g. {@code ECS task metadata: not detected
	 * (ECS_CONTAINER_METADATA_URI_V4 is not set)}
	 */
	public List<String> getAttempts() {
		return this.attempts;
	}

}
