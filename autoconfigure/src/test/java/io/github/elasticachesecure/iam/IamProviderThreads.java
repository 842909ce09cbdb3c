package io.github.elasticachesecure.iam;

/**
 * Tells the threads of {@link ElastiCacheIamCredentialsProvider}s apart, for tests in
 * other packages.
 */
public final class IamProviderThreads {

	private IamProviderThreads() {
	}

	/**
	 * Return whether the thread is the refresh thread of a provider or one of its calls
	 * to the AWS credentials source.
	 * @param thread the thread
	 * @return {@code true} if the thread belongs to a provider
	 */
	public static boolean isProviderThread(Thread thread) {
		return thread.getName().startsWith(RefreshScheduler.THREAD_NAME_PREFIX);
	}

}
