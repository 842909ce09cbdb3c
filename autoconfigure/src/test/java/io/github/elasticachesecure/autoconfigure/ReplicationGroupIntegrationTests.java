package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.elasticachesecure.guard.EndpointVerificationException;
import io.github.elasticachesecure.guard.MissingPermissionException;
import io.github.elasticachesecure.health.ElastiCacheHealthCheck;
import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.testkit.FreePorts;
import io.github.elasticachesecure.testkit.IamFront;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testkit.TestPki.ServerCertificate;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.RecordingTcpRelay;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replication group with cluster mode disabled read through its reader endpoint,
 * against a real TLS primary and replica: the starter's properties alone make Spring
 * Boot's factory write to the primary and read where {@code read-from} says, the guard
 * probes both endpoints, and the health details report both.
 */
class ReplicationGroupIntegrationTests {

	private static final int KEYS = 20;

	private static final Duration AWAIT_LIMIT = Duration.ofSeconds(30);

	private static RedisServerProcess primary;

	private static RedisServerProcess replica;

	@BeforeAll
	static void startPrimaryAndReplica() {
		primary = RedisServerProcess.tls().aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD).start();
		replica = replicaOf(primary, TestPki.get().localhost());
	}

	@AfterAll
	static void stopPrimaryAndReplica() {
		replica.close();
		primary.close();
	}

	@BeforeEach
	void resetCommandStatistics() {
		primary.adminCommand("CONFIG", "RESETSTAT");
		replica.adminCommand("CONFIG", "RESETSTAT");
	}

	@Test
	void writesLandOnThePrimaryAndReadsOnTheReplicaWithReplicaPreferred() {
		withReader(replica, "elasticache.secure.read-from=replica-preferred").run((context) -> {
			assertThat(context).hasNotFailed();
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			writeAndReplicate(template, "preferred");
			for (int i = 0; i < KEYS; i++) {
				assertThat(template.opsForValue().get("preferred-" + i)).isEqualTo("value-" + i);
			}
			assertThat(primary.commandCalls("set")).as("writes on the primary").isEqualTo(KEYS);
			assertThat(replica.commandCalls("get")).as("reads on the replica").isEqualTo(KEYS);
			assertThat(primary.commandCalls("get")).as("reads on the primary").isZero();
		});
	}

	@Test
	void aReaderEndpointAloneReadsFromTheReplicaAndSpringBootsEqualReadFromIsHonoured() {
		withReader(replica, "spring.data.redis.lettuce.read-from=replicaPreferred").run((context) -> {
			assertThat(context).hasNotFailed();
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			writeAndReplicate(template, "default");
			assertThat(template.opsForValue().get("default-0")).isEqualTo("value-0");
			assertThat(replica.commandCalls("get")).isEqualTo(1);
		});
		resetCommandStatistics();
		withReader(replica).run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			assertThat(template.opsForValue().get("default-0")).isEqualTo("value-0");
			assertThat(replica.commandCalls("get")).as("reads on the replica without read-from").isEqualTo(1);
			assertThat(primary.commandCalls("get")).isZero();
		});
	}

	@Test
	void upstreamReadsOnlyFromThePrimary() {
		withReader(replica, "elasticache.secure.read-from=upstream").run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			writeAndReplicate(template, "upstream");
			assertThat(template.opsForValue().get("upstream-0")).isEqualTo("value-0");
			assertThat(primary.commandCalls("get")).isEqualTo(1);
			assertThat(replica.commandCalls("get")).isZero();
		});
	}

	@Test
	void readsFallBackToThePrimaryWhenTheReplicaStopsAndHealthWarns() {
		try (RedisServerProcess ownReplica = replicaOf(primary, TestPki.get().localhost())) {
			withReader(ownReplica, "elasticache.secure.read-from=replica-preferred").run((context) -> {
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				writeAndReplicate(template, "fallback");
				assertThat(template.opsForValue().get("fallback-0")).isEqualTo("value-0");
				assertThat(ownReplica.commandCalls("get")).isEqualTo(1);
				Health healthy = health(context);
				assertThat(healthy.getStatus()).isEqualTo(Status.UP);
				assertThat(node(healthy, "primary")).containsEntry("role", "master").containsEntry("reachable", true);
				assertThat(node(healthy, "reader")).containsEntry("role", "slave")
					.containsEntry("endpoint", "localhost:" + ownReplica.port());
				assertThat(healthy.getDetails()).containsEntry("readFrom", "replica-preferred");
				// the test certificates are short-lived, so a certificate warning may be
				// there, but none about nodes
				assertThat(String.valueOf(healthy.getDetails().get("warnings"))).doesNotContain("reader endpoint");

				ownReplica.close();
				await().atMost(AWAIT_LIMIT)
					.ignoreExceptions()
					.until(() -> "value-1".equals(template.opsForValue().get("fallback-1")));
				long before = primary.commandCalls("get");
				for (int i = 0; i < KEYS; i++) {
					assertThat(template.opsForValue().get("fallback-" + i)).isEqualTo("value-" + i);
				}
				assertThat(primary.commandCalls("get") - before).as("reads on the primary").isEqualTo(KEYS);
				Health degraded = health(context);
				assertThat(degraded.getStatus()).as("reads still work").isEqualTo(Status.UP);
				assertThat(node(degraded, "reader")).containsEntry("reachable", false);
				assertThat(degraded.getDetails().get("warnings")).asString()
					.contains("the reader endpoint localhost:" + ownReplica.port() + " cannot be reached")
					.contains("reads go to the primary");
			});
		}
	}

	@Test
	void aMissingReaderIsDownWhenReadsNeedAReplica() {
		try (RedisServerProcess ownReplica = replicaOf(primary, TestPki.get().localhost())) {
			withReader(ownReplica, "elasticache.secure.read-from=replica").run((context) -> {
				assertThat(health(context).getStatus()).isEqualTo(Status.UP);
				ownReplica.close();
				Health health = health(context);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails().get("reason")).asString()
					.contains("the reader endpoint localhost:" + ownReplica.port() + " cannot be reached")
					.contains("read-from replica reads only from replicas, so reads fail");
			});
		}
	}

	@Test
	void iamTokensAreCheckedAndRefreshedOnBothEndpoints() throws Exception {
		try (IamFront primaryFront = RedisTestContexts.iamFront(IamFront.forServer(primary)).start();
				IamFront readerFront = RedisTestContexts.iamFront(IamFront.forServer(replica)).start()) {
			RedisTestContexts.iamRunner()
				.withPropertyValues("elasticache.secure.endpoint=localhost:" + primaryFront.port(),
						"elasticache.secure.reader-endpoint=localhost:" + readerFront.port())
				.run((context) -> {
					assertThat(context).hasNotFailed();
					StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
					writeAndReplicate(template, "iam");
					assertThat(template.opsForValue().get("iam-0")).isEqualTo("value-0");
					assertThat(replica.commandCalls("get")).as("reads on the replica").isEqualTo(1);
					int primaryAccepted = primaryFront.acceptedTokens();
					int readerAccepted = readerFront.acceptedTokens();
					assertThat(primaryAccepted).as("tokens accepted for the primary").isPositive();
					assertThat(readerAccepted).as("tokens accepted for the reader").isPositive();
					context.getBean(ElastiCacheIamCredentialsProvider.class).refreshNow().get();
					await().atMost(AWAIT_LIMIT)
						.until(() -> primaryFront.acceptedTokens() > primaryAccepted
								&& readerFront.acceptedTokens() > readerAccepted);
					assertThat(template.opsForValue().get("iam-1")).isEqualTo("value-1");
					assertThat(health(context).getStatus()).isEqualTo(Status.UP);
					assertThat(primaryFront.refusedTokens() + readerFront.refusedTokens()).as("tokens refused")
						.isZero();
				});
		}
	}

	@Test
	void aReaderWhoseCertificateComesFromAnotherCaIsRefusedAndNamed() {
		try (RedisServerProcess untrusted = replicaOf(primary, TestPki.get().untrustedLocalhost())) {
			assertRefused(untrusted.port(), TlsProbeOutcome.UNTRUSTED_CERTIFICATE);
		}
	}

	@Test
	void aReaderWithAnotherHostNameIsRefusedAndNamed() {
		try (RedisServerProcess wrongHost = replicaOf(primary, TestPki.get().wrongHost())) {
			assertRefused(wrongHost.port(), TlsProbeOutcome.HOST_NAME_MISMATCH);
		}
	}

	@Test
	void aPlaintextReaderIsRefusedAndNamedAndNeverSentThePassword() {
		try (RedisServerProcess plaintext = RedisServerProcess.plaintext()
			.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD)
			.start(); RecordingTcpRelay relay = RecordingTcpRelay.to(plaintext.port())) {
			withReader(relay.port()).run((context) -> {
				EndpointVerificationException failure = StartupFailures.find(context,
						EndpointVerificationException.class);
				assertThat(failure.getResult().endpoint()).isEqualTo("localhost:" + relay.port());
				assertThat(failure.getResult().isSecure()).isFalse();
				assertThat(failure).hasMessageContaining("localhost:" + relay.port());
			});
			relay.close();
			assertThat(relay.clientSent(RedisTestContexts.PASSWORD)).as("the password was sent in clear").isFalse();
		}
	}

	@Test
	void aUserWhoMayNotRunRoleStopsTheStartNamingTheCommandToGrant() {
		// Lettuce asks each endpoint for its ROLE to tell the primary from the replica:
		// without it nothing connects.
		for (RedisServerProcess node : List.of(primary, replica)) {
			node.adminCommand("ACL", "SETUSER", "no-role", "reset", "on", ">" + RedisTestContexts.PASSWORD, "~*", "&*",
					"+@all", "-role");
		}
		withReader(replica, "elasticache.secure.auth.username=no-role").run((context) -> {
			MissingPermissionException failure = StartupFailures.find(context, MissingPermissionException.class);
			assertThat(failure.getCommand()).isEqualTo("role");
			assertThat(failure.getUsername()).isEqualTo("no-role");
			assertThat(failure).hasMessageContaining("may not run 'role'")
				.hasMessageContaining("NOPERM")
				.hasMessageNotContaining(RedisTestContexts.PASSWORD);
		});
	}

	private static void assertRefused(int readerPort, TlsProbeOutcome outcome) {
		withReader(readerPort).run((context) -> {
			EndpointVerificationException failure = StartupFailures.find(context, EndpointVerificationException.class);
			assertThat(failure.getResult().endpoint()).isEqualTo("localhost:" + readerPort);
			assertThat(failure.getResult().outcome()).isEqualTo(outcome);
			assertThat(failure).hasMessageContaining("localhost:" + readerPort)
				.hasMessageNotContaining(RedisTestContexts.PASSWORD);
		});
	}

	/**
	 * Writes the keys through the application and waits until every replica acknowledged
	 * them ({@code WAIT}, which the command statistics count apart from reads and
	 * writes).
	 */
	private static void writeAndReplicate(StringRedisTemplate template, String prefix) {
		for (int i = 0; i < KEYS; i++) {
			template.opsForValue().set(prefix + "-" + i, "value-" + i);
		}
		// every replica, including one a test just started: WAIT 1 could be satisfied by
		// the class's replica alone
		String replicas = primary.adminCommand("INFO", "replication")
			.lines()
			.filter((line) -> line.startsWith("connected_slaves:"))
			.map((line) -> line.substring("connected_slaves:".length()).strip())
			.findFirst()
			.orElseThrow();
		assertThat(primary.adminCommand("WAIT", replicas, "10000")).as("replicas that acknowledged")
			.isEqualTo(replicas);
	}

	private static Health health(org.springframework.context.ApplicationContext context) {
		return context.getBean(ElastiCacheHealthCheck.class).check().block(AWAIT_LIMIT);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> node(Health health, String name) {
		return ((Map<String, Map<String, Object>>) health.getDetails().get("nodes")).get(name);
	}

	/**
	 * A replica that announces itself to its primary at a port nothing listens on, as
	 * ElastiCache replicas announce VPC-internal addresses: a client that discovered
	 * replicas from the primary's {@code INFO replication} instead of using the reader
	 * endpoint could not read from it.
	 */
	private static RedisServerProcess replicaOf(RedisServerProcess master, ServerCertificate certificate) {
		return RedisServerProcess.tls()
			.extraArgs("--replica-announce-port", String.valueOf(FreePorts.unusedLoopbackPort()))
			.serverCertificate(certificate)
			.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD)
			.replicaOf(master)
			.start();
	}

	private static ApplicationContextRunner withReader(RedisServerProcess reader, String... properties) {
		return withReader(reader.port(), properties);
	}

	private static ApplicationContextRunner withReader(int readerPort, String... properties) {
		return RedisTestContexts.runner()
			.withPropertyValues("elasticache.secure.endpoint=localhost:" + primary.port(),
					"elasticache.secure.reader-endpoint=localhost:" + readerPort, "elasticache.secure.tls.bundle=test",
					"elasticache.secure.auth.username=" + RedisTestContexts.USER,
					"elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD)
			.withPropertyValues(properties);
	}

}
