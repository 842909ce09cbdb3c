package io.github.elasticachesecure.cache;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of {@link ApplicationZoneLookup} that open no connection: the settings come from
 * a map, never from this machine's environment, so no test reaches 169.254.169.254 or
 * 169.254.170.2 (the ones against the stand-ins are in
 * {@code ApplicationZoneLookupIntegrationTests}).
 */
class ApplicationZoneLookupTests {

	@Test
	void withoutEcsAndWithImdsDisabledNothingIsCalledAndTheFailureSaysWhatWasTried() {
		ApplicationZoneLookup lookup = new ApplicationZoneLookup(Map.of("AWS_EC2_METADATA_DISABLED", "true")::get);
		assertThatExceptionOfType(ApplicationZoneUnavailableException.class).isThrownBy(lookup::lookUp)
			.satisfies((ex) -> assertThat(ex.getAttempts()).containsExactly(
					"ECS task metadata: not detected (ECS_CONTAINER_METADATA_URI_V4 is not set)",
					"IMDSv2: disabled (AWS_EC2_METADATA_DISABLED or aws.disableEc2Metadata is true)"))
			.withMessage("No Availability Zone found: ECS task metadata: not detected "
					+ "(ECS_CONTAINER_METADATA_URI_V4 is not set); IMDSv2: disabled (AWS_EC2_METADATA_DISABLED or "
					+ "aws.disableEc2Metadata is true).");
	}

	@Test
	void theSystemPropertyDisablesImdsToo() {
		ApplicationZoneLookup lookup = new ApplicationZoneLookup(Map.of("aws.disableEc2Metadata", "TRUE")::get);
		assertThatExceptionOfType(ApplicationZoneUnavailableException.class).isThrownBy(lookup::lookUp)
			.withMessageContaining("IMDSv2: disabled");
	}

	@Test
	void anEcsVariableThatIsNoUrlIsReportedAsSuch() {
		ApplicationZoneLookup lookup = new ApplicationZoneLookup(
				Map.of("ECS_CONTAINER_METADATA_URI_V4", "not a url", "AWS_EC2_METADATA_DISABLED", "true")::get);
		assertThatExceptionOfType(ApplicationZoneUnavailableException.class).isThrownBy(lookup::lookUp)
			.withMessageContaining("ECS task metadata at not a url/task: not a URL");
	}

}
