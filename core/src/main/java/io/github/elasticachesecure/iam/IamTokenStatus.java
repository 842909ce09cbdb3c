package io.github.elasticachesecure.iam;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of an {@link ElastiCacheIamCredentialsProvider}'s token lifecycle, for
 * health checks and metrics. Carries no token value and no credentials.
 *
 * @param tokenIssuedAt when the current token was signed, or {@code null} if there is
 * none
 * @param tokenUsableUntil until when the current token may be handed out, or {@code null}
 * if there is none
 * @param tokenUsable whether a token could be handed out when the snapshot was taken
 * @param nextRefreshAt when the next refresh is scheduled, or {@code null} if none is
 * @param lastRefreshSuccess when the last successful refresh started, or {@code null}
 * @param lastRefreshFailure when the last failed refresh started, or {@code null}
 * @param lastRefreshError the message of the last refresh failure, or {@code null}
 * @param refreshSuccessCount the number of successful refreshes
 * @param refreshFailureCount the number of failed refreshes
 * @param consecutiveFailures the number of failures since the last success
 */
public record IamTokenStatus(@Nullable Instant tokenIssuedAt, @Nullable Instant tokenUsableUntil, boolean tokenUsable,
		@Nullable Instant nextRefreshAt, @Nullable Instant lastRefreshSuccess, @Nullable Instant lastRefreshFailure,
		@Nullable String lastRefreshError, long refreshSuccessCount, long refreshFailureCount,
		int consecutiveFailures) {

}
