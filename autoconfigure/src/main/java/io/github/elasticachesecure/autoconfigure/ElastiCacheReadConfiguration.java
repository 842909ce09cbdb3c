package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.audit.DiscoveredCache;
import io.github.elasticachesecure.autoconfigure.ElastiCacheDescription.Reader;
import io.github.elasticachesecure.autoconfigure.ElastiCacheDescription.Reads;
import io.github.elasticachesecure.cache.ApplicationZone;
import io.github.elasticachesecure.cache.ApplicationZoneLookup;
import io.github.elasticachesecure.cache.ApplicationZoneUnavailableException;
import io.github.elasticachesecure.cache.CacheNode;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.cache.ElastiCacheEndpoint;
import io.github.elasticachesecure.cache.ReadPreference;
import io.github.elasticachesecure.cache.SameZoneReadFrom;
import io.lettuce.core.ReadFrom;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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
 * sends {@code READONLY} to the replicas it reads from). With {@code same-az}, the
 * master/replica connection knows each replica by its node endpoint, whose zone the API
 * gave ({@link SameZoneReadFrom}). Spring Boot's own
 * {@code spring.data.redis.lettuce.read-from} is honoured when it is the only one set or
 * says the same ({@link SpringDataRedisConflicts} refuses it when it contradicts).
 */
@Configuration(proxyBeanMethods = false)
class ElastiCacheReadConfiguration {

	static final String AVAILABILITY_ZONE = "elasticache.secure.availability-zone";

	private static final Log logger = LogFactory.getLog(ElastiCacheReadConfiguration.class);

	@Bean
	LettuceClientConfigurationBuilderCustomizer elastiCacheReadFromCustomizer(ElastiCacheDescription cache) {
		// Spring Boot applied its own property already; the starter's wins, being applied
		// after it.
		Reads reads = cache.readFrom();
		ReadPreference preference = reads.preference();
		ReadFrom readFrom = (preference != null) ? preference.readFrom() : null;
		DiscoveredCache discovered = cache.discovered();
		ApplicationZone applicationZone = reads.applicationZone();
		if (preference == ReadPreference.SAME_AZ && applicationZone != null && discovered != null) {
			String zone = applicationZone.zone();
			readFrom = new SameZoneReadFrom(zone, discovered.nodes());
			logger.info("Reads go first to the replicas in " + zone + ": "
					+ discovered.nodes()
						.stream()
						.filter((node) -> zone.equals(node.availabilityZone()) && !"primary".equals(node.role()))
						.map(CacheNode::endpoint)
						.toList()
					+ " (the application's zone, from " + applicationZone.source().description() + ")");
		}
		ReadFrom starters = readFrom;
		return (builder) -> {
			if (starters != null && reads.isStarters()) {
				builder.readFrom(starters);
			}
		};
	}

	/**
	 * The read preference in effect: the starter's property, else Spring Boot's, else
	 * {@code replica-preferred} with a reader endpoint (which is there to be read from).
	 * One that asks for replicas where the connection knows only the endpoint is refused.
	 */
	static Reads reads(ElastiCacheSecureProperties properties, Environment environment, ElastiCacheEndpoint endpoint,
			CacheTopology topology, @Nullable Reader reader, @Nullable DiscoveredCache discovered) {
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
		return (preference == ReadPreference.SAME_AZ) ? sameZone(properties, environment, reads, discovered) : reads;
	}

	/**
	 * {@code same-az} needs the nodes' zones, which the API gives when the cache is found
	 * by its name, and the application's zone: configured, else looked up where the
	 * application runs (ECS task metadata, else IMDSv2), with the SDK's settings read
	 * from the environment (system properties, then environment variables).
	 */
	private static Reads sameZone(ElastiCacheSecureProperties properties, Environment environment, Reads reads,
			@Nullable DiscoveredCache discovered) {
		String property = (reads.property() != null) ? reads.property() : ElastiCacheDescription.READ_FROM;
		if (discovered == null || discovered.nodes().isEmpty()) {
			throw new ElastiCacheConfigurationException(property, "'" + property
					+ "=same-az' needs the Availability Zones of the cache's nodes, which the starter reads from "
					+ "the ElastiCache API when it finds a replication group by its name; "
					+ ((discovered == null) ? "the cache is configured by its endpoint."
							: "the API reported no node endpoints for the " + discovered.topology().value() + " cache '"
									+ discovered.name() + "'."),
					"Set '" + ElastiCacheDescription.CACHE_NAME + "' and leave 'elasticache.secure.endpoint' unset, "
							+ "or choose another '" + property + "' (replica-preferred reads from any replica).");
		}
		String configured = properties.getAvailabilityZone();
		ApplicationZone zone = (configured != null && !configured.isBlank())
				? new ApplicationZone(configured.trim(), ApplicationZone.Source.CONFIGURED)
				: lookUpZone(property, environment);
		return new Reads(reads.preference(), reads.property(), zone);
	}

	private static ApplicationZone lookUpZone(String property, Environment environment) {
		try {
			return new ApplicationZoneLookup(environment::getProperty).lookUp();
		}
		catch (ApplicationZoneUnavailableException ex) {
			throw new ElastiCacheConfigurationException(AVAILABILITY_ZONE,
					"'" + property + "=same-az' needs the application's Availability Zone: '" + AVAILABILITY_ZONE
							+ "' is not set, and the zone was not found where the application runs: "
							+ String.join("; ", ex.getAttempts()) + ".",
					"Set '" + AVAILABILITY_ZONE + "' to the zone the application runs in (e.g. us-east-1a), or let "
							+ "the application reach the ECS task metadata endpoint or the EC2 instance metadata "
							+ "service (IMDSv2; from a container on EC2, a hop limit of 2).");
		}
	}

}
