package io.github.elasticachesecure.autoconfigure.caching;

import io.github.elasticachesecure.autoconfigure.ElastiCacheDescription;
import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cache.autoconfigure.RedisCacheManagerBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Spring Cache's Redis caches made fit for ElastiCache, when Spring Boot builds the
 * {@link RedisCacheManager} ({@code spring-boot-cache} on the class path) and the starter
 * secures the connection: {@link ScanClearingCacheCustomizer} gives them a cache writer
 * that clears with {@code SCAN} (ElastiCache Serverless refuses {@code KEYS}, Spring Data
 * Redis' default) and writes immediately, so that a failed write or clear reaches the
 * caller instead of being dropped. Boot's {@code spring.cache.redis.*} settings keep
 * working. An application replaces it with a bean named {@value #CUSTOMIZER_BEAN_NAME},
 * or changes the writer in its own {@link RedisCacheManagerBuilderCustomizer} (which runs
 * after the starter's).
 */
@AutoConfiguration(after = { ElastiCacheSecureAutoConfiguration.class, DataRedisAutoConfiguration.class },
		beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass({ RedisCacheManager.class, RedisCacheManagerBuilderCustomizer.class })
@ConditionalOnBean(ElastiCacheDescription.class)
public final class ElastiCacheSecureCacheAutoConfiguration {

	/** Name of the starter's customizer bean; a bean of this name replaces it. */
	public static final String CUSTOMIZER_BEAN_NAME = "elastiCacheRedisCacheManagerBuilderCustomizer";

	@Bean(CUSTOMIZER_BEAN_NAME)
	@ConditionalOnMissingBean(name = CUSTOMIZER_BEAN_NAME)
	RedisCacheManagerBuilderCustomizer elastiCacheRedisCacheManagerBuilderCustomizer(
			ObjectProvider<RedisConnectionFactory> connectionFactory) {
		return new ScanClearingCacheCustomizer(connectionFactory);
	}

}
