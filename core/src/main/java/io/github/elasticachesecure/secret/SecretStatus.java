package io.github.elasticachesecure.secret;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a {@link RotatingCredentialsProvider}'s reads, for health checks and
 * metrics. Carries no password.
 *
 * @param source what is read, such as the secret id
 * @param version the version of the credentials in use (Secrets Manager's version id), or
 * {@code null} before the first successful read
 * @param username the user name the source gave with the credentials in use, or
 * {@code null} (none given, or before the first successful read); a configured user name
 * takes its place on the connection
 * @param lastRefresh when the last read started, or {@code null} before the first
 * @param lastOutcome {@code ok}, or the error code of the last read's failure (AWS's,
 * such as {@code AccessDeniedException}), or {@code null} before the first read ended
 * @param lastError the secret-free message of the last failure, or {@code null}
 * @param lastSuccess when the last successful read started, or {@code null}
 * @param nextRefreshAt when the next read is scheduled, or {@code null}
 * @param successCount the number of successful reads
 * @param failureCount the number of failed reads
 * @param consecutiveFailures the number of failures since the last success
 */
public record SecretStatus(String source, @Nullable String version, @Nullable String username,
		@Nullable Instant lastRefresh, @Nullable String lastOutcome, @Nullable String lastError,
		@Nullable Instant lastSuccess, @Nullable Instant nextRefreshAt, long successCount, long failureCount,
		int consecutiveFailures) {

	/**
	 * The outcome of a successful read.
	 */
	public static final String OK = "ok";

}
