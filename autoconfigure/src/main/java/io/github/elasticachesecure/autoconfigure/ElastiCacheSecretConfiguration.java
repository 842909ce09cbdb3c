package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.secret.RotatingCredentialsProvider;
import io.github.elasticachesecure.secret.SecretReadException;
import io.github.elasticachesecure.secret.SecretsManagerSecret;
import io.lettuce.core.resource.ClientResources;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.lettuce.RedisCredentialsProviderFactory;
import org.springframework.util.StringUtils;

/**
 * The password from AWS Secrets Manager ({@code elasticache.secure.auth.secret}): a
 * provider that reads the secret at start, every refresh interval and when the server
 * rejects the password, handed to Lettuce as streaming credentials as IAM tokens are, so
 * that a rotation re-authenticates live connections. The AWS credentials and region are
 * the beans IAM uses; the endpoint is the SDK's (its standard overrides apply).
 * <p>
 * Defined whenever the SDK's Secrets Manager client is on the class path, and decided by
 * the properties when the beans are created (Spring AOT fixes conditions at build time):
 * without a secret the beans are absent ({@code null} beans).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ SecretsManagerClient.class, AwsRegionProvider.class })
class ElastiCacheSecretConfiguration {

	static final String SECRET = "elasticache.secure.auth.secret";

	static final String SECRETS_MANAGER_CLIENT_CLASS = "software.amazon.awssdk.services.secretsmanager.SecretsManagerClient";

	private static final Log logger = LogFactory.getLog(ElastiCacheSecretConfiguration.class);

	/**
	 * The longest wait for the first read at start: the SDK bounds each read at 10 s, and
	 * a failed read ends the wait at once.
	 */
	private static final Duration FIRST_READ_TIMEOUT = Duration.ofSeconds(15);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@Nullable RotatingCredentialsProvider elastiCacheSecretCredentialsProvider(ElastiCacheSecureProperties properties,
			ElastiCacheDescription cache, ObjectProvider<AwsCredentialsProvider> credentialsProviders,
			ObjectProvider<AwsRegionProvider> regionProviders) {
		String secretId = secretId(properties, cache);
		if (secretId == null) {
			return null;
		}
		String region = regionOf(secretId);
		if (region == null) {
			region = ElastiCacheAwsConfiguration.region(cache, regionProviders.getObject(), "Reading '" + SECRET + "'");
		}
		ElastiCacheSecureProperties.Auth auth = properties.getAuth();
		logger.info("Password from AWS Secrets Manager secret '" + secretId + "' in " + region + ", read every "
				+ auth.getSecretRefreshInterval());
		RotatingCredentialsProvider provider = RotatingCredentialsProvider
			.builder(SecretsManagerSecret.create(secretId, credentialsProviders.getObject(), region),
					"secret '" + secretId + "'")
			.username(cache.auth().username())
			.refreshInterval(auth.getSecretRefreshInterval())
			.build();
		awaitFirstRead(provider, secretId);
		return provider;
	}

	/**
	 * Without a first value no connection can authenticate: a secret the application
	 * cannot read stops the start with a report naming it and the permissions.
	 */
	private static void awaitFirstRead(RotatingCredentialsProvider provider, String secretId) {
		try {
			provider.resolveCredentials().block(FIRST_READ_TIMEOUT);
		}
		catch (RuntimeException ex) {
			provider.close();
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
	 * The secret in password mode, else {@code null}.
	 */
	static @Nullable String secretId(ElastiCacheSecureProperties properties, ElastiCacheDescription cache) {
		String secret = properties.getAuth().getSecret();
		return (cache.auth().mode() == AuthMode.PASSWORD && StringUtils.hasLength(secret)) ? secret : null;
	}

	/**
	 * The region of a secret named by its ARN
	 * ({@code arn:<partition>:secretsmanager:<region>:<account>:secret:<name>}).
	 */
	static @Nullable String regionOf(String secretId) {
		String[] parts = secretId.split(":", 6);
		return (parts.length == 6 && parts[0].equals("arn") && parts[2].equals("secretsmanager") && !parts[3].isEmpty())
				? parts[3] : null;
	}

}
