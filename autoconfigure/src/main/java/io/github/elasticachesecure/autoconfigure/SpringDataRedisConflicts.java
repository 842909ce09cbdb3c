package io.github.elasticachesecure.autoconfigure;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Refuses {@code spring.data.redis.*} settings that contradict the secured connection, so that an application never
 * believes it talks to one server while Boot would connect to another, or without TLS. Settings that do not touch
 * the endpoint, TLS or credentials (timeouts, pool, client name, database) keep working.
 */
final class SpringDataRedisConflicts {

	private final Binder binder;

	SpringDataRedisConflicts(Environment environment) {
		this.binder = Binder.get(environment);
	}

	void check(ElastiCacheSecureProperties properties, ElastiCacheEndpoint endpoint) {
		String endpointProperty = ElastiCacheEndpoint.PROPERTY;
		refuseIfSet("spring.data.redis.url", endpointProperty);
		refuseIfSet("spring.data.redis.cluster.nodes", endpointProperty);
		refuseIfSet("spring.data.redis.sentinel.master", endpointProperty);
		refuseIfSet("spring.data.redis.sentinel.nodes", endpointProperty);
		refuseIfSet("spring.data.redis.masterreplica.nodes", endpointProperty);
		refuseIfDifferent("spring.data.redis.host", endpoint.host(), endpointProperty);
		refuseIfDifferent("spring.data.redis.port", String.valueOf(endpoint.port()), endpointProperty);
		refuseIfDifferent("spring.data.redis.username", properties.getAuth().getUsername(),
				"elasticache.secure.auth.username");
		// Compared, never printed: the message names the properties only.
		refuseIfDifferent("spring.data.redis.password", properties.getAuth().getPassword(),
				"elasticache.secure.auth.password");
		refuseIfDifferent("spring.data.redis.ssl.bundle", properties.getTls().getBundle(), "elasticache.secure.tls.bundle");
		String sslEnabled = value("spring.data.redis.ssl.enabled");
		if ("false".equalsIgnoreCase(sslEnabled)) {
			throw conflict("spring.data.redis.ssl.enabled", "elasticache.secure.endpoint",
					"'spring.data.redis.ssl.enabled=false' asks for a plaintext connection to 'elasticache.secure.endpoint', which the ElastiCache secure starter never makes.",
					"Remove 'spring.data.redis.ssl.enabled' (the connection to 'elasticache.secure.endpoint' always uses TLS).");
		}
		String clientType = value("spring.data.redis.client-type");
		if (clientType != null && !"lettuce".equalsIgnoreCase(clientType)) {
			throw conflict("spring.data.redis.client-type", "elasticache.secure.endpoint",
					"'spring.data.redis.client-type=" + clientType
							+ "' selects a client the ElastiCache secure starter does not configure.",
					"Remove 'spring.data.redis.client-type' or set it to 'lettuce'.");
		}
	}

	private void refuseIfSet(String springProperty, String ownProperty) {
		// Bound as a list so that both "a,b" and indexed "[0]" forms count.
		if (this.binder.bind(springProperty, Bindable.listOf(String.class)).isBound()) {
			throw conflict(springProperty, ownProperty,
					"Both '" + springProperty + "' and '" + ownProperty
							+ "' say where to connect; the secured connection uses only '" + ownProperty + "'.",
					"Remove '" + springProperty + "' and configure the cache with '" + ownProperty + "'.");
		}
	}

	private void refuseIfDifferent(String springProperty, @Nullable String ownValue, String ownProperty) {
		String springValue = value(springProperty);
		if (springValue != null && !Objects.equals(springValue, ownValue)) {
			throw conflict(springProperty, ownProperty,
					"'" + springProperty + "' contradicts '" + ownProperty
							+ "'; the secured connection uses only the elasticache.secure.* value.",
					"Remove '" + springProperty + "' and set '" + ownProperty + "' instead.");
		}
	}

	private @Nullable String value(String name) {
		return this.binder.bind(name, String.class).orElse(null);
	}

	private static ElastiCacheConfigurationException conflict(String springProperty, String ownProperty,
			String description, String action) {
		return new ElastiCacheConfigurationException(springProperty, description, action);
	}

}
