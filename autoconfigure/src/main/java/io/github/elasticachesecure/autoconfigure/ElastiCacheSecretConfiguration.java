package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.secret.CredentialsSource;
import io.github.elasticachesecure.secret.RotatingCredentialsProvider;
import io.github.elasticachesecure.secret.SecretReadException;
import io.lettuce.core.resource.ClientResources;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.lettuce.RedisCredentialsProviderFactory;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Passwords that rotate: the password from AWS Secrets Manager
 * ({@code elasticache.secure.auth.secret}), from the application's own
 * {@link CredentialsSource} bean, or {@code elasticache.secure.auth.password} when Spring
 * Cloud Context can change the environment ({@link EnvironmentChangePasswordRefresher}),
 * read at start, every refresh interval and when the server rejects it, and handed to
 * Lettuce as streaming credentials as IAM tokens are, so that a rotation re-authenticates
 * live connections. A secret is read with the AWS credentials and region beans IAM uses;
 * the endpoint is the SDK's (its standard overrides apply).
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

	private static final String PASSWORD = EnvironmentPasswordSource.PASSWORD;

	static final String ENVIRONMENT_CHANGE_EVENT = "org.springframework.cloud.context.environment.EnvironmentChangeEvent";

	/**
	 * With Spring Cloud Context the environment can change while the application runs: a
	 * static password is then read through a rotating provider too.
	 */
	private static final boolean ENVIRONMENT_CHANGES = ClassUtils.isPresent(ENVIRONMENT_CHANGE_EVENT,
			ElastiCacheSecretConfiguration.class.getClassLoader());

	private static final Log logger = LogFactory.getLog(ElastiCacheSecretConfiguration.class);

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
			ObjectProvider<AwsRegionProvider> regionProviders, ResourceLoader resourceLoader, Environment environment) {
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
			throw new ElastiCacheConfigurationException(PASSWORD,
					"'" + PASSWORD + "' is set, and the application defines a CredentialsSource bean that supplies the "
							+ "password.",
					"Remove '" + PASSWORD + "' to use the bean, or remove the CredentialsSource bean.");
		}
		String name;
		String username = cache.auth().username();
		if (source != null) {
			name = "the application's CredentialsSource bean";
		}
		else if (StringUtils.hasLength(secretId)) {
			SecretsManagerSource.requireClient(resourceLoader.getClassLoader());
			source = SecretsManagerSource.create(secretId, cache, auth.getSecretRefreshInterval(), credentialsProviders,
					regionProviders);
			name = "secret '" + secretId + "'";
		}
		else {
			// The user name too is read from the environment, as it may change with the
			// password.
			source = new EnvironmentPasswordSource(environment);
			name = "property '" + PASSWORD + "'";
			username = null;
			logger.info("Password from '" + PASSWORD + "', read again when Spring Cloud changes the environment");
		}
		RotatingCredentialsProvider provider = RotatingCredentialsProvider.builder(source, name)
			.username(username)
			.refreshInterval(auth.getSecretRefreshInterval())
			.build();
		awaitFirstRead(provider, secretId);
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
			if (!StringUtils.hasLength(secretId)) {
				throw new ElastiCacheConfigurationException("elasticache.secure.auth.mode",
						"No password could be read at startup from " + provider.status().source() + ": "
								+ ex.getMessage(),
						"Make the CredentialsSource bean return the password, or remove it and set '" + PASSWORD
								+ "' or '" + SECRET + "'.",
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
	 * Whether the password rotates: password mode with a secret, the application's
	 * {@link CredentialsSource} bean, or a password in an environment that Spring Cloud
	 * can change.
	 */
	static boolean rotates(ElastiCacheSecureProperties properties, ElastiCacheDescription cache,
			ObjectProvider<CredentialsSource> sources) {
		ElastiCacheSecureProperties.Auth auth = properties.getAuth();
		return cache.auth().mode() == AuthMode.PASSWORD
				&& (StringUtils.hasLength(auth.getSecret()) || sources.getIfAvailable() != null
						|| (ENVIRONMENT_CHANGES && StringUtils.hasLength(auth.getPassword())));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = ENVIRONMENT_CHANGE_EVENT)
	static class EnvironmentChangeConfiguration {

		@Bean
		EnvironmentChangePasswordRefresher elastiCacheEnvironmentChangePasswordRefresher(
				ObjectProvider<RotatingCredentialsProvider> credentialsProviders) {
			return new EnvironmentChangePasswordRefresher(credentialsProviders);
		}

	}

}
