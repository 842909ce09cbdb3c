package io.github.elasticachesecure.testkit;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

/**
 * {@link ContainerConnectionDetailsFactory} that makes Spring Boot's
 * {@link DataRedisConnectionDetails} from a
 * {@link ServiceConnection @ServiceConnection}-annotated {@link ElastiCacheContainer},
 * whatever its image: the TLS endpoint (the IAM front's in IAM mode), the ACL user, its
 * password (none in IAM mode, where the application's token is the password) and an SSL
 * bundle trusting the container's CA.
 */
class ElastiCacheContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<ElastiCacheContainer, DataRedisConnectionDetails> {

	ElastiCacheContainerConnectionDetailsFactory() {
		super(ANY_CONNECTION_NAME, "org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails");
	}

	@Override
	protected DataRedisConnectionDetails getContainerConnectionDetails(
			ContainerConnectionSource<ElastiCacheContainer> source) {
		return new ElastiCacheContainerConnectionDetails(source);
	}

	private static final class ElastiCacheContainerConnectionDetails
			extends ContainerConnectionDetails<ElastiCacheContainer> implements DataRedisConnectionDetails {

		private ElastiCacheContainerConnectionDetails(ContainerConnectionSource<ElastiCacheContainer> source) {
			super(source);
		}

		@Override
		public String getUsername() {
			return getContainer().getUsername();
		}

		@Override
		public @Nullable String getPassword() {
			return getContainer().isIamAuthentication() ? null : getContainer().getPassword();
		}

		@Override
		public SslBundle getSslBundle() {
			// A bundle named with @Ssl… annotations on the field wins, as for Boot's own
			// containers.
			SslBundle bundle = super.getSslBundle();
			return (bundle != null) ? bundle : getContainer().getSslBundle();
		}

		@Override
		public Standalone getStandalone() {
			return Standalone.of(getContainer().getHost(), getContainer().getPort());
		}

		@Override
		public String toString() {
			return "ElastiCacheContainerConnectionDetails{" + getContainer() + "}";
		}

	}

}
