package io.github.elasticachesecure.autoconfigure;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps Lettuce's wire dump out of the logs even when the application logs everything at TRACE: at TRACE Lettuce's
 * {@code CommandEncoder} prints every byte it sends, and the bytes of {@code AUTH} and {@code HELLO … AUTH} are the
 * password or IAM token. The logger gets a level of its own, so raising the root level (also at runtime through
 * {@code /actuator/loggers}) never reaches it; INFO rather than DEBUG, so that it adds no noise either. The level is a
 * default of the lowest precedence: only an application that names this logger itself gets the dump.
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
