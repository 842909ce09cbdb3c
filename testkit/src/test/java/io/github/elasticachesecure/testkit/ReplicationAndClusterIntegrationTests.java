package io.github.elasticachesecure.testkit;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the replica and cluster set-ups of the test kit, against real servers.
 */
class ReplicationAndClusterIntegrationTests {

	@Test
	void tlsReplicaFollowsItsMaster() throws Exception {
		try (RedisServerProcess master = RedisServerProcess.tls().aclUser("app", "app-secret").start();
				RedisServerProcess replica = RedisServerProcess.tls()
					.aclUser("app", "app-secret")
					.replicaOf(master)
					.start()) {
			assertThat(replica.adminCommand("INFO", "replication")).contains("role:slave", "master_link_status:up");
			master.adminCommand("SET", "greeting", "hello");
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(replica.adminCommand("GET", "greeting")).isEqualTo("hello"));
			RedisClient client = RedisClient.create(replica.redisUri("app", "app-secret"));
			try {
				client.setOptions(ClientOptions.builder().sslOptions(replica.sslOptions()).build());
				try (StatefulRedisConnection<String, String> connection = client.connect()) {
					assertThat(connection.sync().get("greeting")).isEqualTo("hello");
				}
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	@Test
	void tlsClusterServesAllSlotsWithHostNameVerification() {
		try (RedisClusterProcess cluster = RedisClusterProcess.tls().aclUser("app", "app-secret").start()) {
			assertThat(cluster.nodes()).hasSize(3);
			assertThat(cluster.nodes().get(0).adminCommand("CLUSTER", "SLOTS")).contains("localhost");
			RedisClusterClient client = RedisClusterClient.create(List.of(cluster.redisUri("app", "app-secret")));
			try {
				client.setOptions(ClusterClientOptions.builder().sslOptions(cluster.sslOptions()).build());
				try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
					for (int i = 0; i < 30; i++) {
						connection.sync().set("key-" + i, "value-" + i);
					}
					for (int i = 0; i < 30; i++) {
						assertThat(connection.sync().get("key-" + i)).isEqualTo("value-" + i);
					}
					assertThat(connection.getPartitions()).hasSize(3)
						.allSatisfy((node) -> assertThat(node.getUri().getHost()).isEqualTo("localhost"));
				}
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
			assertThat(cluster.adminCommandOnAllNodes("DBSIZE"))
				.allSatisfy((size) -> assertThat(Long.parseLong(size)).isPositive());
		}
	}

}
