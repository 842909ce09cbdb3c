package io.github.elasticachesecure.testkit;

import java.time.Duration;
import java.util.function.Consumer;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.Test;

import io.github.elasticachesecure.testkit.ElastiCacheRestrictions.Flavour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Servers that refuse what ElastiCache refuses: the application's user gets
 * {@code ERR unknown command} for a refused command and {@code NOPERM} for a refused
 * subcommand, its ordinary commands work, and the kit's own admin commands (and
 * replication) still run.
 */
class ElastiCacheRestrictionsIntegrationTests {

	@Test
	void nodeBasedRefusesConfigAndUserManagementButServesData() {
		try (LocalElastiCache cache = LocalElastiCache.standalone()
			.elastiCacheRestrictions(Flavour.NODE_BASED)
			.start()) {
			asApplication(cache, (redis) -> {
				assertThat(redis.set("k", "v")).isEqualTo("OK");
				assertThat(redis.keys("*")).containsExactly("k");
				assertThatExceptionOfType(RedisCommandExecutionException.class)
					.isThrownBy(() -> redis.configGet("notify-keyspace-events"))
					.withMessageStartingWith("ERR unknown command 'CONFIG'");
				assertThatExceptionOfType(RedisCommandExecutionException.class).isThrownBy(redis::bgsave)
					.withMessageStartingWith("ERR unknown command 'BGSAVE'");
				assertThatExceptionOfType(RedisCommandExecutionException.class)
					.isThrownBy(() -> redis.replicaof("localhost", 1))
					.withMessageStartingWith("ERR unknown command 'REPLICAOF'");
				assertThatExceptionOfType(RedisCommandExecutionException.class)
					.isThrownBy(() -> redis.aclSetuser("intruder", io.lettuce.core.AclSetuserArgs.Builder.on()))
					.withMessageStartingWith("NOPERM")
					.withMessageContaining("acl|setuser");
				// what serverless refuses on top stays available on a node-based cache
				assertThat(redis.clientList()).contains("name=");
			});
			RedisServerProcess node = cache.nodes().get(0);
			assertThat(node.elastiCacheRestrictions()).isEqualTo(Flavour.NODE_BASED);
			assertThat(node.adminCommand("CONFIG", "GET", "maxclients")).startsWith("maxclients");
			assertThat(node.toString()).contains("NODE_BASED").doesNotContain("KIT-");
		}
	}

	@Test
	void serverlessAlsoRefusesKeysPatternSubscriptionsOtherDatabasesAndClientList() {
		try (LocalElastiCache cache = LocalElastiCache.standalone()
			.elastiCacheRestrictions(Flavour.SERVERLESS)
			.start()) {
			asApplication(cache, (redis) -> {
				redis.set("k", "v");
				assertThatExceptionOfType(RedisCommandExecutionException.class).isThrownBy(() -> redis.keys("*"))
					.withMessageStartingWith("ERR unknown command 'KEYS'");
				assertThat(redis.scan(ScanArgs.Builder.matches("*")).getKeys()).containsExactly("k");
				assertThatExceptionOfType(RedisCommandExecutionException.class)
					.isThrownBy(() -> redis.waitForReplication(1, 10))
					.withMessageStartingWith("ERR unknown command 'WAIT'");
				assertThatExceptionOfType(RedisCommandExecutionException.class).isThrownBy(() -> redis.select(1))
					.withMessageContaining("DB index is out of range");
				assertThat(redis.select(0)).isEqualTo("OK");
				assertThatExceptionOfType(RedisCommandExecutionException.class).isThrownBy(redis::clientList)
					.withMessageStartingWith("NOPERM")
					.withMessageContaining("client|list");
				assertThat(redis.clientSetname("named")).isEqualTo("OK");
				assertThatExceptionOfType(RedisCommandExecutionException.class)
					.isThrownBy(() -> redis.configSet("maxclients", "10"))
					.withMessageStartingWith("ERR unknown command 'CONFIG'");
			});
			RedisClient client = client(cache);
			try (StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub(cache.redisUri())) {
				assertThatExceptionOfType(RedisCommandExecutionException.class)
					.isThrownBy(() -> pubSub.sync().psubscribe("__keyevent@*__:expired"))
					.withMessageStartingWith("ERR unknown command 'PSUBSCRIBE'");
				pubSub.sync().subscribe("channel");
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
			assertThat(cache.nodes().get(0).adminCommand("KEYS", "*")).isEqualTo("k");
		}
	}

	@Test
	void replicasFollowARestrictedPrimaryAndTheKitStillPromotesThem() {
		try (LocalElastiCache group = LocalElastiCache.replicationGroup(1)
			.elastiCacheRestrictions(Flavour.NODE_BASED)
			.start()) {
			RedisServerProcess replica = group.nodes().get(1);
			assertThat(replica.elastiCacheRestrictions()).isEqualTo(Flavour.NODE_BASED);
			asApplication(group, (redis) -> redis.set("k", "v"));
			assertThat(group.nodes().get(0).adminCommand("WAIT", "1", "5000")).as("WAIT through the kit's admin")
				.isEqualTo("1");
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(replica.adminCommand("GET", "k")).isEqualTo("v"));
			assertThat(replica.adminCommand("REPLICAOF", "NO", "ONE")).isEqualTo("OK");
			assertThat(replica.adminCommand("ROLE")).startsWith("master");
		}
	}

	@Test
	void aClusterFormsAndServesWithTheRefusals() {
		try (LocalElastiCache cluster = LocalElastiCache.cluster(3, 0)
			.elastiCacheRestrictions(Flavour.SERVERLESS)
			.start()) {
			RedisClusterClient client = RedisClusterClient.create(cluster.redisUri());
			try {
				client.setOptions(ClusterClientOptions.builder().sslOptions(cluster.sslOptions()).build());
				try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
					connection.sync().set("a", "1");
					assertThat(connection.sync().get("a")).isEqualTo("1");
					assertThatExceptionOfType(RedisCommandExecutionException.class)
						.isThrownBy(() -> connection.sync().clusterMeet("127.0.0.1", 1))
						.withMessageStartingWith("NOPERM");
				}
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	@Test
	void aSentinelCannotBeRestrictedItself() {
		try (RedisServerProcess master = RedisServerProcess.tls().start()) {
			assertThatIllegalStateException()
				.isThrownBy(() -> RedisServerProcess.tls()
					.sentinelOf(master)
					.elastiCacheRestrictions(Flavour.NODE_BASED)
					.start())
				.withMessageContaining("no Sentinel");
		}
	}

	@Test
	void theListsAreAwsLists() {
		assertThat(ElastiCacheRestrictions.refusedCommands(Flavour.NODE_BASED)).containsExactly("BGREWRITEAOF",
				"BGSAVE", "CONFIG", "DEBUG", "MIGRATE", "REPLICAOF", "SAVE", "SHUTDOWN", "SLAVEOF");
		assertThat(ElastiCacheRestrictions.refusedCommands(Flavour.SERVERLESS))
			.containsAll(ElastiCacheRestrictions.refusedCommands(Flavour.NODE_BASED))
			.contains("KEYS", "PSUBSCRIBE", "PUNSUBSCRIBE", "WAIT", "FUNCTION", "MONITOR");
		assertThat(ElastiCacheRestrictions.refusedSubcommands(Flavour.SERVERLESS))
			.containsAll(ElastiCacheRestrictions.refusedSubcommands(Flavour.NODE_BASED))
			.contains("client|list", "client|kill", "client|id");
	}

	private static void asApplication(LocalElastiCache cache, Consumer<RedisCommands<String, String>> commands) {
		RedisClient client = client(cache);
		try (StatefulRedisConnection<String, String> connection = client.connect(cache.redisUri())) {
			commands.accept(connection.sync());
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

	private static RedisClient client(LocalElastiCache cache) {
		RedisClient client = RedisClient.create();
		client.setOptions(ClientOptions.builder().sslOptions(cache.sslOptions()).build());
		return client;
	}

}
