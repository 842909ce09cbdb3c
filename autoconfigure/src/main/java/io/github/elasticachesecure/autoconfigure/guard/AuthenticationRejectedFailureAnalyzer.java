package io.github.elasticachesecure.autoconfigure.guard;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.guard.AuthenticationRejectedException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Reports an {@link AuthenticationRejectedException}, with the action that fits how the
 * refused factory authenticates.
 */
class AuthenticationRejectedFailureAnalyzer extends AbstractFailureAnalyzer<AuthenticationRejectedException> {

	private static final String SECRET = "elasticache.secure.auth.secret";

	private final Environment environment;

	AuthenticationRejectedFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, AuthenticationRejectedException cause) {
		String action = switch (cause.getAuthMode()) {
			case IAM -> "Check that the ElastiCache user 'elasticache.secure.auth.username' exists with "
					+ "authentication mode IAM (user name and user id identical) and belongs to the cache's user "
					+ "group, that 'elasticache.secure.cache-name' and 'elasticache.secure.iam.region' name the "
					+ "cache, and that the IAM policy of the application's role allows 'elasticache:Connect' on both "
					+ "the cache ARN and the user ARN.";
			case PASSWORD -> passwordAction(this.environment.getProperty(SECRET));
			case NONE -> "The server requires authentication: set 'elasticache.secure.auth.mode' to 'password' or "
					+ "'iam' with its credentials.";
		};
		return new FailureAnalysis(cause.getMessage() + ".", action, cause);
	}

	// The secret's id, never its value: the value is the password the server refused.
	private static String passwordAction(@Nullable String secret) {
		if (secret != null && !secret.isEmpty()) {
			return "The password comes from the AWS Secrets Manager secret '" + secret + "' ('" + SECRET + "'): "
					+ "its current version (AWSCURRENT, logged at startup with its version id) must hold the "
					+ "password the server accepts, and its 'username' (or 'elasticache.secure.auth.username') a user "
					+ "that exists and is enabled ('on'). After a rotation, check that the new password was set on the "
					+ "ElastiCache user or AUTH token before the secret was switched.";
		}
		return "Check 'elasticache.secure.auth.username' and 'elasticache.secure.auth.password': the user must "
				+ "exist and be enabled ('on'), and the password must be current. For the ElastiCache AUTH token of "
				+ "the default user, leave the username unset.";
	}

}
