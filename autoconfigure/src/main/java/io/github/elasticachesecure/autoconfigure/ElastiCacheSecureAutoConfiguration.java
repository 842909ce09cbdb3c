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
// After Spring Cloud AWS's credentials and region (by name: no dependency on it), so that its AwsCredentialsProvider
// bean, not the starter's default chain, signs IAM tokens whatever order the names alone would give.
@AutoConfiguration(before = DataRedisAutoConfiguration.class,
		afterName = { "io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration",
				"io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration" })
@ConditionalOnClass({ LettuceConnectionFactory.class, RedisClient.class })
@EnableConfigurationProperties(ElastiCacheSecureProperties.class)
@Import({ ElastiCacheConnectionConfiguration.class, ElastiCacheGuardConfiguration.class,
		ElastiCacheHealthConfiguration.class, ElastiCacheActuatorConfiguration.class })
public final class ElastiCacheSecureAutoConfiguration {

}
