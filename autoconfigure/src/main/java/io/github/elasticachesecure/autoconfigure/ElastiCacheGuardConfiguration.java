package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.guard.RedisConnectionGuard;
import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.tls.TlsEndpointProbe;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The startup guard: once every singleton exists, and before the application starts serving, it checks every
 * {@link RedisConnectionFactory} in the context. A failure stops the refresh, so the context closes the factories it
 * created and nothing is left half-started.
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

	@Bean
	SmartInitializingSingleton elastiCacheStartupGuard(RedisConnectionGuard guard, ListableBeanFactory beanFactory,
			StartupGuardReport report) {
		// The results stay available to the health indicator and the metrics.
		return () -> report.record(guard.check(beanFactory.getBeansOfType(RedisConnectionFactory.class)));
	}

}
