package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.secret.CredentialsSource;
import io.github.elasticachesecure.secret.RotatingCredentialsProvider;
import io.github.elasticachesecure.secret.SecretReadException;
import io.lettuce.core.resource.ClientResources;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.io.ResourceLoader;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.lettuce.RedisCredentialsProviderFactory;
import org.springframework.util.StringUtils;

/**
 * Passwords that rotate: the password from AWS Secrets Manager
 * ({@code elasticache.secure.auth.secret}), or from the application's own
 * {@link CredentialsSource} bean, read at start, every refresh interval and when the
 * server rejects it, and handed to Lettuce as streaming credentials as IAM tokens are, so
 * that a rotation re-authenticates live connections. A secret is read with the AWS
 * credentials and region beans IAM uses; the endpoint is the SDK's (its standard
 * overrides apply).
 * <p>
 * Defined whenever the AWS SDK's retry back-off is on the class path (the starter brings
 * it), and decided by the properties and beans when the beans are created (Spring AOT
 * fixes conditions at build time): with neither a secret nor a source the beans are
 * absent ({@code null} beans).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "software.amazon.awssdk.retries.api.BackoffStrategy")
class ElastiCacheSecretConfiguration {

	private static final String SECRET = SecretsManagerSource.SECRET;

	/**
	 * The longest wait for the first read at start: the SDK bounds each read at 10 s, and
	 * a failed read ends the wait at once.
	 */
	private static final Duration FIRST_READ_TIMEOUT = Duration.ofSeconds(15);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@Nullable RotatingCredentialsProvider elastiCacheSecretCredentialsProvider(ElastiCacheSecureProperties properties,
			ElastiCacheDescription cache, ObjectProvider<CredentialsSource> sources,
			ObjectProvider<AwsCredentialsProvider> credentialsProviders,
			ObjectProvider<AwsRegionProvider> regionProviders, ResourceLoader resourceLoader) {
		if (!rotates(properties, cache, sources)) {
			return null;
		}
		ElastiCacheSecureProperties.Auth auth = properties.getAuth();
		String secretId = auth.getSecret();
		CredentialsSource source = sources.getIfAvailable();
		if (StringUtils.hasLength(secretId) && source != null) {
			throw new ElastiCacheConfigurationException(SECRET,
					"'" + SECRET + "' is set, and the application defines a CredentialsSource bean too: only one "
							+ "can supply the password.",
					"Remove '" + SECRET + "' to use the bean, or remove the CredentialsSource bean.");
		}
		if (source != null && StringUtils.hasLength(auth.getPassword())) {
			throw new ElastiCacheConfigurationException("elasticache.secure.auth.password",
					"'elasticache.secure.auth.password' is set, and the application defines a CredentialsSource bean "
							+ "that supplies the password.",
					"Remove 'elasticache.secure.auth.password' to use the bean, or remove the CredentialsSource bean.");
		}
		String name;
		boolean fromSecret = source == null;
		if (fromSecret) {
			SecretsManagerSource.requireClient(resourceLoader.getClassLoader());
			source = SecretsManagerSource.create(secretId, cache, auth.getSecretRefreshInterval(), credentialsProviders,
					regionProviders);
			name = "secret '" + secretId + "'";
		}
		else {
			name = "the application's CredentialsSource";
		}
		RotatingCredentialsProvider provider = RotatingCredentialsProvider.builder(source, name)
			.username(cache.auth().username())
			.refreshInterval(auth.getSecretRefreshInterval())
			.build();
		awaitFirstRead(provider, fromSecret ? secretId : null);
		return provider;
	}

	/**
	 * Without a first value no connection can authenticate: a secret the application
	 * cannot read stops the start with a report naming it and the permissions.
	 */
	private static void awaitFirstRead(RotatingCredentialsProvider provider, @Nullable String secretId) {
		try {
			provider.resolveCredentials().block(FIRST_READ_TIMEOUT);
		}
		catch (RuntimeException ex) {
			provider.close();
			if (secretId == null) {
				throw new ElastiCacheConfigurationException("elasticache.secure.auth.mode",
						"The application's CredentialsSource bean gave no password at startup: " + ex.getMessage(),
						"Make the CredentialsSource bean return the password, or remove it and set "
								+ "'elasticache.secure.auth.password' or '" + SECRET + "'.",
						ex);
			}
			String code = (ex instanceof SecretReadException read) ? read.getErrorCode()
					: NestedExceptionUtils.getMostSpecificCause(ex).getClass().getSimpleName();
			throw new ElastiCacheConfigurationException(SECRET, "The secret '" + secretId + "' named by '" + SECRET
					+ "' could not be read at startup: " + ex.getMessage(), action(code, secretId), ex);
		}
	}

	private static String action(String code, String secretId) {
		String permissions = "Allow the application's AWS identity 'secretsmanager:GetSecretValue' on the secret '"
				+ secretId + "' and, if a customer-managed KMS key encrypts it, 'kms:Decrypt' on that key.";
		return switch (code) {
			case "ResourceNotFoundException" -> "Check that '" + SECRET
					+ "' names an existing secret (its name or ARN) "
					+ "in the region read from the ARN, 'elasticache.secure.iam.region' or AWS_REGION. " + permissions;
			case "InvalidSecretValue", "NoSecretString" -> "Store the password as the secret's string value: JSON "
					+ "{\"username\": \"...\", \"password\": \"...\"} (username optional) or the password alone.";
			default -> permissions + " Check too that the application reaches Secrets Manager (or the endpoint "
					+ "named by AWS_ENDPOINT_URL_SECRETS_MANAGER) and its AWS credentials.";
		};
	}

	@Bean
	LettuceClientConfigurationBuilderCustomizer elastiCacheSecretClientConfigurationCustomizer(
			ObjectProvider<RotatingCredentialsProvider> credentialsProviders) {
		RotatingCredentialsProvider credentialsProvider = credentialsProviders.getIfAvailable();
		if (credentialsProvider == null) {
			return (builder) -> {
			};
		}
		RedisCredentialsProviderFactory factory = new RedisCredentialsProviderFactory() {
			@Override
			public RotatingCredentialsProvider createCredentialsProvider(RedisConfiguration configuration) {
				return credentialsProvider;
			}
		};
		return (builder) -> builder.redisCredentialsProviderFactory(factory);
	}

	@Bean
	@Nullable SecretStatusSource elastiCacheSecretStatusSource(ObjectProvider<RotatingCredentialsProvider> credentialsProviders) {
		RotatingCredentialsProvider credentialsProvider = credentialsProviders.getIfAvailable();
		return (credentialsProvider != null) ? credentialsProvider::status : null;
	}

	@Bean
	@Nullable RejectedTokenRefresher elastiCacheRejectedSecretRefresher(ObjectProvider<ClientResources> clientResources,
			ObjectProvider<RotatingCredentialsProvider> credentialsProviders) {
		RotatingCredentialsProvider credentialsProvider = credentialsProviders.getIfAvailable();
		return (credentialsProvider != null)
				? new RejectedTokenRefresher(clientResources.getIfAvailable(), credentialsProvider::refreshNow,
						"The server rejected the password; reading " + credentialsProvider.status().source() + " again")
				: null;
	}

	/**
	 * Whether the password rotates: password mode with a secret or the application's
	 * {@link CredentialsSource} bean.
	 */
	static boolean rotates(ElastiCacheSecureProperties properties, ElastiCacheDescription cache,
			ObjectProvider<CredentialsSource> sources) {
		return cache.auth().mode() == AuthMode.PASSWORD
				&& (StringUtils.hasLength(properties.getAuth().getSecret()) || sources.getIfAvailable() != null);
	}

}
