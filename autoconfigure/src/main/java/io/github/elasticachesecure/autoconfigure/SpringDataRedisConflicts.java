package io.github.elasticachesecure.autoconfigure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.github.elasticachesecure.cache.ElastiCacheEndpoint;
import io.github.elasticachesecure.cache.ReadPreference;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MutuallyExclusiveConfigurationPropertiesException;
import org.springframework.core.env.Environment;

/**
 * Refuses {@code spring.data.redis.*} settings that contradict the secured connection, so
 * that an application never believes it talks to one server while Boot would connect to
 * another, or without TLS. Settings that do not touch the endpoint, TLS or credentials
 * (timeouts, pool, client name, database) keep working.
 * <p>
 * A second place to say where to connect, or a second user name, password or SSL bundle,
 * is reported with Spring Boot's
 * {@link MutuallyExclusiveConfigurationPropertiesException}, whose report names the
 * properties and where they are set but never their values. A value the starter cannot
 * honour ({@code ssl.enabled=false}, another client) is reported with
 * {@link InvalidConfigurationPropertyValueException}, whose report repeats the value.
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
		// Compared, never printed: Boot's report for mutually exclusive properties names
		// them only.
		refuseIfDifferent("spring.data.redis.password", properties.getAuth().getPassword(),
				"elasticache.secure.auth.password");
		refuseIfDifferent("spring.data.redis.ssl.bundle", properties.getTls().getBundle(),
				"elasticache.secure.tls.bundle");
		refuseContradictingReadFrom(properties.getReadFrom());
		String sslEnabled = value("spring.data.redis.ssl.enabled");
		if ("false".equalsIgnoreCase(sslEnabled)) {
			throw new InvalidConfigurationPropertyValueException("spring.data.redis.ssl.enabled", sslEnabled,
					"The ElastiCache secure starter never makes a plaintext connection: the connection to '"
							+ endpointProperty + "' always uses TLS. Remove 'spring.data.redis.ssl.enabled'.");
		}
		String clientType = value("spring.data.redis.client-type");
		if (clientType != null && !"lettuce".equalsIgnoreCase(clientType)) {
			throw new InvalidConfigurationPropertyValueException("spring.data.redis.client-type", clientType,
					"The ElastiCache secure starter configures only the Lettuce client. "
							+ "Remove 'spring.data.redis.client-type' or set it to 'lettuce'.");
		}
	}

	/**
	 * Refuses Spring Boot's read-from when the starter's is set too and says something
	 * else; Lettuce's aliases (such as {@code slavePreferred} for
	 * {@code replica-preferred}) say the same.
	 */
	private void refuseContradictingReadFrom(@Nullable ReadPreference own) {
		String springValue = value(ElastiCacheDescription.BOOT_READ_FROM);
		if (own != null && springValue != null && ReadPreference.fromLettuceName(springValue) != own) {
			throw mutuallyExclusive(ElastiCacheDescription.BOOT_READ_FROM, ElastiCacheDescription.READ_FROM);
		}
	}

	private void refuseIfSet(String springProperty, String endpointProperty) {
		// Bound as a list so that both "a,b" and indexed "[0]" forms count.
		if (this.binder.bind(springProperty, Bindable.listOf(String.class)).isBound()) {
			throw mutuallyExclusive(springProperty, endpointProperty);
		}
	}

	/**
	 * Refuses a value that differs from the starter's own. With the starter's property
	 * unset, the Spring Data Redis one still contradicts the connection the starter makes
	 * to its endpoint.
	 */
	private void refuseIfDifferent(String springProperty, @Nullable String ownValue, String ownProperty) {
		String springValue = value(springProperty);
		if (springValue != null && !Objects.equals(springValue, ownValue)) {
			throw mutuallyExclusive(springProperty, (ownValue != null) ? ownProperty : ElastiCacheEndpoint.PROPERTY);
		}
	}

	private MutuallyExclusiveConfigurationPropertiesException mutuallyExclusive(String springProperty,
			String ownProperty) {
		Set<String> configured = configuredNames(springProperty);
		configured.addAll(configuredNames(ownProperty));
		return new MutuallyExclusiveConfigurationPropertiesException(configured, List.of(ownProperty, springProperty));
	}

	/**
	 * The names under which a property is set: Boot's report looks each one up in the
	 * property sources to show where it is set, and shows no report for a name it cannot
	 * find, so an indexed list reports its elements.
	 */
	private Set<String> configuredNames(String property) {
		Set<String> names = new LinkedHashSet<>();
		BindHandler recorder = new BindHandler() {

			@Override
			public @Nullable Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
					Object result) {
				ConfigurationProperty bound = context.getConfigurationProperty();
				if (bound != null) {
					names.add(bound.getName().toString());
				}
				return result;
			}

		};
		this.binder.bind(property, Bindable.listOf(String.class), recorder);
		if (names.isEmpty()) {
			names.add(property);
		}
		return names;
	}

	private @Nullable String value(String name) {
		return this.binder.bind(name, String.class).orElse(null);
	}

}
