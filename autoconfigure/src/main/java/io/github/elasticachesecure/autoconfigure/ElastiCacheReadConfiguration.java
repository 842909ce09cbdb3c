package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.cache.ReadPreference;

import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where reads go: the {@link ElastiCacheDescription#readFrom() read preference} of the
 * cache ({@code elasticache.secure.read-from}), applied to the master/replica connection
 * of a replication group with a reader endpoint and to cluster connections (where Lettuce
 * sends {@code READONLY} to the replicas it reads from). Spring Boot's own
 * {@code spring.data.redis.lettuce.read-from} is honoured when it is the only one set or
 * says the same ({@link SpringDataRedisConflicts} refuses it when it contradicts).
 */
@Configuration(proxyBeanMethods = false)
class ElastiCacheReadConfiguration {

	@Bean
	LettuceClientConfigurationBuilderCustomizer elastiCacheReadFromCustomizer(ElastiCacheDescription cache) {
		// Spring Boot applied its own property already; the starter's wins, being applied
		// after it.
		ElastiCacheDescription.Reads reads = cache.readFrom();
		ReadPreference preference = reads.preference();
		return (builder) -> {
			if (preference != null && reads.isStarters()) {
				builder.readFrom(preference.readFrom());
			}
		};
	}

}
