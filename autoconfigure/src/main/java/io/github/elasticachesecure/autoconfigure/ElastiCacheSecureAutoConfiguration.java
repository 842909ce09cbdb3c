package io.github.elasticachesecure.autoconfigure;

import io.lettuce.core.RedisClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration for TLS-only connections to AWS ElastiCache through Spring Boot's own Redis support: it
 * contributes {@code DataRedisConnectionDetails} and Lettuce customizers for {@code elasticache.secure.*}, and a
 * startup guard that refuses every insecure {@code RedisConnectionFactory} in the context.
 */
@AutoConfiguration(before = DataRedisAutoConfiguration.class)
@ConditionalOnClass({ LettuceConnectionFactory.class, RedisClient.class })
@EnableConfigurationProperties(ElastiCacheSecureProperties.class)
@Import({ ElastiCacheConnectionConfiguration.class, ElastiCacheGuardConfiguration.class,
		ElastiCacheHealthConfiguration.class, ElastiCacheActuatorConfiguration.class })
public final class ElastiCacheSecureAutoConfiguration {

}
