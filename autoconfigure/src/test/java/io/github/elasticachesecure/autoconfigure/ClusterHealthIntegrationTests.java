package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.github.elasticachesecure.health.ElastiCacheHealthCheck;
import io.github.elasticachesecure.testkit.RedisClusterProcess;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health check of a cluster, counted from the nodes' side: it goes over the
 * application's cluster connection (and the node connections Lettuce keeps for it), so
 * many checks open no connection, and concurrent checks share one {@code PING} per
 * master.
 */
class ClusterHealthIntegrationTests {

	private static final Duration AWAIT_LIMIT = Duration.ofSeconds(30);

	private static RedisClusterProcess cluster;

	@BeforeAll
	static void startCluster() {
		cluster = RedisClusterProcess.tls().aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD).start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void manyChecksOpenNoConnectionAndConcurrentChecksShareOnePingPerMaster() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			for (int i = 0; i < 20; i++) {
				template.opsForValue().set("key-" + i, "value-" + i);
			}
			assertThat(health(context).getStatus()).isEqualTo(Status.UP);
			List<RedisServerProcess> nodes = cluster.nodes();
			long connections = connectionsReceived(nodes);
			for (int i = 0; i < 20; i++) {
				assertThat(health(context).getStatus()).isEqualTo(Status.UP);
			}
			assertThat(connectionsReceived(nodes) - connections).as("new connections over 20 checks").isZero();

			RedisServerProcess paused = nodes.stream().filter(RedisClusterProcess::isMaster).findFirst().orElseThrow();
			long pings = paused.commandCalls("ping");
			// the master holds every client's commands for half a second (each master has
			// half the health timeout), so that the ten checks overlap for sure
			paused.adminCommand("CLIENT", "PAUSE", "500", "ALL");
			List<Health> healths = Flux.range(0, 10)
				.flatMap((i) -> context.getBean(ElastiCacheHealthCheck.class).check())
				.collectList()
				.block(AWAIT_LIMIT);
			assertThat(healths).hasSize(10).allSatisfy((health) -> assertThat(health.getStatus()).isEqualTo(Status.UP));
			assertThat(paused.commandCalls("ping") - pings).as("PING calls on the paused master").isEqualTo(1);
			assertThat(connectionsReceived(nodes) - connections).as("new connections over 30 checks").isZero();
		});
	}

	private static long connectionsReceived(List<RedisServerProcess> nodes) {
		return nodes.stream()
			.mapToLong((node) -> node.adminCommand("INFO", "stats")
				.lines()
				.filter((line) -> line.startsWith("total_connections_received:"))
				.mapToLong((line) -> Long.parseLong(line.substring("total_connections_received:".length()).strip()))
				.sum())
			.sum();
	}

	private static Health health(ApplicationContext context) {
		return context.getBean(ElastiCacheHealthCheck.class).check().block(AWAIT_LIMIT);
	}

	private static ApplicationContextRunner runner() {
		return RedisTestContexts.runner()
			.withPropertyValues("elasticache.secure.endpoint=" + cluster.host() + ":" + cluster.ports().get(0),
					"elasticache.secure.topology=cluster", "elasticache.secure.tls.bundle=test",
					"elasticache.secure.auth.username=" + RedisTestContexts.USER,
					"elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD,
					// Lettuce's periodic topology refresh opens connections of its own:
					// not while the checks are counted
					"spring.data.redis.lettuce.cluster.refresh.period=10m");
	}

}
