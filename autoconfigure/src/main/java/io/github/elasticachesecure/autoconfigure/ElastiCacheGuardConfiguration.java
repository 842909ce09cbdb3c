package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.guard.RedisConnectionGuard;
import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.tls.TlsEndpointProbe;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The startup guard: each {@link RedisConnectionFactory} in the context is checked as it is created, before it can
 * open a connection (see {@link RedisConnectionGuardPostProcessor}). A failure stops the refresh, so the context
 * closes the factories it created and nothing is left half-started.
 */
@Configuration(proxyBeanMethods = false)
class ElastiCacheGuardConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RedisConnectionGuard redisConnectionGuard(ElastiCacheSecureProperties properties) {
		ElastiCacheSecureProperties.Guard guard = properties.getGuard();
		return new RedisConnectionGuard(properties.getTls().getVerifyMode(), guard.isFailOnUnreachable(),
				new TlsEndpointProbe(guard.getProbeTimeout()));
	}

	@Bean
	StartupGuardReport elastiCacheStartupGuardReport() {
		return new StartupGuardReport();
	}

	// static, so that registering the post-processor pulls nothing in early; the initializer registers it already
	// in contexts that SpringApplication runs
	@Bean(RedisConnectionGuardPostProcessor.BEAN_NAME)
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(value = RedisConnectionGuardPostProcessor.class, search = SearchStrategy.CURRENT)
	static RedisConnectionGuardPostProcessor redisConnectionGuardPostProcessor() {
		return new RedisConnectionGuardPostProcessor();
	}

}
