package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;

/**
 * Tells the threads of {@link ElastiCacheIamCredentialsProvider}s apart by the name they
 * are documented to carry.
 */
final class IamProviderThreads {

	private IamProviderThreads() {
	}

	/**
	 * Return whether the thread is the refresh thread of a provider or one of its calls
	 * to the AWS credentials source.
	 * @param thread the thread
	 * @return {@code true} if the thread belongs to a provider
	 */
	static boolean isProviderThread(Thread thread) {
		return thread.getName().startsWith("elasticache-iam-token-refresh-");
	}

}
