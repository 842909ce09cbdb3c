package io.github.elasticachesecure.cache;

/**
 * The Availability Zone the application runs in, for reads from the replicas of the same
 * zone ({@link SameZoneReadFrom}), and where it came from.
 *
 * @param zone the zone's name, e.g. {@code us-east-1a}
 * @param source where it came from
 */
public record ApplicationZone(String zone, Source source) {

	/**
	 * Where the application's zone came from.
	 */
	public enum Source {

		/**
		 * Configured ({@code elasticache.secure.availability-zone}).
		 */
		CONFIGURED("configured", "elasticache.secure.availability-zone"),

		/**
		 * The ECS task metadata endpoint ({@code ECS_CONTAINER_METADATA_URI_V4}).
		 */
		ECS_TASK_METADATA("ecs-task-metadata", "ECS task metadata"),

		/**
		 * The EC2 instance metadata service, version 2.
		 */
		IMDS("imdsv2", "IMDSv2");

		private final String value;

		private final String description;

		Source(String value, String description) {
			this.value = value;
			this.description = description;
		}

		/**
		 * Return the source as shown in the actuator.
		 * @return {@code configured}, {@code ecs-task-metadata} or {@code imdsv2}
		 */
		public String value() {
			return this.value;
		}

		/**
		 * Return the source as a log line names it.
		 * @return the property, {@code ECS task metadata} or {@code IMDSv2}
		 */
		public String description() {
			return this.description;
		}

	}

}
