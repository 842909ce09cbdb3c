package io.github.elasticachesecure.iam;

/**
 * Callback for token refresh outcomes, e.g. to record metrics. Called on the refresh
 * thread: implementations must be quick and must not block. Exceptions thrown by a
 * listener are ignored.
 */
public interface IamTokenListener {

	/**
	 * Called after a new token was signed.
	 * @param status the status including the new token's times
	 */
	default void onRefreshSuccess(IamTokenStatus status) {
	}

	/**
	 * Called after a refresh failed; a retry is scheduled with backoff.
	 * @param status the status including the failure
	 * @param cause the failure (from the AWS credentials provider or the signer)
	 */
	default void onRefreshFailure(IamTokenStatus status, Throwable cause) {
	}

}
