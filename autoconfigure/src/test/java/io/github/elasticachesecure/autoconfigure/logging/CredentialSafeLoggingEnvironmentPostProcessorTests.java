package io.github.elasticachesecure.autoconfigure.logging;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.mock.env.MockPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default level that docs/security-model.md promises for the logger of Lettuce's wire
 * dump, under any logging system: INFO, below the application's own settings.
 */
class CredentialSafeLoggingEnvironmentPostProcessorTests {

	private static final String COMMAND_ENCODER_LEVEL = "logging.level.io.lettuce.core.protocol.CommandEncoder";

	@Test
	void lettucesWireDumpLoggerDefaultsToInfo() {
		StandardEnvironment environment = new StandardEnvironment();
		new CredentialSafeLoggingEnvironmentPostProcessor().postProcessEnvironment(environment,
				new SpringApplication());
		assertThat(environment.getProperty(COMMAND_ENCODER_LEVEL)).isEqualTo("INFO");
	}

	@Test
	void theApplicationsOwnLevelWins() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MockPropertySource().withProperty(COMMAND_ENCODER_LEVEL, "WARN"));
		new CredentialSafeLoggingEnvironmentPostProcessor().postProcessEnvironment(environment,
				new SpringApplication());
		assertThat(environment.getProperty(COMMAND_ENCODER_LEVEL)).isEqualTo("WARN");
	}

}
