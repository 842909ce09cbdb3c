package io.github.elasticachesecure.autoconfigure;

import java.time.Clock;
import java.util.Locale;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.health.ConnectionSummary;
import io.github.elasticachesecure.health.ElastiCacheHealthCheck;
import io.github.elasticachesecure.health.ElastiCacheHealthIndicator;
import io.github.elasticachesecure.health.ElastiCacheReactiveHealthIndicator;
import io.github.elasticachesecure.health.TlsEndpointMonitor;
import io.github.elasticachesecure.tls.TlsEndpointProbe;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.function.SingletonSupplier;

/**
 * Health of the secured connection: the {@code elasticache} indicator, and the TLS monitor that gives it (and the
 * metrics) the negotiated TLS details without a handshake per check.
 * <p>
 * The {@code elasticache} indicator pings the same connection factory as Spring Boot's {@code redis} indicator. To
 * avoid two PINGs per health check it replaces it: a bean named {@code redisHealthContributor}, from which Boot's
 * {@code DataRedisHealthContributorAutoConfiguration} and its reactive variant back off, is defined while the
 * {@code elasticache} indicator is enabled. It is no health contributor, so no {@code redis} entry appears. Set
 * {@code elasticache.secure.health.replace-redis-indicator=false} to keep Boot's indicator, for instance for
 * additional connection factories of your own.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("elasticache.secure.endpoint")
class ElastiCacheHealthConfiguration {

	// Boot derives the contributor name from the bean name less "HealthIndicator", case kept: "elasticache".
	static final String HEALTH_INDICATOR_BEAN_NAME = "elasticacheHealthIndicator";

	private static final String BOOT_REDIS_HEALTH_CONTRIBUTOR_BEAN_NAME = "redisHealthContributor";

	@Bean
	@ConditionalOnMissingBean
	TlsEndpointMonitor elastiCacheTlsEndpointMonitor(ElastiCacheSecureProperties properties,
			ObjectProvider<DataRedisConnectionDetails> connectionDetails, ObjectProvider<StartupGuardReport> report) {
		ElastiCacheEndpoint endpoint = ElastiCacheEndpoint.parse(properties.getEndpoint());
		Supplier<SSLContext> sslContext = SingletonSupplier.of(() -> {
			DataRedisConnectionDetails details = connectionDetails.getIfAvailable();
			SslBundle bundle = (details != null) ? details.getSslBundle() : null;
			return ((bundle != null) ? bundle : SslBundle.systemDefault()).createSslContext();
		});
		return new TlsEndpointMonitor(endpoint.host(), endpoint.port(),
				new TlsEndpointProbe(properties.getGuard().getProbeTimeout()), sslContext,
				properties.getTls().getVerifyMode(), properties.getHealth().getTlsRecheckInterval(),
				report.getIfAvailable(), Clock.systemUTC());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	static class ElastiCacheHealthIndicatorConfiguration {

		// Nested: the condition below can only be loaded once the health module is known to be present.
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnEnabledHealthIndicator("elasticache")
		static class EnabledHealthIndicatorConfiguration {

			@Bean
			@ConditionalOnMissingBean
			ElastiCacheHealthCheck elastiCacheHealthCheck(ElastiCacheSecureProperties properties,
					ListableBeanFactory beanFactory, ObjectProvider<DataRedisConnectionDetails> connectionDetails,
					TlsEndpointMonitor tlsEndpointMonitor) {
				ElastiCacheEndpoint endpoint = ElastiCacheEndpoint.parse(properties.getEndpoint());
				DataRedisConnectionDetails details = connectionDetails.getIfAvailable();
				boolean clusterMode = (details instanceof ElastiCacheConnectionDetails elastiCache)
						? elastiCache.isClusterMode() : (details != null && details.getCluster() != null);
				ElastiCacheSecureProperties.Auth auth = properties.getAuth();
				ConnectionSummary summary = new ConnectionSummary(endpoint.toString(), clusterMode,
						properties.getTls().getVerifyMode(), auth.getMode().name().toLowerCase(Locale.ROOT),
						auth.getUsername());
				ElastiCacheSecureProperties.Health health = properties.getHealth();
				return new ElastiCacheHealthCheck(connectionFactory(beanFactory), summary, health.getTimeout(),
						health.getCertificateExpiryWarning(), tlsEndpointMonitor, IamStatusLookup.of(properties, beanFactory),
						Clock.systemUTC());
			}

			/**
			 * Replaces Boot's {@code redis} indicator (see the class description); not a health contributor.
			 */
			@Bean(BOOT_REDIS_HEALTH_CONTRIBUTOR_BEAN_NAME)
			@ConditionalOnMissingBean(name = { "redisHealthIndicator", BOOT_REDIS_HEALTH_CONTRIBUTOR_BEAN_NAME })
			@ConditionalOnBooleanProperty(name = "elasticache.secure.health.replace-redis-indicator", matchIfMissing = true)
			RedisHealthIndicatorReplacement redisHealthContributor() {
				return new RedisHealthIndicatorReplacement();
			}

			/**
			 * The application's factory: the only one, or Boot's (named {@code redisConnectionFactory}) among several.
			 */
			private static RedisConnectionFactory connectionFactory(ListableBeanFactory beanFactory) {
				RedisConnectionFactory unique = beanFactory.getBeanProvider(RedisConnectionFactory.class).getIfUnique();
				if (unique != null) {
					return unique;
				}
				try {
					return beanFactory.getBean("redisConnectionFactory", RedisConnectionFactory.class);
				}
				catch (NoSuchBeanDefinitionException ex) {
					throw new IllegalStateException("The elasticache health indicator needs the application's "
							+ "RedisConnectionFactory: define one bean, or one named 'redisConnectionFactory'", ex);
				}
			}

			@Configuration(proxyBeanMethods = false)
			@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
			static class ReactiveIndicatorConfiguration {

				@Bean(HEALTH_INDICATOR_BEAN_NAME)
				@ConditionalOnMissingBean(value = { ElastiCacheHealthIndicator.class,
						ElastiCacheReactiveHealthIndicator.class }, name = HEALTH_INDICATOR_BEAN_NAME)
				ElastiCacheReactiveHealthIndicator elastiCacheReactiveHealthIndicator(ElastiCacheHealthCheck check) {
					return new ElastiCacheReactiveHealthIndicator(check);
				}

			}

			@Configuration(proxyBeanMethods = false)
			@Conditional(NotReactiveWebApplicationCondition.class)
			static class BlockingIndicatorConfiguration {

				@Bean(HEALTH_INDICATOR_BEAN_NAME)
				@ConditionalOnMissingBean(value = { ElastiCacheHealthIndicator.class,
						ElastiCacheReactiveHealthIndicator.class }, name = HEALTH_INDICATOR_BEAN_NAME)
				ElastiCacheHealthIndicator elastiCacheHealthIndicator(ElastiCacheHealthCheck check) {
					return new ElastiCacheHealthIndicator(check);
				}

			}

		}

	}

	static class NotReactiveWebApplicationCondition extends NoneNestedConditions {

		NotReactiveWebApplicationCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
		static class ReactiveWebApplication {

		}

	}

	/**
	 * Marker bean named {@code redisHealthContributor}: Spring Boot's {@code redis} health indicator backs off from
	 * it, so the connection is pinged once per health check, by the {@code elasticache} indicator.
	 */
	static final class RedisHealthIndicatorReplacement {

		@Override
		public String toString() {
			return "Spring Boot's 'redis' health indicator, replaced by 'elasticache' "
					+ "(elasticache.secure.health.replace-redis-indicator=false keeps it)";
		}

	}

}
