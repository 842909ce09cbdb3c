package io.github.elasticachesecure.autoconfigure.health;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;

import io.github.elasticachesecure.audit.PostureAuditRunner;
import io.github.elasticachesecure.autoconfigure.ElastiCacheDescription;
import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureProperties;
import io.github.elasticachesecure.autoconfigure.IamTokenStatusSource;
import io.github.elasticachesecure.autoconfigure.SecretStatusSource;
import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.health.ConnectionSummary;
import io.github.elasticachesecure.health.ElastiCacheHealthCheck;
import io.github.elasticachesecure.health.ElastiCacheHealthIndicator;
import io.github.elasticachesecure.health.ElastiCacheReactiveHealthIndicator;
import io.github.elasticachesecure.health.ReplicationGroupHealth;
import io.github.elasticachesecure.tls.TlsEndpointMonitor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of the {@code elasticache} health indicator: a bounded PING over the
 * application's own connection, with the TLS and IAM details of the secured connection.
 * <p>
 * The indicator pings the same connection factory as Spring Boot's {@code redis}
 * indicator. To avoid two PINGs per health check it replaces it: Boot's
 * {@code DataRedisHealthContributorAutoConfiguration} and its reactive variant back off
 * from a bean named {@code redisHealthContributor}, so a
 * {@link BootRedisHealthContributorPlaceholder} is defined under that name, which is why
 * this runs before them. Set
 * {@code elasticache.secure.health.replace-redis-indicator=false} to keep Boot's
 * indicator, for instance for additional connection factories of your own.
 */
@AutoConfiguration(after = { ElastiCacheSecureAutoConfiguration.class, DataRedisAutoConfiguration.class },
		beforeName = {
				"org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration",
				"org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration" })
@ConditionalOnClass({ RedisConnectionFactory.class, HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean({ ElastiCacheDescription.class, RedisConnectionFactory.class })
public final class ElastiCacheSecureHealthAutoConfiguration {

	// Boot derives the contributor name from the bean name less "HealthIndicator", case
	// kept: "elasticache".
	static final String HEALTH_INDICATOR_BEAN_NAME = "elasticacheHealthIndicator";

	private static final String BOOT_REDIS_HEALTH_CONTRIBUTOR_BEAN_NAME = "redisHealthContributor";

	// Boot's own factory, when the application defines more than one
	private static final String BOOT_CONNECTION_FACTORY_BEAN_NAME = "redisConnectionFactory";

	// Nested: its condition can only be loaded once the class conditions above found the
	// health module.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledHealthIndicator("elasticache")
	static class EnabledHealthIndicatorConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ElastiCacheHealthCheck elastiCacheHealthCheck(ElastiCacheSecureProperties properties,
				ElastiCacheDescription cache, Map<String, RedisConnectionFactory> connectionFactories,
				TlsEndpointMonitor tlsEndpointMonitor, ObjectProvider<IamTokenStatusSource> iamTokenStatus,
				ObjectProvider<SecretStatusSource> secretStatus, ObjectProvider<RedisCredentialsProvider> credentials,
				ObjectProvider<PostureAuditRunner> audit) {
			ConnectionSummary summary = new ConnectionSummary(cache.endpoint(), cache.topology(),
					cache.tls().verifyMode(), cache.auth().mode(), cache.auth().username());
			ElastiCacheSecureProperties.Health health = properties.getHealth();
			RedisConnectionFactory factory = connectionFactory(connectionFactories);
			ElastiCacheDescription.Reader reader = cache.reader();
			ReplicationGroupHealth replicationGroup = (reader != null
					&& factory instanceof LettuceConnectionFactory lettuce)
							? new ReplicationGroupHealth(() -> (RedisClient) lettuce.getRequiredNativeClient(),
									nodeUri(cache.host(), cache.port(), cache, properties, credentials),
									nodeUri(reader.host(), reader.port(), cache, properties, credentials),
									cache.readFrom().preference())
							: null;
			ElastiCacheHealthCheck check = new ElastiCacheHealthCheck(factory, summary, health.getTimeout(),
					health.getCertificateExpiryWarning(), tlsEndpointMonitor, iamTokenStatus.getIfAvailable(),
					Clock.systemUTC(), replicationGroup);
			audit.ifAvailable((runner) -> check.showAudit(runner::details));
			secretStatus.ifAvailable(check::showSecret);
			return check;
		}

		/**
		 * A node of the replication group with the application's TLS verification and
		 * credentials (the IAM provider's tokens, the secret's password, or the
		 * password), for the health check's own connection to it.
		 */
		private static RedisURI nodeUri(String host, int port, ElastiCacheDescription cache,
				ElastiCacheSecureProperties properties, ObjectProvider<RedisCredentialsProvider> credentials) {
			RedisURI.Builder builder = RedisURI.builder()
				.withHost(host)
				.withPort(port)
				.withSsl(true)
				.withVerifyPeer(cache.tls().verifyMode())
				.withTimeout(properties.getHealth().getTimeout());
			// The password is a secret, no part of the description: read where it is
			// sent.
			String password = properties.getAuth().getPassword();
			// The starter's own provider of the mode, IAM's or the rotating password's:
			// the other one is a null bean, which the stream leaves out.
			RedisCredentialsProvider provider = credentials.orderedStream().findFirst().orElse(null);
			if (cache.auth().mode() == AuthMode.IAM) {
				builder.withAuthentication(Objects.requireNonNull(provider));
			}
			else if (cache.auth().mode() == AuthMode.PASSWORD && provider != null) {
				builder.withAuthentication(provider);
			}
			else if (cache.auth().mode() == AuthMode.PASSWORD && password != null) {
				String username = cache.auth().username();
				builder
					.withAuthentication(RedisCredentialsProvider.from(() -> RedisCredentials.just(username, password)));
			}
			return builder.build();
		}

		/**
		 * Takes the place of Boot's {@code redis} indicator (see the class description);
		 * not a health contributor.
		 */
		@Bean(BOOT_REDIS_HEALTH_CONTRIBUTOR_BEAN_NAME)
		@ConditionalOnMissingBean(name = { "redisHealthIndicator", BOOT_REDIS_HEALTH_CONTRIBUTOR_BEAN_NAME })
		@ConditionalOnBooleanProperty(name = "elasticache.secure.health.replace-redis-indicator", matchIfMissing = true)
		BootRedisHealthContributorPlaceholder bootRedisHealthContributorPlaceholder() {
			return new BootRedisHealthContributorPlaceholder();
		}

		/**
		 * The application's factory: the only one, or Boot's among several.
		 */
		private static RedisConnectionFactory connectionFactory(Map<String, RedisConnectionFactory> factories) {
			RedisConnectionFactory factory = (factories.size() == 1) ? factories.values().iterator().next()
					: factories.get(BOOT_CONNECTION_FACTORY_BEAN_NAME);
			if (factory == null) {
				throw new IllegalStateException("The elasticache health indicator needs the application's "
						+ "RedisConnectionFactory: define one bean, or one named '" + BOOT_CONNECTION_FACTORY_BEAN_NAME
						+ "'");
			}
			return factory;
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
		static class ReactiveIndicatorConfiguration {

			@Bean(HEALTH_INDICATOR_BEAN_NAME)
			@ConditionalOnMissingBean(
					value = { ElastiCacheHealthIndicator.class, ElastiCacheReactiveHealthIndicator.class },
					name = HEALTH_INDICATOR_BEAN_NAME)
			ElastiCacheReactiveHealthIndicator elastiCacheReactiveHealthIndicator(ElastiCacheHealthCheck check) {
				return new ElastiCacheReactiveHealthIndicator(check);
			}

		}

		@Configuration(proxyBeanMethods = false)
		@Conditional(NotReactiveWebApplicationCondition.class)
		static class BlockingIndicatorConfiguration {

			@Bean(HEALTH_INDICATOR_BEAN_NAME)
			@ConditionalOnMissingBean(
					value = { ElastiCacheHealthIndicator.class, ElastiCacheReactiveHealthIndicator.class },
					name = HEALTH_INDICATOR_BEAN_NAME)
			ElastiCacheHealthIndicator elastiCacheHealthIndicator(ElastiCacheHealthCheck check) {
				return new ElastiCacheHealthIndicator(check);
			}

		}

	}

	// Boot has @ConditionalOnWebApplication(type = REACTIVE) but no negation of it.
	static class NotReactiveWebApplicationCondition extends NoneNestedConditions {

		NotReactiveWebApplicationCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
		static class ReactiveWebApplication {

		}

	}

	/**
	 * Stands in the place of Spring Boot's {@code redis} health contributor, under its
	 * bean name, so that Boot's indicator backs off and the connection is pinged once per
	 * health check, by the {@code elasticache} indicator. It contributes no health
	 * itself.
	 */
	static final class BootRedisHealthContributorPlaceholder {

		@Override
		public String toString() {
			return "Spring Boot's 'redis' health indicator, replaced by 'elasticache' "
					+ "(elasticache.secure.health.replace-redis-indicator=false keeps it)";
		}

	}

}
