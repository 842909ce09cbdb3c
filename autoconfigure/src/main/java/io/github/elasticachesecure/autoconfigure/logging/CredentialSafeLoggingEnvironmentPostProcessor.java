package io.github.elasticachesecure.autoconfigure.logging;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.elasticachesecure.logging.CredentialDumpFilter;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps the dumps that carry credentials out of the logs when the application raises the
 * root level: at TRACE Lettuce's {@code CommandEncoder} prints every byte it sends, and
 * the bytes of {@code AUTH} and {@code HELLO … AUTH} are the password or IAM token; at
 * DEBUG the AWS SDK's signers, the JDK's {@code HttpURLConnection} and the Apache
 * clients' wire and header loggers print session tokens and {@code Authorization} headers
 * (see {@link CredentialDumpFilter#CREDENTIAL_DUMP_LOGGERS}). Each logger gets a level of
 * its own, so raising the root level never reaches it; INFO rather than DEBUG, so that it
 * adds no noise either. The JDK's logger then stays at INFO in {@code java.util.logging}
 * too (Boot propagates levels there), so it does not even build its header dumps. The
 * level is a default of the lowest precedence, which a level set for this logger (a
 * property, {@code /actuator/loggers}) overrides: on Logback,
 * {@link CredentialSafeLoggingApplicationListener} keeps the dump off whatever the level;
 * this default is what remains for the other logging systems Boot drives.
 */
class CredentialSafeLoggingEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "elasticacheSecureLoggingDefaults";

	static final String COMMAND_ENCODER_LEVEL = "logging.level.io.lettuce.core.protocol.CommandEncoder";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			Map<String, Object> levels = new LinkedHashMap<>();
			levels.put(COMMAND_ENCODER_LEVEL, "INFO");
			for (String logger : CredentialDumpFilter.CREDENTIAL_DUMP_LOGGERS) {
				levels.put("logging.level." + logger, "INFO");
			}
			environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, levels));
		}
	}

}
