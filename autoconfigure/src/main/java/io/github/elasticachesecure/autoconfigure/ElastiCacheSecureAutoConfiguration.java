package io.github.elasticachesecure.autoconfigure;

import io.lettuce.core.RedisClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration for TLS-only connections to AWS ElastiCache through Spring Boot's
 * own Redis support: from {@code elasticache.secure.*} it resolves the
 * {@link ElastiCacheDescription} and contributes {@code DataRedisConnectionDetails},
 * Lettuce customizers (TLS, failover, dead-peer detection) and, for IAM authentication,
 * the AWS credentials and the token provider. The startup guard, health and metrics have
 * auto-configurations of their own, after Boot's.
 */
// After Spring Cloud AWS's credentials and region (by name: no dependency on it), so that
// its AwsCredentialsProvider bean, not the starter's default chain, signs IAM tokens
// whatever order the names alone would give.
@AutoConfiguration(before = DataRedisAutoConfiguration.class,
		afterName = { "io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration",
				"io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration" })
@ConditionalOnClass({ LettuceConnectionFactory.class, RedisClient.class })
@EnableConfigurationProperties(ElastiCacheSecureProperties.class)
@Import({ ElastiCacheConnectionConfiguration.class, ElastiCacheFailoverConfiguration.class,
		ElastiCacheTlsMonitorConfiguration.class, ElastiCacheActuatorConfiguration.class,
		ElastiCacheAuditConfiguration.class, ElastiCacheAwsConfiguration.class,
		ElastiCacheDiscoveryConfiguration.class })
public final class ElastiCacheSecureAutoConfiguration {

}
