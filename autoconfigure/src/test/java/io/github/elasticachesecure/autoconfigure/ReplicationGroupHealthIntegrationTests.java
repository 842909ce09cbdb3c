package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.elasticachesecure.health.ElastiCacheHealthCheck;
import io.github.elasticachesecure.testkit.FreePorts;
import io.github.elasticachesecure.testkit.IamFront;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testkit.TestPki;
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
import static org.awaitility.Awaitility.await;

/**
 * The health check of a replication group with a reader endpoint, counted from the
 * servers' side ({@code total_connections_received}, {@code INFO commandstats}): checks
 * reuse one connection per endpoint, concurrent checks of a node share one {@code ROLE},
 * a stopped node is reported and its connection opened again when it comes back, and the
 * reused connections re-authenticate with IAM as the application's do.
 */
class ReplicationGroupHealthIntegrationTests {

	private static final int CHECKS = 20;

	private static final Duration AWAIT_LIMIT = Duration.ofSeconds(30);

	private static RedisServerProcess primary;

	private static RedisServerProcess replica;

	@BeforeAll
	static void startPrimaryAndReplica() {
		primary = RedisServerProcess.tls().aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD).start();
		replica = replicaOf(primary);
	}

	@AfterAll
	static void stopPrimaryAndReplica() {
		replica.close();
		primary.close();
	}

	@Test
	void manyChecksReuseOneConnectionPerEndpoint() {
		withReader(replica, "elasticache.secure.read-from=replica-preferred").run((context) -> {
			assertThat(context).hasNotFailed();
			useTheApplicationsConnection(context);
			long primaryConnections = connectionsReceived(primary);
			long replicaConnections = connectionsReceived(replica);
			long replicaAuthentications = replica.commandCalls("hello") + replica.commandCalls("auth");
			for (int i = 0; i < CHECKS; i++) {
				assertThat(health(context).getStatus()).isEqualTo(Status.UP);
			}
			assertThat(connectionsReceived(primary) - primaryConnections).as("new connections to the primary")
				.isLessThanOrEqualTo(2);
			assertThat(connectionsReceived(replica) - replicaConnections).as("new connections to the reader")
				.isLessThanOrEqualTo(2);
			assertThat(replica.commandCalls("hello") + replica.commandCalls("auth") - replicaAuthentications)
				.as("authentications on the reader")
				.isLessThanOrEqualTo(2);
		});
		// the kept connections go with the context, as the application's own
		await().atMost(AWAIT_LIMIT).until(() -> clientsOfUser(primary) == 0 && clientsOfUser(replica) == 0);
	}

	@Test
	void concurrentChecksOfANodeShareOneRole() {
		withReader(replica, "elasticache.secure.read-from=replica-preferred").run((context) -> {
			useTheApplicationsConnection(context);
			assertThat(health(context).getStatus()).isEqualTo(Status.UP);
			long primaryConnections = connectionsReceived(primary);
			long replicaConnections = connectionsReceived(replica);
			long roles = replica.commandCalls("role");
			// the reader holds every client's commands for a second, so that the ten
			// checks overlap for sure
			replica.adminCommand("CLIENT", "PAUSE", "1000", "ALL");
			List<Health> healths = Flux.range(0, 10)
				.flatMap((i) -> context.getBean(ElastiCacheHealthCheck.class).check())
				.collectList()
				.block(AWAIT_LIMIT);
			assertThat(healths).hasSize(10).allSatisfy((health) -> assertThat(health.getStatus()).isEqualTo(Status.UP));
			assertThat(replica.commandCalls("role") - roles).as("ROLE calls on the reader").isEqualTo(1);
			assertThat(connectionsReceived(primary) - primaryConnections).as("new connections to the primary")
				.isLessThanOrEqualTo(2);
			assertThat(connectionsReceived(replica) - replicaConnections).as("new connections to the reader")
				.isLessThanOrEqualTo(2);
		});
	}

	@Test
	void aCheckThatGivesUpLeavesTheConnectionForTheNext() {
		withReader(replica, "elasticache.secure.read-from=replica", "elasticache.secure.health.timeout=500ms")
			.run((context) -> {
				useTheApplicationsConnection(context);
				assertThat(health(context).getStatus()).isEqualTo(Status.UP);
				long replicaConnections = connectionsReceived(replica);
				replica.adminCommand("CLIENT", "PAUSE", "1500", "ALL");
				Health late = health(context);
				assertThat(late.getStatus()).isEqualTo(Status.DOWN);
				assertThat(node(late, "reader")).containsEntry("reachable", false);
				await().atMost(AWAIT_LIMIT).until(() -> health(context).getStatus() == Status.UP);
				for (int i = 0; i < CHECKS; i++) {
					assertThat(health(context).getStatus()).isEqualTo(Status.UP);
				}
				assertThat(connectionsReceived(replica) - replicaConnections).as("new connections to the reader")
					.isZero();
			});
	}

	@Test
	void aStoppedReaderIsDownAndItsConnectionIsOpenedAgainWhenItComesBack() {
		try (RedisServerProcess ownReplica = replicaOf(primary)) {
			withReader(ownReplica, "elasticache.secure.read-from=replica").run((context) -> {
				StringRedisTemplate template = useTheApplicationsConnection(context);
				assertThat(health(context).getStatus()).isEqualTo(Status.UP);

				ownReplica.kill();
				Health down = health(context);
				assertThat(down.getStatus()).isEqualTo(Status.DOWN);
				assertThat(down.getDetails().get("reason")).asString()
					.contains("the reader endpoint localhost:" + ownReplica.port() + " cannot be reached");
				assertThat(health(context).getStatus()).as("still down").isEqualTo(Status.DOWN);

				ownReplica.restart();
				await().atMost(AWAIT_LIMIT).until(() -> health(context).getStatus() == Status.UP);
				assertThat(node(health(context), "reader")).containsEntry("reachable", true)
					.containsEntry("role", "slave");
				// the application's own connection to the reader is back too, so what
				// follows is the health check's
				await().atMost(AWAIT_LIMIT)
					.ignoreExceptions()
					.until(() -> "value".equals(template.opsForValue().get("health-key")));
				long replicaConnections = connectionsReceived(ownReplica);
				for (int i = 0; i < CHECKS; i++) {
					assertThat(health(context).getStatus()).isEqualTo(Status.UP);
				}
				assertThat(connectionsReceived(ownReplica) - replicaConnections).as("new connections to the reader")
					.isLessThanOrEqualTo(1);
			});
		}
	}

	@Test
	void reusedConnectionsReauthenticateWithIam() throws Exception {
		Duration deadline = Duration.ofSeconds(3);
		try (IamFront primaryFront = RedisTestContexts
			.iamFront(IamFront.forServer(primary).reauthenticationDeadline(deadline))
			.start();
				IamFront readerFront = RedisTestContexts
					.iamFront(IamFront.forServer(replica).reauthenticationDeadline(deadline))
					.start()) {
			RedisTestContexts.iamRunner()
				.withPropertyValues("elasticache.secure.endpoint=localhost:" + primaryFront.port(),
						"elasticache.secure.reader-endpoint=localhost:" + readerFront.port(),
						"elasticache.secure.iam.refresh-interval=1s")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					useTheApplicationsConnection(context);
					assertThat(health(context).getStatus()).isEqualTo(Status.UP);
					int primaryConnections = primaryFront.acceptedConnections();
					int readerConnections = readerFront.acceptedConnections();
					// checks over three re-authentication deadlines
					long end = System.nanoTime() + deadline.multipliedBy(3).toNanos();
					while (System.nanoTime() < end) {
						assertThat(health(context).getStatus()).isEqualTo(Status.UP);
						Thread.sleep(250);
					}
					assertThat(primaryFront.connectionsClosedForMissedReauthentication()
							+ readerFront.connectionsClosedForMissedReauthentication())
						.as("connections closed for a missed re-authentication")
						.isZero();
					assertThat(primaryFront.acceptedConnections() - primaryConnections)
						.as("new connections to the primary")
						.isLessThanOrEqualTo(1);
					assertThat(readerFront.acceptedConnections() - readerConnections)
						.as("new connections to the reader")
						.isLessThanOrEqualTo(1);
					assertThat(primaryFront.refusedTokens() + readerFront.refusedTokens()).as("tokens refused")
						.isZero();
				});
		}
	}

	/**
	 * Writes and reads a key, so that the application's own connections are open before
	 * anything is counted.
	 */
	private static StringRedisTemplate useTheApplicationsConnection(ApplicationContext context) {
		StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
		template.opsForValue().set("health-key", "value");
		await().atMost(AWAIT_LIMIT).until(() -> "value".equals(template.opsForValue().get("health-key")));
		return template;
	}

	private static long clientsOfUser(RedisServerProcess server) {
		return server.clientList()
			.lines()
			.filter((line) -> line.contains(" user=" + RedisTestContexts.USER + " "))
			.count();
	}

	/** Connections the server accepted since it started, from {@code INFO stats}. */
	private static long connectionsReceived(RedisServerProcess server) {
		return server.adminCommand("INFO", "stats")
			.lines()
			.filter((line) -> line.startsWith("total_connections_received:"))
			.map((line) -> Long.parseLong(line.substring("total_connections_received:".length()).strip()))
			.findFirst()
			.orElseThrow();
	}

	private static Health health(ApplicationContext context) {
		return context.getBean(ElastiCacheHealthCheck.class).check().block(AWAIT_LIMIT);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> node(Health health, String name) {
		return ((Map<String, Map<String, Object>>) health.getDetails().get("nodes")).get(name);
	}

	private static RedisServerProcess replicaOf(RedisServerProcess master) {
		return RedisServerProcess.tls()
			.extraArgs("--replica-announce-port", String.valueOf(FreePorts.unusedLoopbackPort()))
			.serverCertificate(TestPki.get().localhost())
			.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD)
			.replicaOf(master)
			.start();
	}

	private static ApplicationContextRunner withReader(RedisServerProcess reader, String... properties) {
		return RedisTestContexts.runner()
			.withPropertyValues("elasticache.secure.endpoint=localhost:" + primary.port(),
					"elasticache.secure.reader-endpoint=localhost:" + reader.port(),
					"elasticache.secure.tls.bundle=test", "elasticache.secure.auth.username=" + RedisTestContexts.USER,
					"elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD)
			.withPropertyValues(properties);
	}

}
