package io.github.elasticachesecure.autoconfigure.guard;

import java.time.Clock;

import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureProperties;
import io.github.elasticachesecure.guard.RedisConnectionGuard;
import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.tls.TlsEndpointProbe;
import io.github.elasticachesecure.tls.TlsSessionPolicy;
import io.github.elasticachesecure.tls.WireCheck;
import io.lettuce.core.RedisClient;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of the startup guard: each {@link RedisConnectionFactory} in the
 * context is checked as it is created, before it can open a connection (see
 * {@link RedisConnectionGuardPostProcessor}), whether {@code elasticache.secure.endpoint}
 * is set or not. A failure stops the refresh, so the context closes the factories it
 * created and nothing is left half-started.
 * <p>
 * Ordered after Boot's Redis auto-configuration like the other parts that act on its
 * factory: the post-processor is a bean definition, and every definition is registered
 * before the first singleton (a factory) is created.
 */
@AutoConfiguration(after = { ElastiCacheSecureAutoConfiguration.class, DataRedisAutoConfiguration.class })
@ConditionalOnClass({ LettuceConnectionFactory.class, RedisClient.class })
@EnableConfigurationProperties(ElastiCacheSecureProperties.class)
public final class ElastiCacheSecureGuardAutoConfiguration {

	// infrastructure: the guard's post-processor uses it when client resources are
	// created, which may be early. The guard checks every factory, with or without a
	// cache to describe, so it reads the TLS settings from the properties, not from the
	// ElastiCacheDescription.
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	WireCheck elastiCacheWireCheck(ElastiCacheSecureProperties properties) {
		ElastiCacheSecureProperties.Tls tls = properties.getTls();
		return new WireCheck(new TlsSessionPolicy(tls.getMinVersion(), tls.getVerifyMode()), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	RedisConnectionGuard redisConnectionGuard(ElastiCacheSecureProperties properties, WireCheck wireCheck) {
		ElastiCacheSecureProperties.Guard guard = properties.getGuard();
		return new RedisConnectionGuard(properties.getTls().getVerifyMode(), guard.isFailOnUnreachable(),
				new TlsEndpointProbe(guard.getProbeTimeout()), wireCheck);
	}

	@Bean
	StartupGuardReport elastiCacheStartupGuardReport() {
		return new StartupGuardReport();
	}

	/**
	 * The guard's post-processors, for contexts that
	 * {@link RedisConnectionGuardInitializer} did not prepare (it adds both itself,
	 * before any bean exists, and registers the check as a singleton). Static, so that
	 * registering them pulls nothing in early.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(value = ConnectionFactoryBeanCheck.class, search = SearchStrategy.CURRENT)
	static class GuardPostProcessorsConfiguration {

		@Bean(RedisConnectionGuardPostProcessor.BEAN_NAME)
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static RedisConnectionGuardPostProcessor redisConnectionGuardPostProcessor() {
			return new RedisConnectionGuardPostProcessor();
		}

		@Bean(ConnectionFactoryBeanCheck.BEAN_NAME)
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static ConnectionFactoryBeanCheck elastiCacheConnectionFactoryBeanCheck() {
			return new ConnectionFactoryBeanCheck();
		}

	}

}
