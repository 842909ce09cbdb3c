package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureProperties.AuthMode;
import io.github.elasticachesecure.guard.AuthenticationRejectedException;
import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.iam.ElastiCacheIamTokenGenerator;
import io.github.elasticachesecure.iam.IamSetting;
import io.github.elasticachesecure.iam.IamTokenListener;
import io.github.elasticachesecure.iam.InvalidIamSettingException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.event.connection.ReauthenticationFailedEvent;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import io.lettuce.core.resource.ClientResources;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.lettuce.RedisCredentialsProviderFactory;

/**
 * IAM authentication: a token provider that signs ahead of expiry, handed to Lettuce as streaming credentials so that
 * every new token re-authenticates live connections.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ AwsV4HttpSigner.class, Region.class })
@Conditional(ElastiCacheIamConfiguration.OnIamAuthModeCondition.class)
class ElastiCacheIamConfiguration {

	private static final Log logger = LogFactory.getLog(ElastiCacheIamConfiguration.class);

	/**
	 * Added to the credentials timeout for the first token: signing is local and quick.
	 */
	private static final Duration FIRST_TOKEN_SIGNING_MARGIN = Duration.ofSeconds(10);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(AwsCredentialsProvider.class)
	DefaultCredentialsProvider elastiCacheAwsCredentialsProvider(ElastiCacheSecureProperties properties) {
		// The default chain: system properties, environment, web identity (IRSA), profile, container, instance.
		return DefaultCredentialsProvider.builder().profileName(properties.getIam().getProfile()).build();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ElastiCacheIamCredentialsProvider elastiCacheIamCredentialsProvider(ElastiCacheSecureProperties properties,
			AwsCredentialsProvider credentialsProvider, ObjectProvider<AwsRegionProvider> regionProvider,
			ObjectProvider<IamTokenListener> listeners) {
		ElastiCacheEndpoint endpoint = ElastiCacheEndpoint.parse(properties.getEndpoint());
		ElastiCacheSecureProperties.Iam iam = properties.getIam();
		try {
			ElastiCacheIamTokenGenerator generator = new ElastiCacheIamTokenGenerator(cacheName(iam, endpoint),
					userId(properties), region(iam, regionProvider), serverless(iam, endpoint));
			logger.info("IAM authentication for user '" + generator.userId() + "' on cache '" + generator.cacheName()
					+ "' in " + generator.region() + (generator.serverless() ? " (serverless)" : "")
					+ ", new token every " + iam.getRefreshInterval());
			ElastiCacheIamCredentialsProvider provider = ElastiCacheIamCredentialsProvider
				.builder(generator, credentialsProvider)
				.refreshInterval(iam.getRefreshInterval())
				.credentialsTimeout(iam.getCredentialsTimeout())
				.listener(CompositeIamTokenListener.of(listeners))
				.build();
			awaitFirstToken(provider, iam.getCredentialsTimeout());
			return provider;
		}
		catch (InvalidIamSettingException ex) {
			String property = property(ex.getSetting());
			throw new ElastiCacheConfigurationException(property,
					"The property '" + property + "' is invalid for IAM authentication: " + ex.getReason() + ".",
					"Correct '" + property + "'" + hint(ex.getSetting()), ex);
		}
	}

	/**
	 * Without a first token no connection can authenticate: missing AWS credentials stop the start with a report
	 * rather than failing every request.
	 */
	private static void awaitFirstToken(ElastiCacheIamCredentialsProvider provider, Duration credentialsTimeout) {
		try {
			// The provider bounds the credentials call itself; this only guards against a wait without end.
			provider.resolveCredentials().block(credentialsTimeout.plus(FIRST_TOKEN_SIGNING_MARGIN));
		}
		catch (RuntimeException ex) {
			provider.close();
			if (NestedExceptionUtils.getMostSpecificCause(ex) instanceof TimeoutException) {
				throw new ElastiCacheConfigurationException("elasticache.secure.iam.credentials-timeout",
						"No IAM token could be signed at startup: " + ex.getMessage(),
						"Check that the application reaches its AWS credentials source (instance metadata, the "
								+ "container credentials endpoint, STS), or raise "
								+ "'elasticache.secure.iam.credentials-timeout' (now " + credentialsTimeout.toMillis() + "ms).",
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
			ElastiCacheIamCredentialsProvider credentialsProvider) {
		RedisCredentialsProviderFactory factory = new RedisCredentialsProviderFactory() {
			@Override
			public ElastiCacheIamCredentialsProvider createCredentialsProvider(
					org.springframework.data.redis.connection.RedisConfiguration configuration) {
				return credentialsProvider;
			}
		};
		return (builder) -> {
			builder.redisCredentialsProviderFactory(factory);
			ClientOptions options = builder.build().getClientOptions().orElse(null);
			if (options != null && options.getConfiguredProtocolVersion() == ProtocolVersion.RESP2) {
				logger.warn("IAM authentication with RESP2: Lettuce cannot re-authenticate pub/sub connections on "
						+ "RESP2, so ElastiCache closes them 12 hours after they connected; use RESP3 (the default)");
			}
		};
	}

	@Bean
	LettuceClientOptionsBuilderCustomizer elastiCacheIamClientOptionsCustomizer() {
		// Every new token is pushed into live connections with AUTH: ElastiCache drops IAM connections after 12 h.
		return (builder) -> builder.reauthenticateBehavior(ClientOptions.ReauthenticateBehavior.ON_NEW_CREDENTIALS);
	}

	@Bean
	RejectedTokenRefresher elastiCacheRejectedTokenRefresher(ObjectProvider<ClientResources> clientResources,
			ElastiCacheIamCredentialsProvider credentialsProvider) {
		return new RejectedTokenRefresher(clientResources.getIfAvailable(), credentialsProvider);
	}

	private static String cacheName(ElastiCacheSecureProperties.Iam iam, ElastiCacheEndpoint endpoint) {
		if (iam.getCacheName() != null) {
			return iam.getCacheName();
		}
		String derived = endpoint.cacheName();
		if (derived == null) {
			throw new ElastiCacheConfigurationException("elasticache.secure.iam.cache-name",
					"IAM authentication needs the cache name, which cannot be derived from the endpoint '" + endpoint
							+ "'.",
					"Set 'elasticache.secure.iam.cache-name' to the replication group id or serverless cache name.");
		}
		logger.info("elasticache.secure.iam.cache-name derived from the endpoint host name: " + derived);
		return derived;
	}

	private static boolean serverless(ElastiCacheSecureProperties.Iam iam, ElastiCacheEndpoint endpoint) {
		return (iam.getServerless() != null) ? iam.getServerless() : endpoint.isServerlessHostName();
	}

	private static String userId(ElastiCacheSecureProperties properties) {
		String username = properties.getAuth().getUsername();
		if (username == null || username.isBlank()) {
			throw new ElastiCacheConfigurationException("elasticache.secure.auth.username",
					"IAM authentication (elasticache.secure.auth.mode=iam) needs the IAM-enabled user id.",
					"Set 'elasticache.secure.auth.username' to the ElastiCache user id (for IAM users it equals the "
							+ "user name).");
		}
		return username;
	}

	private static String region(ElastiCacheSecureProperties.Iam iam,
			ObjectProvider<AwsRegionProvider> regionProvider) {
		if (iam.getRegion() != null) {
			return iam.getRegion();
		}
		AwsRegionProvider provider = regionProvider.getIfAvailable(DefaultAwsRegionProviderChain::new);
		try {
			String region = provider.getRegion().id();
			logger.info("elasticache.secure.iam.region taken from the AWS region provider chain: " + region);
			return region;
		}
		catch (RuntimeException ex) {
			throw new ElastiCacheConfigurationException("elasticache.secure.iam.region",
					"IAM authentication needs the cache's AWS region, and none is configured: " + ex.getMessage(),
					"Set 'elasticache.secure.iam.region' (e.g. us-east-1), or AWS_REGION in the environment.", ex);
		}
	}

	private static String property(IamSetting setting) {
		return switch (setting) {
			case CACHE_NAME -> "elasticache.secure.iam.cache-name";
			case USER_ID -> "elasticache.secure.auth.username";
			case REGION -> "elasticache.secure.iam.region";
			case REFRESH_INTERVAL -> "elasticache.secure.iam.refresh-interval";
			case CREDENTIALS_TIMEOUT -> "elasticache.secure.iam.credentials-timeout";
		};
	}

	private static String hint(IamSetting setting) {
		return switch (setting) {
			case CACHE_NAME -> " to the replication group id or serverless cache name (not the endpoint host name).";
			case USER_ID -> " to the ElastiCache user id; IAM-enabled users have identical user name and user id.";
			case REGION -> " to the cache's AWS region, e.g. us-east-1.";
			case REFRESH_INTERVAL -> " to at most 14 minutes (a token is valid for 15); the default is 5 minutes.";
			case CREDENTIALS_TIMEOUT -> " to a positive duration, e.g. 10s (the default).";
		};
	}

	/**
	 * Matches when {@code elasticache.secure.auth.mode} binds to {@link AuthMode#IAM}, exactly as the properties do
	 * (Boot's lenient enum binding: "iam ", "IAM" and "Iam" alike), so that the condition and the bound mode never
	 * disagree. A value that does not bind does not match; binding the properties then reports it.
	 */
	static class OnIamAuthModeCondition extends SpringBootCondition {

		private static final String PROPERTY = "elasticache.secure.auth.mode";

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("ElastiCache IAM authentication");
			AuthMode mode;
			try {
				mode = Binder.get(context.getEnvironment()).bind(PROPERTY, AuthMode.class).orElse(AuthMode.PASSWORD);
			}
			catch (BindException ex) {
				return ConditionOutcome.noMatch(message.because("'" + PROPERTY + "' is not a valid mode"));
			}
			return new ConditionOutcome(mode == AuthMode.IAM, message.because("'" + PROPERTY + "' is " + mode));
		}

	}

	/**
	 * Signs a fresh token as soon as the server rejects one on a live connection (a failed re-authentication or a
	 * reconnect refused with WRONGPASS), so that the next attempt does not reuse the rejected token.
	 */
	static final class RejectedTokenRefresher implements DisposableBean {

		/**
		 * A server that keeps refusing fresh tokens (a revoked policy, a deleted user) must not turn rejections into
		 * a signing loop: every connection reports its own rejection, and each new token makes every connection try
		 * again.
		 */
		static final Duration MIN_FORCED_REFRESH_INTERVAL = Duration.ofSeconds(10);

		private final @Nullable Disposable subscription;

		private final AtomicLong lastForcedRefresh = new AtomicLong(System.nanoTime() - MIN_FORCED_REFRESH_INTERVAL.toNanos());

		RejectedTokenRefresher(@Nullable ClientResources clientResources,
				ElastiCacheIamCredentialsProvider credentialsProvider) {
			this.subscription = (clientResources != null) ? clientResources.eventBus().get().subscribe((event) -> {
				Throwable cause = (event instanceof ReconnectFailedEvent failed) ? failed.getCause()
						: (event instanceof ReauthenticationFailedEvent failed) ? failed.getCause() : null;
				if (cause != null && AuthenticationRejectedException.findServerRejection(cause) != null
						&& mayForceRefresh()) {
					logger.warn("The server rejected the IAM token; signing a fresh one");
					credentialsProvider.refreshNow();
				}
			}) : null;
		}

		private boolean mayForceRefresh() {
			long now = System.nanoTime();
			long last = this.lastForcedRefresh.get();
			return now - last >= MIN_FORCED_REFRESH_INTERVAL.toNanos() && this.lastForcedRefresh.compareAndSet(last, now);
		}

		@Override
		public void destroy() {
			if (this.subscription != null) {
				this.subscription.dispose();
			}
		}

	}

}
