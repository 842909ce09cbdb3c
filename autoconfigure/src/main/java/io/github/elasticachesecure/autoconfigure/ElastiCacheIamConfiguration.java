package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.iam.ElastiCacheIamTokenGenerator;
import io.github.elasticachesecure.iam.IamSetting;
import io.github.elasticachesecure.iam.IamTokenListener;
import io.github.elasticachesecure.iam.InvalidIamSettingException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.connection.lettuce.RedisCredentialsProviderFactory;

/**
 * IAM authentication: a token provider that signs ahead of expiry, handed to Lettuce as
 * streaming credentials so that every new token re-authenticates live connections.
 * <p>
 * Defined whenever the AWS SDK's signer is on the class path, and decided by
 * {@code elasticache.secure.auth.mode} when the beans are created, not by a condition:
 * Spring AOT fixes conditions at build time, and one build must serve a password on a
 * laptop and IAM in production. In another mode the provider and the beans made from it
 * are absent ({@code null} beans, which injection through {@link ObjectProvider} sees as
 * missing).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ AwsV4HttpSigner.class, Region.class })
class ElastiCacheIamConfiguration {

	private static final Log logger = LogFactory.getLog(ElastiCacheIamConfiguration.class);

	/**
	 * Added to the credentials timeout for the first token: signing is local and quick.
	 */
	private static final Duration FIRST_TOKEN_SIGNING_MARGIN = Duration.ofSeconds(10);

	/**
	 * The property behind each setting the token generator and provider check again: a
	 * value these checks refuse is reported against the property it came from.
	 */
	private static final Map<IamSetting, String> SETTING_PROPERTIES = Map.of(IamSetting.CACHE_NAME,
			ElastiCacheDescription.CACHE_NAME, IamSetting.USER_ID, ElastiCacheDescription.USERNAME, IamSetting.REGION,
			"elasticache.secure.iam.region", IamSetting.REFRESH_INTERVAL, "elasticache.secure.iam.refresh-interval",
			IamSetting.CREDENTIALS_TIMEOUT, "elasticache.secure.iam.credentials-timeout");

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@Nullable ElastiCacheIamCredentialsProvider elastiCacheIamCredentialsProvider(ElastiCacheSecureProperties properties,
			ElastiCacheDescription cache, ObjectProvider<AwsCredentialsProvider> credentialsProviders,
			ObjectProvider<AwsRegionProvider> regionProviders, ObjectProvider<IamTokenListener> listeners) {
		if (cache.auth().mode() != AuthMode.IAM) {
			return null;
		}
		ElastiCacheSecureProperties.Iam iam = properties.getIam();
		// Resolved only in IAM mode: a password-mode application creates no AWS objects.
		AwsCredentialsProvider credentialsProvider = credentialsProviders.getObject();
		AwsRegionProvider regionProvider = regionProviders.getObject();
		try {
			ElastiCacheIamTokenGenerator generator = new ElastiCacheIamTokenGenerator(
					cache.requireCacheName("IAM authentication"), Objects.requireNonNull(cache.auth().username()),
					ElastiCacheAwsConfiguration.region(cache.region(), regionProvider, "IAM authentication"),
					cache.topology() == CacheTopology.SERVERLESS);
			logger.info("IAM authentication for user '" + generator.userId() + "' on cache '" + generator.cacheName()
					+ "' in " + generator.region() + (generator.serverless() ? " (serverless)" : "")
					+ ", new token every " + iam.getRefreshInterval());
			ElastiCacheIamCredentialsProvider provider = ElastiCacheIamCredentialsProvider
				.builder(generator, credentialsProvider)
				.refreshInterval(iam.getRefreshInterval())
				.credentialsTimeout(iam.getCredentialsTimeout())
				.reauthenticationSpread(iam.getReauthenticationSpread())
				.listener(CompositeIamTokenListener.of(listeners))
				.build();
			awaitFirstToken(provider, iam.getCredentialsTimeout());
			return provider;
		}
		catch (InvalidIamSettingException ex) {
			String property = SETTING_PROPERTIES.get(ex.getSetting());
			throw new ElastiCacheConfigurationException(property,
					"The property '" + property + "' is invalid for IAM authentication: " + ex.getReason() + ".",
					"Correct '" + property + "' to " + ex.getSetting().validValue() + ".", ex);
		}
	}

	/**
	 * Without a first token no connection can authenticate: missing AWS credentials stop
	 * the start with a report rather than failing every request.
	 */
	private static void awaitFirstToken(ElastiCacheIamCredentialsProvider provider, Duration credentialsTimeout) {
		try {
			// The provider bounds the credentials call itself; this only guards against a
			// wait without end.
			provider.resolveCredentials().block(credentialsTimeout.plus(FIRST_TOKEN_SIGNING_MARGIN));
		}
		catch (RuntimeException ex) {
			provider.close();
			if (NestedExceptionUtils.getMostSpecificCause(ex) instanceof TimeoutException) {
				throw new ElastiCacheConfigurationException("elasticache.secure.iam.credentials-timeout",
						"No IAM token could be signed at startup: " + ex.getMessage(),
						"Check that the application reaches its AWS credentials source (instance metadata, the "
								+ "container credentials endpoint, STS), or raise "
								+ "'elasticache.secure.iam.credentials-timeout' (now " + credentialsTimeout.toMillis()
								+ "ms).",
						ex);
			}
			throw new ElastiCacheConfigurationException("elasticache.secure.iam.profile",
					"No IAM token could be signed at startup: " + ex.getMessage(),
					"Give the application AWS credentials: an IAM role (EC2 instance profile, ECS task role, EKS "
							+ "IRSA or Pod Identity), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile named by "
							+ "'elasticache.secure.iam.profile'; or define an AwsCredentialsProvider bean.",
					ex);
		}
	}

	@Bean
	LettuceClientConfigurationBuilderCustomizer elastiCacheIamClientConfigurationCustomizer(
			ElastiCacheDescription cache, ObjectProvider<ElastiCacheIamCredentialsProvider> credentialsProviders) {
		ElastiCacheIamCredentialsProvider credentialsProvider = inIamMode(cache, credentialsProviders);
		if (credentialsProvider == null) {
			return (builder) -> {
			};
		}
		RedisCredentialsProviderFactory factory = new RedisCredentialsProviderFactory() {
			@Override
			public ElastiCacheIamCredentialsProvider createCredentialsProvider(
					org.springframework.data.redis.connection.RedisConfiguration configuration) {
				return credentialsProvider;
			}
		};
		return (builder) -> {
			builder.redisCredentialsProviderFactory(factory);
			// Built only to read the protocol the option customizers chose: neither
			// builder has getters.
			ClientOptions options = builder.build().getClientOptions().orElse(null);
			if (options != null && options.getConfiguredProtocolVersion() == ProtocolVersion.RESP2) {
				logger.warn("IAM authentication with RESP2: Lettuce cannot re-authenticate pub/sub connections on "
						+ "RESP2, so ElastiCache closes them 12 hours after they connected; use RESP3 (the default)");
			}
		};
	}

	@Bean
	@Nullable IamTokenStatusSource elastiCacheIamTokenStatusSource(ElastiCacheDescription cache,
			ObjectProvider<ElastiCacheIamCredentialsProvider> credentialsProviders) {
		ElastiCacheIamCredentialsProvider credentialsProvider = inIamMode(cache, credentialsProviders);
		return (credentialsProvider != null) ? credentialsProvider::status : null;
	}

	@Bean
	@Nullable RejectedTokenRefresher elastiCacheRejectedTokenRefresher(ElastiCacheDescription cache,
			ObjectProvider<ClientResources> clientResources,
			ObjectProvider<ElastiCacheIamCredentialsProvider> credentialsProviders) {
		ElastiCacheIamCredentialsProvider credentialsProvider = inIamMode(cache, credentialsProviders);
		return (credentialsProvider != null) ? new RejectedTokenRefresher(clientResources.getIfAvailable(),
				credentialsProvider::refreshNow, "The server rejected the IAM token; signing a fresh one") : null;
	}

	/**
	 * The credentials provider in IAM mode, else {@code null}: an application's own
	 * provider bean is not used in another mode either.
	 */
	private static @Nullable ElastiCacheIamCredentialsProvider inIamMode(ElastiCacheDescription cache,
			ObjectProvider<ElastiCacheIamCredentialsProvider> credentialsProviders) {
		return (cache.auth().mode() == AuthMode.IAM) ? credentialsProviders.getIfAvailable() : null;
	}

}
