package io.github.elasticachesecure.autoconfigure;

import java.util.function.Supplier;

import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.iam.IamTokenStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.function.SingletonSupplier;

/**
 * The IAM token status for health and metrics, looked up lazily: the IAM types need the AWS SDK, which only IAM mode
 * requires.
 */
final class IamStatusLookup {

	private IamStatusLookup() {
	}

	static @Nullable Supplier<IamTokenStatus> of(ElastiCacheSecureProperties properties,
			ListableBeanFactory beanFactory) {
		if (properties.getAuth().getMode() != ElastiCacheSecureProperties.AuthMode.IAM) {
			return null;
		}
		SingletonSupplier<ElastiCacheIamCredentialsProvider> provider = SingletonSupplier
			.of(() -> beanFactory.getBean(ElastiCacheIamCredentialsProvider.class));
		return () -> provider.obtain().status();
	}

}
