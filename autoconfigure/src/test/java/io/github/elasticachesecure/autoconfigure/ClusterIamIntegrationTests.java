package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.testkit.IamFront;
import io.github.elasticachesecure.testkit.LoopbackTcpServer;
import io.github.elasticachesecure.testkit.RedisClusterProcess;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cluster-mode cache as ElastiCache presents one with IAM: a real TLS cluster of three
 * masters with a replica each, every node behind an {@link IamFront} that checks SigV4
 * tokens, and every node announcing its front's port (with the host name
 * {@code localhost}), so that the client, from the seed on, reaches each node only
 * through its front, with FULL host-name verification. The application uses nothing but
 * {@code elasticache.secure.*} properties.
 */
class ClusterIamIntegrationTests {

	private static final int KEYS = 60;

	private static final Duration AWAIT_LIMIT = Duration.ofSeconds(30);

	private static RedisClusterProcess cluster;

	/** Each node's front, in {@link RedisClusterProcess#nodes()} order. */
	private static final List<IamFront> fronts = new ArrayList<>();

	@BeforeAll
	static void startClusterBehindIamFronts() {
		cluster = RedisClusterProcess.tls().replicasPerMaster(1).start();
		for (RedisServerProcess node : cluster.nodes()) {
			fronts.add(RedisTestContexts.iamFront(IamFront.forClusterNode(node)).start());
		}
		cluster.announcePorts(fronts.stream().map(IamFront::port).toList(), AWAIT_LIMIT);
	}

	@AfterAll
	static void stopCluster() {
		fronts.forEach(LoopbackTcpServer::close);
		cluster.close();
	}

	@BeforeEach
	void resetCommandStatistics() {
		cluster.adminCommandOnAllNodes("CONFIG", "RESETSTAT");
	}

	@Test
	void keysAcrossSlotsWorkWithIamAndARefreshReauthenticatesTheConnectionOnEveryNode() {
		withIamApplication("replica-preferred", (context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			writeAndReplicate(template, "iam");
			for (int i = 0; i < KEYS; i++) {
				assertThat(template.opsForValue().get("iam-" + i)).isEqualTo("value-" + i);
			}
			// keys spread over the slots of all three masters, read from all three
			// replicas: every node was reached
			assertThat(perNode((node) -> node.commandCalls(RedisClusterProcess.isMaster(node) ? "set" : "get")))
				.allSatisfy((node, calls) -> assertThat(calls).as("commands on %s", node).isPositive());
			assertThat(fronts).allSatisfy(
					(front) -> assertThat(front.acceptedTokens()).as("tokens accepted by %s", front).isPositive());
			Map<String, Long> authBefore = perNode((node) -> node.commandCalls("auth"));
			List<Integer> acceptedBefore = fronts.stream().map(IamFront::acceptedTokens).toList();

			context.getBean(ElastiCacheIamCredentialsProvider.class).refreshNow().join();
			// Lettuce authenticates new connections with HELLO … AUTH and
			// re-authenticates live ones with AUTH: an AUTH on every node is the node's
			// live connection taking the new token.
			await().atMost(AWAIT_LIMIT)
				.untilAsserted(() -> assertThat(perNode((node) -> node.commandCalls("auth"))).allSatisfy(
						(node, calls) -> assertThat(calls).as("AUTH on %s", node).isGreaterThan(authBefore.get(node))));
			for (int i = 0; i < fronts.size(); i++) {
				assertThat(fronts.get(i).acceptedTokens()).as("tokens accepted by %s", fronts.get(i))
					.isGreaterThan(acceptedBefore.get(i));
			}
			for (int i = 0; i < KEYS; i++) {
				assertThat(template.opsForValue().get("iam-" + i)).isEqualTo("value-" + i);
			}
			assertThat(fronts)
				.allSatisfy((front) -> assertThat(front.refusedTokens()).as("tokens refused by %s", front).isZero());
		});
	}

	@Test
	void readsLandOnReplicasAndWritesOnMastersWithReplicaPreferred() {
		withIamApplication("replica-preferred", (context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			writeAndReplicate(template, "preferred");
			for (int i = 0; i < KEYS; i++) {
				assertThat(template.opsForValue().get("preferred-" + i)).isEqualTo("value-" + i);
			}
			// replicas count the SETs they replay from their master too: writes are
			// counted on the masters
			assertThat(sum(masters(), "set")).as("writes on the masters").isEqualTo(KEYS);
			assertThat(sum(replicas(), "get")).as("reads on the replicas").isEqualTo(KEYS);
			assertThat(sum(masters(), "get")).as("reads on the masters").isZero();
		});
	}

	@Test
	void upstreamReadsNothingFromReplicas() {
		withIamApplication("upstream", (context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			writeAndReplicate(template, "upstream");
			for (int i = 0; i < KEYS; i++) {
				assertThat(template.opsForValue().get("upstream-" + i)).isEqualTo("value-" + i);
			}
			assertThat(sum(masters(), "get")).as("reads on the masters").isEqualTo(KEYS);
			assertThat(sum(replicas(), "get")).as("reads on the replicas").isZero();
		});
	}

	private static void withIamApplication(String readFrom, Consumer<ApplicationContext> test) {
		RedisTestContexts.iamRunner()
			// the configuration endpoint: the first node's front, as the cluster
			// announces it
			.withPropertyValues("elasticache.secure.endpoint=localhost:" + fronts.get(0).port(),
					"elasticache.secure.topology=cluster", "elasticache.secure.read-from=" + readFrom)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				test.accept(context);
			});
	}

	/**
	 * Writes keys spread over all slots through the application and waits until every
	 * replica acknowledged them ({@code WAIT} on each master, which the command
	 * statistics count apart from reads and writes).
	 */
	private static void writeAndReplicate(StringRedisTemplate template, String prefix) {
		for (int i = 0; i < KEYS; i++) {
			template.opsForValue().set(prefix + "-" + i, "value-" + i);
		}
		for (RedisServerProcess master : masters()) {
			assertThat(master.adminCommand("WAIT", "1", "10000")).as("replicas of %s that acknowledged", master)
				.isEqualTo("1");
		}
	}

	private static List<RedisServerProcess> masters() {
		return cluster.nodes().stream().filter(RedisClusterProcess::isMaster).toList();
	}

	private static List<RedisServerProcess> replicas() {
		return cluster.nodes().stream().filter((node) -> !RedisClusterProcess.isMaster(node)).toList();
	}

	private static long sum(List<RedisServerProcess> nodes, String command) {
		return nodes.stream().mapToLong((node) -> node.commandCalls(command)).sum();
	}

	/** A figure per node, keyed by the node's description. */
	private static Map<String, Long> perNode(Function<RedisServerProcess, Long> figure) {
		return cluster.nodes().stream().collect(Collectors.toMap(RedisServerProcess::toString, figure));
	}

}
