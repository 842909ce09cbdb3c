package io.github.elasticachesecure.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.elasticachesecure.cache.ReadPreference;
import io.github.elasticachesecure.testkit.LocalElastiCache;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testsupport.SilentTcpServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the reader endpoint's and the primary endpoint's roles make of the health, against
 * a real TLS primary and replica: which endpoint reaching which node, under which read
 * preference, is {@code DOWN}, and which only a warning.
 */
class ReplicationGroupRolesIntegrationTests {

	@RegisterExtension
	static final LocalElastiCache group = LocalElastiCache.replicationGroup(1);

	private static final Health CONNECTION_UP = Health.up().withDetail("warnings", List.of("the connection's")).build();

	private static RedisClient client;

	@BeforeAll
	static void startClient() {
		client = RedisClient.create();
		client.setOptions(ClientOptions.builder().sslOptions(group.sslOptions()).build());
	}

	@AfterAll
	static void stopClient() {
		client.shutdown();
	}

	@Test
	void primaryAndReplicaWhereTheyBelongAreUpWithBothNodesShown() {
		Health health = check(primary(), replica(), ReadPreference.REPLICA);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).doesNotContainKey("reason")
			.containsEntry("readFrom", "replica")
			.containsEntry("warnings", List.of("the connection's"));
		assertThat(nodes(health).get("primary")).containsEntry("reachable", true).containsEntry("role", "master");
		assertThat(nodes(health).get("reader")).containsEntry("reachable", true).containsEntry("role", "slave");
	}

	@Test
	void aReaderReachingThePrimaryIsAWarningBesideTheConnectionsOwn() {
		Health health = check(primary(), primary(), null);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).doesNotContainKey("readFrom");
		assertThat(health.getDetails().get("warnings")).asInstanceOf(InstanceOfAssertFactories.LIST)
			.containsExactly("the connection's", "the reader endpoint " + endpoint(primaryNode())
					+ " reaches the primary: the replication group has no replica available");
	}

	@Test
	void aPrimaryEndpointReachingAReplicaIsDown() {
		Health health = check(replica(), replica(), ReadPreference.REPLICA_PREFERRED);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "the primary endpoint " + endpoint(replicaNode())
				+ " reaches a slave, so writes fail until it resolves to the new primary");
	}

	@Test
	void aSilentReaderIsDownWhenReadsNeedAReplicaAndAWarningOtherwise() {
		try (SilentTcpServer silent = SilentTcpServer.start()) {
			RedisURI reader = RedisURI.builder(replica()).withPort(silent.port()).build();
			// the wait is what was left of the check's deadline
			String unreachable = "the reader endpoint localhost:" + silent.port()
					+ " cannot be reached \\(no answer within \\d+ ms\\); ";
			Health replicaOnly = check(primary(), reader, ReadPreference.ANY_REPLICA);
			assertThat(replicaOnly.getStatus()).isEqualTo(Status.DOWN);
			assertThat((String) replicaOnly.getDetails().get("reason"))
				.matches(unreachable + "read-from any-replica reads only from replicas, so reads fail");
			assertThat(nodes(replicaOnly).get("reader")).containsEntry("reachable", false).doesNotContainKey("role");
			assertThat((String) nodes(replicaOnly).get("reader").get("error")).matches("no answer within \\d+ ms");
			Health preferred = check(primary(), reader, ReadPreference.REPLICA_PREFERRED);
			assertThat(preferred.getStatus()).isEqualTo(Status.UP);
			assertThat(preferred.getDetails().get("warnings")).asInstanceOf(InstanceOfAssertFactories.LIST)
				.last(InstanceOfAssertFactories.STRING)
				.matches(unreachable + "under read-from replica-preferred reads go to the primary");
		}
	}

	private static Health check(RedisURI primary, RedisURI reader, ReadPreference readPreference) {
		try (ReplicationGroupHealth health = new ReplicationGroupHealth(() -> client, primary, reader,
				readPreference)) {
			// long enough for a first TLS connection on a loaded machine
			return health.addTo(Mono.just(CONNECTION_UP), HealthDeadline.after(Duration.ofSeconds(3)))
				.block(Duration.ofSeconds(10));
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> nodes(Health health) {
		return (Map<String, Map<String, Object>>) health.getDetails().get("nodes");
	}

	private static RedisServerProcess primaryNode() {
		return group.nodes().get(0);
	}

	private static RedisServerProcess replicaNode() {
		return group.nodes().get(1);
	}

	private static RedisURI primary() {
		return uri(primaryNode());
	}

	private static RedisURI replica() {
		return uri(replicaNode());
	}

	private static RedisURI uri(RedisServerProcess node) {
		RedisURI uri = node.redisUri(group.username(), group.password());
		uri.setTimeout(Duration.ofSeconds(3));
		return uri;
	}

	private static String endpoint(RedisServerProcess node) {
		return node.host() + ":" + node.port();
	}

}
