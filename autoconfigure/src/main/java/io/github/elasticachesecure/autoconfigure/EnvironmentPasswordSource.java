package io.github.elasticachesecure.autoconfigure;

import java.util.Objects;

import io.github.elasticachesecure.secret.CredentialsSource;
import io.github.elasticachesecure.secret.SecretCredentials;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The password in the environment, {@code elasticache.secure.auth.password} with
 * {@code elasticache.secure.auth.username}, as a credentials source: for applications
 * whose environment changes while they run (Spring Cloud's {@code EnvironmentChangeEvent}
 * after a refresh of Spring Cloud AWS's Secrets Manager import or of a config server
 * reads it again, see {@link EnvironmentChangePasswordRefresher}). Bound afresh on every
 * read, so relaxed names (environment variables) count as at start.
 * <p>
 * The version is the number of distinct values read since start: neither the value nor a
 * hash of it is shown anywhere. Read on the provider's refresh thread only.
 */
final class EnvironmentPasswordSource implements CredentialsSource {

	static final String PASSWORD = "elasticache.secure.auth.password";

	private final Environment environment;

	private @Nullable SecretCredentials last;

	private int changes;

	EnvironmentPasswordSource(Environment environment) {
		this.environment = environment;
	}

	@Override
	public SecretCredentials read() {
		Binder binder = Binder.get(this.environment);
		String password = binder.bind(PASSWORD, String.class).orElse(null);
		if (password == null || password.isEmpty()) {
			throw new IllegalStateException("'" + PASSWORD + "' is no longer set in the environment");
		}
		String username = binder.bind(ElastiCacheDescription.USERNAME, String.class)
			.map((name) -> name.isEmpty() ? null : name)
			.orElse(null);
		SecretCredentials last = this.last;
		if (last != null && password.equals(last.password()) && Objects.equals(username, last.username())) {
			return last;
		}
		this.changes++;
		this.last = SecretCredentials.of(username, password, String.valueOf(this.changes));
		return this.last;
	}

}
