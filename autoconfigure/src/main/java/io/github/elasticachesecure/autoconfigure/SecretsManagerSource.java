package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.secret.CredentialsSource;
import io.github.elasticachesecure.secret.SecretsManagerSecret;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.ClassUtils;

/**
 * The secret named by {@code elasticache.secure.auth.secret} as a credentials source,
 * read with the AWS credentials and region IAM uses. Its own class, loaded only when a
 * secret is set: the Secrets Manager client is optional.
 */
final class SecretsManagerSource {

	static final String SECRET = "elasticache.secure.auth.secret";

	static final String SECRETS_MANAGER_CLIENT_CLASS = "software.amazon.awssdk.services.secretsmanager.SecretsManagerClient";

	private static final Log logger = LogFactory.getLog(SecretsManagerSource.class);

	private SecretsManagerSource() {
	}

	/**
	 * Check that the Secrets Manager client is on the class path.
	 * @param classLoader the application's class loader
	 */
	static void requireClient(@Nullable ClassLoader classLoader) {
		if (!ClassUtils.isPresent(SECRETS_MANAGER_CLIENT_CLASS, classLoader)) {
			throw new ElastiCacheConfigurationException(SECRET,
					"'" + SECRET + "' needs the AWS SDK's Secrets Manager client, which is not on the classpath.",
					"Add software.amazon.awssdk:secretsmanager (with url-connection-client), or set "
							+ "'elasticache.secure.auth.password' instead.");
		}
	}

	/**
	 * The secret as a source that owns its client.
	 * @param secretId the secret's name or ARN
	 * @param cache the description of the cache, for the region
	 * @param refreshInterval for the log line
	 * @param credentialsProviders the AWS credentials beans
	 * @param regionProviders the AWS region beans
	 * @return the source
	 */
	static CredentialsSource create(String secretId, ElastiCacheDescription cache, Duration refreshInterval,
			ObjectProvider<AwsCredentialsProvider> credentialsProviders,
			ObjectProvider<AwsRegionProvider> regionProviders) {
		String region = SecretsManagerSecret.regionOf(secretId);
		if (region == null) {
			region = ElastiCacheAwsConfiguration.region(cache.region(), regionProviders.getObject(),
					"Reading '" + SECRET + "'");
		}
		logger.info("Password from AWS Secrets Manager secret '" + secretId + "' in " + region + ", read every "
				+ refreshInterval);
		return SecretsManagerSecret.create(secretId, credentialsProviders.getObject(), region);
	}

}
