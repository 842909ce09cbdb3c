package io.github.elasticachesecure.autoconfigure;

import java.util.List;

import io.github.elasticachesecure.audit.DiscoveredCache;
import io.github.elasticachesecure.autoconfigure.ElastiCacheDiscoveryConfiguration.CacheLocator;
import io.github.elasticachesecure.cache.ApplicationZone;
import io.github.elasticachesecure.cache.CacheNode;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.cache.ElastiCacheEndpoint;
import io.github.elasticachesecure.cache.ReadPreference;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails.Node;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a cache found by its name becomes the {@link ElastiCacheDescription} and the
 * connection details, with a locator that answers what the API would: no AWS call, no
 * connection.
 */
class DiscoveredDescriptionTests {

	private static final DiscoveredCache GROUP = new DiscoveredCache("orders", "eu-west-1",
			"elasticache:DescribeReplicationGroups", CacheTopology.REPLICATION_GROUP,
			new ElastiCacheEndpoint("master.orders.x", 6379), new ElastiCacheEndpoint("replica.orders.x", 6379),
			List.of(new CacheNode("orders-001.x", 6379, "eu-west-1a", "primary"),
					new CacheNode("orders-002.x", 6379, "eu-west-1b", "replica"),
					new CacheNode("orders-003.x", 6379, "eu-west-1a", "replica")));

	private static final DiscoveredCache SERVERLESS = new DiscoveredCache("orders", "eu-west-1",
			"elasticache:DescribeServerlessCaches", CacheTopology.SERVERLESS,
			new ElastiCacheEndpoint("orders-x1.serverless.x", 6379), null, List.of());

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class, SslAutoConfiguration.class))
		.withPropertyValues("elasticache.secure.auth.password=secret", "elasticache.secure.cache-name=orders");

	private ApplicationContextRunner found(DiscoveredCache cache) {
		return this.contextRunner.withBean(CacheLocator.class, () -> (name) -> cache);
	}

	@Test
	void theFoundCacheIsTheDescriptionRegionAndReaderIncluded() {
		found(GROUP).run((context) -> {
			ElastiCacheDescription cache = context.getBean(ElastiCacheDescription.class);
			assertThat(cache.endpoint()).isEqualTo("master.orders.x:6379");
			assertThat(cache.reader().endpoint()).isEqualTo("replica.orders.x:6379");
			assertThat(cache.topology()).isEqualTo(CacheTopology.REPLICATION_GROUP);
			assertThat(cache.cacheName()).isEqualTo("orders");
			assertThat(cache.region()).isEqualTo("eu-west-1");
			assertThat(cache.readFrom().preference()).isEqualTo(ReadPreference.REPLICA_PREFERRED);
			assertThat(cache.discovered()).isSameAs(GROUP);
			assertThat(context.getBean(DataRedisConnectionDetails.class).getMasterReplica().getNodes())
				.containsExactly(new Node("master.orders.x", 6379), new Node("replica.orders.x", 6379));
		});
	}

	@Test
	void sameAzConnectsToEachReplicaByItsNodeEndpoint() {
		found(GROUP)
			.withPropertyValues("elasticache.secure.read-from=same-az",
					"elasticache.secure.availability-zone=eu-west-1a")
			.run((context) -> {
				ElastiCacheDescription cache = context.getBean(ElastiCacheDescription.class);
				assertThat(cache.readFrom().applicationZone())
					.isEqualTo(new ApplicationZone("eu-west-1a", ApplicationZone.Source.CONFIGURED));
				assertThat(context.getBean(DataRedisConnectionDetails.class).getMasterReplica().getNodes())
					.containsExactly(new Node("master.orders.x", 6379), new Node("orders-002.x", 6379),
							new Node("orders-003.x", 6379));
			});
	}

	@Test
	void sameAzWithoutAZoneAndNowhereToLookItUpIsRefusedSayingWhatWasTried() {
		// No connection: no ECS, IMDS disabled (these values come before the machine's).
		found(GROUP)
			.withPropertyValues("elasticache.secure.read-from=same-az", "ECS_CONTAINER_METADATA_URI_V4=",
					"aws.disableEc2Metadata=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ElastiCacheConfigurationException.class)
				.hasMessage("'elasticache.secure.read-from=same-az' needs the application's Availability Zone: "
						+ "'elasticache.secure.availability-zone' is not set, and the zone was not found where the "
						+ "application runs: ECS task metadata: not detected (ECS_CONTAINER_METADATA_URI_V4 is not set); "
						+ "IMDSv2: disabled (AWS_EC2_METADATA_DISABLED or aws.disableEc2Metadata is true)."));
	}

	@Test
	void aTopologyThatContradictsTheApiIsRefused() {
		found(GROUP).withPropertyValues("elasticache.secure.topology=cluster").run((context) -> {
			assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ElastiCacheConfigurationException.class)
				.hasMessageContaining("'elasticache.secure.topology=cluster' contradicts the ElastiCache API")
				.hasMessageContaining("replication-group");
		});
	}

	@Test
	void sameAzWithAnEndpointIsRefused() {
		found(GROUP)
			.withPropertyValues("elasticache.secure.endpoint=master.orders.x:6379",
					"elasticache.secure.reader-endpoint=replica.orders.x:6379", "elasticache.secure.read-from=same-az",
					"elasticache.secure.availability-zone=eu-west-1a")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ElastiCacheConfigurationException.class)
				.hasMessageContaining("same-az' needs the Availability Zones of the cache's nodes")
				.hasMessageContaining("configured by its endpoint"));
	}

	@Test
	void sameAzWithoutNodeZonesIsRefused() {
		found(SERVERLESS)
			.withPropertyValues("elasticache.secure.read-from=same-az",
					"elasticache.secure.availability-zone=eu-west-1a")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ElastiCacheConfigurationException.class)
				.hasMessageContaining("no node endpoints for the serverless cache 'orders'"));
	}

}
