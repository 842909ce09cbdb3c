package io.github.elasticachesecure.autoconfigure.guard;

import java.time.Duration;

import io.github.elasticachesecure.autoconfigure.RedisTestContexts;
import io.github.elasticachesecure.autoconfigure.StartupFailures;
import io.github.elasticachesecure.autoconfigure.guard.EndpointVerificationFailureAnalyzer;
import io.github.elasticachesecure.guard.EndpointVerificationException;
import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.testkit.RedisClusterProcess;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup guard checks every node of a cluster's topology, at the address the client
 * will use, not only the configured endpoint. Each test starts its own small cluster
 * whose seed passes the check, so that only the nodes it announces can fail. The health
 * of a cluster is checked here too, on a cluster of its own that loses a master.
 */
class ClusterGuardIntegrationTests {

	@Test
	void clusterAnnouncingIpAddressesIsRefusedWithFullVerificationExplainingWhy() {
		try (RedisClusterProcess cluster = RedisClusterProcess.tls()
			// two, so that each node learns its own address from the other
			.masters(2)
			.announceIpAddresses()
			.serverCertificate(TestPki.get().localhostByNameOnly())
			.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD)
			.start()) {
			securedBy(cluster).run((context) -> {
				EndpointVerificationException failure = StartupFailures.find(context,
						EndpointVerificationException.class);
				assertThat(failure.getResult().host()).isEqualTo("127.0.0.1");
				assertThat(cluster.ports()).contains(failure.getResult().port());
				assertThat(failure.getResult().outcome()).isEqualTo(TlsProbeOutcome.HOST_NAME_MISMATCH);
				assertThat(failure.getAnnouncedBy()).contains("localhost:" + cluster.ports().get(0));
				assertThat(failure).hasMessageNotContaining(RedisTestContexts.PASSWORD);
				FailureAnalysis analysis = new EndpointVerificationFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).contains(failure.getResult().endpoint())
					.contains("is an IP address")
					.contains("Certificates name hosts, not IP addresses");
				assertThat(analysis.getAction()).contains("announces host names")
					.contains("cluster-announce-hostname")
					.contains("cluster-preferred-endpoint-type hostname");
			});
		}
	}

	@Test
	void clusterWithOneNodeCertifiedByAnotherCaIsRefusedNamingThatNode() {
		try (RedisClusterProcess cluster = RedisClusterProcess.tls()
			.masters(2)
			.nodeCertificate(1, TestPki.get().untrustedLocalhost())
			// the nodes trust each other on the cluster bus; only the client does not
			// trust the odd one
			.extraArgs("--tls-ca-cert-file", TestPki.get().bothCaCertificatesPem().toString())
			.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD)
			.start()) {
			int oddNode = cluster.ports().get(1);
			securedBy(cluster).run((context) -> {
				EndpointVerificationException failure = StartupFailures.find(context,
						EndpointVerificationException.class);
				assertThat(failure.getResult().endpoint()).isEqualTo("localhost:" + oddNode);
				assertThat(failure.getResult().outcome()).isEqualTo(TlsProbeOutcome.UNTRUSTED_CERTIFICATE);
				assertThat(failure).hasMessageContaining("localhost:" + oddNode)
					.hasMessageContaining("announced by the cluster topology")
					.hasMessageNotContaining(RedisTestContexts.PASSWORD);
				assertThat(new EndpointVerificationFailureAnalyzer().analyze(failure).getDescription())
					.contains("localhost:" + oddNode)
					.contains("Untrusted Test CA");
			});
		}
	}

	@Test
	void clusterWhoseNodesAllPassStartsAndItsHealthNamesALostMaster() {
		try (RedisClusterProcess cluster = RedisClusterProcess.tls()
			.masters(2)
			.nodeTimeout(Duration.ofSeconds(2))
			.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD)
			.start()) {
			securedBy(cluster).run((context) -> {
				assertThat(context).hasNotFailed();
				StartupGuardReport report = context.getBean(StartupGuardReport.class);
				for (int port : cluster.ports()) {
					assertThat(report.resultFor("localhost", port)).isNotNull()
						.satisfies((result) -> assertThat(result.isSecure()).isTrue());
				}
				HealthIndicator health = context.getBean("elasticacheHealthIndicator", HealthIndicator.class);
				assertThat(health.health().getStatus()).isEqualTo(Status.UP);
				int lost = cluster.ports().get(1);
				cluster.nodes().get(1).kill();
				// at once the lost master does not answer; after the node timeout the
				// cluster reports its slots failing
				awaitReason(health, "masters not answering PING within 1000 ms: [localhost:" + lost + "]");
				awaitReason(health, "cluster_state:fail (slots assigned 16384 of 16384, ok 8192");
			});
		}
	}

	private static void awaitReason(HealthIndicator indicator, String expected) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (true) {
			Health health = indicator.health();
			Object reason = health.getDetails().get("reason");
			if (health.getStatus().equals(Status.DOWN) && String.valueOf(reason).contains(expected)) {
				return;
			}
			assertThat(System.nanoTime() - deadline).as("health DOWN with '%s', last %s", expected, reason)
				.isNegative();
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	private static ApplicationContextRunner securedBy(RedisClusterProcess cluster) {
		return RedisTestContexts.runner()
			.withPropertyValues("elasticache.secure.endpoint=" + cluster.host() + ":" + cluster.ports().get(0),
					"elasticache.secure.topology=cluster", "elasticache.secure.tls.bundle=test",
					"elasticache.secure.auth.username=" + RedisTestContexts.USER,
					"elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD);
	}

}
