package io.github.elasticachesecure.autoconfigure;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps Lettuce's wire dump out of the logs when the application raises the root level: at TRACE Lettuce's
 * {@code CommandEncoder} prints every byte it sends, and the bytes of {@code AUTH} and {@code HELLO … AUTH} are the
 * password or IAM token. The logger gets a level of its own, so raising the root level never reaches it; INFO rather
 * than DEBUG, so that it adds no noise either. The level is a default of the lowest precedence, which a level set for
 * this logger (a property, {@code /actuator/loggers}) overrides: on Logback, {@link CredentialSafeLoggingApplicationListener}
 * keeps the dump off whatever the level; this default is what remains for the other logging systems Boot drives.
 */
class CredentialSafeLoggingEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "elasticacheSecureLoggingDefaults";

	static final String COMMAND_ENCODER_LEVEL = "logging.level.io.lettuce.core.protocol.CommandEncoder";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			environment.getPropertySources()
				.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(COMMAND_ENCODER_LEVEL, "INFO")));
		}
	}

}
