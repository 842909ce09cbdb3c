package io.github.elasticachesecure.autoconfigure.guard;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.guard.AuthenticationRejectedException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link AuthenticationRejectedException}, with the action that fits how the
 * refused factory authenticates.
 */
class AuthenticationRejectedFailureAnalyzer extends AbstractFailureAnalyzer<AuthenticationRejectedException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, AuthenticationRejectedException cause) {
		String action = switch (cause.getAuthMode()) {
			case IAM -> "Check that the ElastiCache user 'elasticache.secure.auth.username' exists with "
					+ "authentication mode IAM (user name and user id identical) and belongs to the cache's user "
					+ "group, that 'elasticache.secure.cache-name' and 'elasticache.secure.iam.region' name the "
					+ "cache, and that the IAM policy of the application's role allows 'elasticache:Connect' on both "
					+ "the cache ARN and the user ARN.";
			case PASSWORD -> "Check 'elasticache.secure.auth.username' and 'elasticache.secure.auth.password': the "
					+ "user must exist and be enabled ('on'), and the password must be current. For the "
					+ "ElastiCache AUTH token of the default user, leave the username unset. With "
					+ "'elasticache.secure.auth.secret', the secret's current version must hold the password the "
					+ "server accepts (its version id is logged at startup).";
			case NONE -> "The server requires authentication: set 'elasticache.secure.auth.mode' to 'password' or "
					+ "'iam' with its credentials.";
		};
		return new FailureAnalysis(cause.getMessage() + ".", action, cause);
	}

}
