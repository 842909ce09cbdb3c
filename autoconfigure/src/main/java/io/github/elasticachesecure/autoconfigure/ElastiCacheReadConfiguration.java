package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.cache.ReadPreference;
import io.lettuce.core.ReadFrom;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Where reads go: {@code elasticache.secure.read-from}, applied to the master/replica
 * connection of a replication group with a reader endpoint and to cluster connections
 * (where Lettuce sends {@code READONLY} to the replicas it reads from). Spring Boot's own
 * {@code spring.data.redis.lettuce.read-from} is honoured when it is the only one set or
 * says the same ({@link SpringDataRedisConflicts} refuses it when it contradicts).
 */
@Configuration(proxyBeanMethods = false)
class ElastiCacheReadConfiguration {

	static final String READ_FROM = "elasticache.secure.read-from";

	static final String BOOT_READ_FROM = "spring.data.redis.lettuce.read-from";

	@Bean
	LettuceClientConfigurationBuilderCustomizer elastiCacheReadFromCustomizer(ElastiCacheSecureProperties properties,
			ElastiCacheDescription cache, Environment environment) {
		ReadPreference preference = readPreference(properties, cache, environment);
		if (preference != null && !cache.isClusterProtocol() && cache.reader() == null
				&& preference != ReadPreference.UPSTREAM) {
			String property = (properties.getReadFrom() != null) ? READ_FROM : BOOT_READ_FROM;
			throw new ElastiCacheConfigurationException(property, "'" + property + "=" + preference.value()
					+ "' asks for reads from replicas, but no '" + ElastiCacheDescription.READER_ENDPOINT + "' is set: "
					+ "the connection knows only " + cache.endpoint() + ", so "
					+ (preference.isReplicaRequired() ? "every read would fail." : "every read would go to it."),
					"Set '" + ElastiCacheDescription.READER_ENDPOINT + "' to the reader endpoint of the replication "
							+ "group (replica.<id>.…:6379), or remove '" + property + "'.");
		}
		// Spring Boot applied its own property already; the starter's wins, being applied
		// after it.
		ReadFrom readFrom = (preference != null
				&& (properties.getReadFrom() != null || bootReadFrom(environment) == null)) ? preference.readFrom()
						: null;
		return (builder) -> {
			if (readFrom != null) {
				builder.readFrom(readFrom);
			}
		};
	}

	/**
	 * The read preference in effect: the starter's property, else Spring Boot's, else
	 * {@code replica-preferred} with a reader endpoint (which is there to be read from).
	 * @return the preference, or {@code null} for Lettuce's default (the primary only),
	 * or for a Spring Boot value that names no preference (such as {@code subnet:…}),
	 * which Spring Boot applies itself
	 */
	static @Nullable ReadPreference readPreference(ElastiCacheSecureProperties properties, ElastiCacheDescription cache,
			Environment environment) {
		if (properties.getReadFrom() != null) {
			return properties.getReadFrom();
		}
		String boot = bootReadFrom(environment);
		if (boot != null) {
			return ReadPreference.fromLettuceName(boot);
		}
		return (cache.reader() != null) ? ReadPreference.REPLICA_PREFERRED : null;
	}

	static @Nullable String bootReadFrom(Environment environment) {
		return Binder.get(environment).bind(BOOT_READ_FROM, String.class).orElse(null);
	}

}
