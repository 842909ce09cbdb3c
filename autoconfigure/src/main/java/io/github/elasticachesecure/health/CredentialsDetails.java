package io.github.elasticachesecure.health;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.elasticachesecure.iam.IamTokenStatus;
import io.github.elasticachesecure.secret.SecretStatus;
import org.jspecify.annotations.Nullable;

/**
 * The health details of the credentials that rotate (IAM tokens, a password's secret):
 * times, versions and outcomes, never a value.
 */
final class CredentialsDetails {

	private CredentialsDetails() {
	}

	static Map<String, Object> of(IamTokenStatus status) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("tokenUsable", status.tokenUsable());
		putIfNotNull(details, "tokenIssuedAt", status.tokenIssuedAt());
		putIfNotNull(details, "tokenUsableUntil", status.tokenUsableUntil());
		putIfNotNull(details, "lastRefresh", status.lastRefreshSuccess());
		putIfNotNull(details, "nextRefresh", status.nextRefreshAt());
		putIfNotNull(details, "lastRefreshFailure", status.lastRefreshFailure());
		putIfNotNull(details, "lastRefreshError", status.lastRefreshError());
		details.put("consecutiveFailures", status.consecutiveFailures());
		return details;
	}

	static Map<String, Object> of(SecretStatus status) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("source", status.source());
		putIfNotNull(details, "versionId", status.version());
		putIfNotNull(details, "lastRefresh", status.lastRefresh());
		putIfNotNull(details, "lastRefreshOutcome", status.lastOutcome());
		putIfNotNull(details, "lastSuccess", status.lastSuccess());
		putIfNotNull(details, "nextRefresh", status.nextRefreshAt());
		putIfNotNull(details, "lastRefreshError", status.lastError());
		details.put("consecutiveFailures", status.consecutiveFailures());
		return details;
	}

	/**
	 * The warning of a secret whose last read failed.
	 */
	static String warning(SecretStatus status) {
		return "the last read of " + status.source() + " failed (" + status.lastOutcome() + ", "
				+ status.consecutiveFailures() + " in a row); " + ((status.version() != null)
						? "the password of version " + status.version() + " stays in use" : "no password was read yet");
	}

	private static void putIfNotNull(Map<String, Object> details, String key, @Nullable Object value) {
		if (value != null) {
			details.put(key, (value instanceof Instant instant) ? instant.toString() : value);
		}
	}

}
