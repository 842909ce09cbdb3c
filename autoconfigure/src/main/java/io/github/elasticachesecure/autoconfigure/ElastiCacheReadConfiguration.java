package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.autoconfigure.ElastiCacheDescription.Reader;
import io.github.elasticachesecure.autoconfigure.ElastiCacheDescription.Reads;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.cache.ElastiCacheEndpoint;
import io.github.elasticachesecure.cache.ReadPreference;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

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
		Reads reads = cache.readFrom();
		ReadPreference preference = reads.preference();
		return (builder) -> {
			if (preference != null && reads.isStarters()) {
				builder.readFrom(preference.readFrom());
			}
		};
	}

	/**
	 * The read preference in effect: the starter's property, else Spring Boot's, else
	 * {@code replica-preferred} with a reader endpoint (which is there to be read from).
	 * One that asks for replicas where the connection knows only the endpoint is refused.
	 */
	static Reads reads(ElastiCacheSecureProperties properties, Environment environment, ElastiCacheEndpoint endpoint,
			CacheTopology topology, @Nullable Reader reader) {
		String boot = Binder.get(environment).bind(ElastiCacheDescription.BOOT_READ_FROM, String.class).orElse(null);
		Reads reads = (properties.getReadFrom() != null)
				? new Reads(properties.getReadFrom(), ElastiCacheDescription.READ_FROM)
				: (boot != null)
						? new Reads(ReadPreference.fromLettuceName(boot), ElastiCacheDescription.BOOT_READ_FROM)
						: (reader != null) ? new Reads(ReadPreference.REPLICA_PREFERRED, null) : Reads.NONE;
		ReadPreference preference = reads.preference();
		if (preference != null && !topology.isClusterProtocol() && reader == null
				&& preference != ReadPreference.UPSTREAM) {
			String property = (reads.property() != null) ? reads.property() : ElastiCacheDescription.READ_FROM;
			throw new ElastiCacheConfigurationException(property, "'" + property + "=" + preference.value()
					+ "' asks for reads from replicas, but no '" + ElastiCacheDescription.READER_ENDPOINT + "' is set: "
					+ "the connection knows only " + endpoint + ", so "
					+ (preference.isReplicaRequired() ? "every read would fail." : "every read would go to it."),
					"Set '" + ElastiCacheDescription.READER_ENDPOINT + "' to the reader endpoint of the replication "
							+ "group (replica.<id>.…:6379), or remove '" + property + "'.");
		}
		return reads;
	}

}
