package io.github.elasticachesecure.iam;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The outcomes of a token refresher's refreshes (counts, times, last error), from which
 * {@link IamTokenStatus} snapshots are taken. Written by the refresh thread only; read by
 * any thread.
 */
final class RefreshHistory {

	private volatile @Nullable Instant lastSuccess;

	private volatile @Nullable Instant lastFailure;

	private volatile @Nullable String lastError;

	private volatile long successCount;

	private volatile long failureCount;

	private volatile int consecutiveFailures;

	/**
	 * Record a successful refresh.
	 * @param startedAt when the refresh started
	 */
	void recordSuccess(Instant startedAt) {
		this.lastSuccess = startedAt;
		this.consecutiveFailures = 0;
		this.successCount++;
	}

	/**
	 * Record a failed refresh.
	 * @param startedAt when the refresh started
	 * @param error the secret-free description of the failure
	 * @return the number of failures since the last success, this one included
	 */
	int recordFailure(Instant startedAt, String error) {
		this.lastFailure = startedAt;
		this.lastError = error;
		this.failureCount++;
		return ++this.consecutiveFailures;
	}

	/**
	 * Take a snapshot of this history with the state of the current token.
	 * @param token the current token, or {@code null}
	 * @param tokenUsable whether the token could be handed out now
	 * @param nextRefreshAt when the next refresh is scheduled, or {@code null}
	 * @return the status
	 */
	IamTokenStatus snapshot(@Nullable IamAuthToken token, boolean tokenUsable, @Nullable Instant nextRefreshAt) {
		return new IamTokenStatus((token != null) ? token.issuedAt() : null,
				(token != null) ? token.usableUntil() : null, tokenUsable, nextRefreshAt, this.lastSuccess,
				this.lastFailure, this.lastError, this.successCount, this.failureCount, this.consecutiveFailures);
	}

}
