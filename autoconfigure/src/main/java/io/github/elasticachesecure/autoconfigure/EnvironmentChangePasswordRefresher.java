package io.github.elasticachesecure.autoconfigure;

import java.util.Locale;

import io.github.elasticachesecure.secret.RotatingCredentialsProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;

/**
 * Reads the password again when Spring Cloud changed a property under
 * {@code elasticache.secure.auth} (a refresh of Spring Cloud AWS's Secrets Manager
 * import, a config server refresh, {@code /actuator/refresh}): a new value then reaches
 * live connections as a rotated secret does. Loaded only when Spring Cloud Context is on
 * the class path.
 */
final class EnvironmentChangePasswordRefresher implements ApplicationListener<EnvironmentChangeEvent> {

	private static final String AUTH_PREFIX = "elasticache.secure.auth.";

	private final ObjectProvider<RotatingCredentialsProvider> credentialsProviders;

	EnvironmentChangePasswordRefresher(ObjectProvider<RotatingCredentialsProvider> credentialsProviders) {
		this.credentialsProviders = credentialsProviders;
	}

	@Override
	public void onApplicationEvent(EnvironmentChangeEvent event) {
		if (event.getKeys().stream().anyMatch(EnvironmentChangePasswordRefresher::isAuthProperty)) {
			this.credentialsProviders.ifAvailable(RotatingCredentialsProvider::refreshNow);
		}
	}

	/**
	 * The keys are each property source's own spelling: dotted, or an environment
	 * variable's ({@code ELASTICACHE_SECURE_AUTH_PASSWORD}).
	 */
	static boolean isAuthProperty(String key) {
		return key.toLowerCase(Locale.ROOT).replace('_', '.').replace("-", "").startsWith(AUTH_PREFIX);
	}

}
