package io.github.elasticachesecure.autoconfigure;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Parsing of {@code elasticache.secure.endpoint} and what its host name tells.
 */
class ElastiCacheEndpointTests {

	@Test
	void parsesHostAndPortWithDefaultPort() {
		assertThat(ElastiCacheEndpoint.parse("cache.example:6380")).isEqualTo(new ElastiCacheEndpoint("cache.example", 6380));
		assertThat(ElastiCacheEndpoint.parse(" cache.example ")).isEqualTo(new ElastiCacheEndpoint("cache.example", 6379));
		assertThat(ElastiCacheEndpoint.parse("[::1]:7000")).isEqualTo(new ElastiCacheEndpoint("::1", 7000));
		assertThat(ElastiCacheEndpoint.parse("[::1]:7000")).hasToString("[::1]:7000");
	}

	@Test
	void refusesMalformedValuesNamingTheProperty() {
		for (String value : new String[] { "", "rediss://a:1", "a:0", "a:x", ":6379", "[::1" }) {
			assertThatExceptionOfType(ElastiCacheConfigurationException.class)
				.isThrownBy(() -> ElastiCacheEndpoint.parse(value))
				.withMessageContaining("elasticache.secure.endpoint")
				.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("elasticache.secure.endpoint"));
		}
	}

	@Test
	void derivesCacheNameAndModeFromElastiCacheHostNames() {
		ElastiCacheEndpoint primary = ElastiCacheEndpoint.parse("master.orders-cache.abc123.use1.cache.amazonaws.com");
		assertThat(primary.cacheName()).isEqualTo("orders-cache");
		assertThat(primary.isClusterModeHostName()).isFalse();
		ElastiCacheEndpoint configuration = ElastiCacheEndpoint
			.parse("clustercfg.orders-cache.abc123.use1.cache.amazonaws.com:6379");
		assertThat(configuration.cacheName()).isEqualTo("orders-cache");
		assertThat(configuration.isClusterModeHostName()).isTrue();
		ElastiCacheEndpoint serverless = ElastiCacheEndpoint
			.parse("sessions-x1y2z3.serverless.use1.cache.amazonaws.com:6379");
		assertThat(serverless.cacheName()).isEqualTo("sessions");
		assertThat(serverless.isServerlessHostName()).isTrue();
		assertThat(serverless.isClusterModeHostName()).isTrue();
		assertThat(ElastiCacheEndpoint.parse("orders-cache-0001-001.abc123.0001.use1.cache.amazonaws.com").cacheName())
			.isNull();
		assertThat(ElastiCacheEndpoint.parse("redis.internal.example.com").cacheName()).isNull();
	}

}
