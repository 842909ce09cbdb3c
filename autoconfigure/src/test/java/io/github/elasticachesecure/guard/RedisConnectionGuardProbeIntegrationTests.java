package io.github.elasticachesecure.guard;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.TrustManagerFactory;

import io.github.elasticachesecure.testkit.RedisClusterProcess;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.SilentTcpServer;
import io.github.elasticachesecure.testsupport.Threads;
import io.github.elasticachesecure.tls.TlsEndpointProbe;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import io.github.elasticachesecure.tls.TlsProbeResult;
import io.github.elasticachesecure.tls.TlsSessionPolicy;
import io.github.elasticachesecure.tls.WireCheck;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisStaticMasterReplicaConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard probes the nodes of a topology together, not one after the other, and still
 * reports them in their order. Overlap is shown by connections, not by time: every node
 * of a replication group is silent, so a probe holds its connection until the node closes
 * it, and all of them must be connected at once.
 */
class RedisConnectionGuardProbeIntegrationTests {

	private static final Duration LIMIT = Duration.ofSeconds(30);

	private static final String USER = "app";

	private static final String PASSWORD = "guard-probe-secret";

	private static final WireCheck WIRE_CHECK = new WireCheck(new TlsSessionPolicy("TLSv1.2", SslVerifyMode.FULL),
			Clock.systemUTC());

	private static final ClientResources RESOURCES = ClientResources.create();

	@AfterAll
	static void shutDownResources() {
		RESOURCES.shutdown(0, 2, TimeUnit.SECONDS);
	}

	@Test
	void nodesOfAReplicationGroupAreProbedTogetherAndTheFirstFailingNodeIsReported() throws Exception {
		List<SilentTcpServer> nodes = List.of(SilentTcpServer.start(), SilentTcpServer.start(),
				SilentTcpServer.start());
		try {
			RedisStaticMasterReplicaConfiguration group = new RedisStaticMasterReplicaConfiguration("localhost",
					nodes.get(0).port());
			group.addNode("localhost", nodes.get(1).port());
			group.addNode("localhost", nodes.get(2).port());
			// the probe's own timeout is far away: only closing a node ends its probe
			RedisConnectionGuard guard = new RedisConnectionGuard(SslVerifyMode.FULL, true,
					new TlsEndpointProbe(Duration.ofMinutes(2)), WIRE_CHECK);
			CompletableFuture<List<TlsProbeResult>> check = CompletableFuture
				.supplyAsync(() -> guard.checkTls("replicationGroup", factory(group)));
			awaitEachConnected(nodes);
			// the last node lets go first: the report still names the first one
			for (int i = nodes.size() - 1; i >= 0; i--) {
				nodes.get(i).close();
			}
			assertThat(check).failsWithin(LIMIT)
				.withThrowableOfType(Exception.class)
				.havingRootCause()
				.isInstanceOfSatisfying(EndpointVerificationException.class, (failure) -> {
					assertThat(failure.getResult().endpoint()).isEqualTo("localhost:" + nodes.get(0).port());
					assertThat(failure.getResult().outcome()).isEqualTo(TlsProbeOutcome.NOT_TLS);
				});
			Threads.awaitNoneNamed(NodeProbes.THREAD_NAME_PREFIX);
		}
		finally {
			nodes.forEach(SilentTcpServer::close);
		}
	}

	@Test
	void nodesOfAClusterAllPassInTheirOrderAndNoProbeThreadIsLeft() throws Exception {
		try (RedisClusterProcess cluster = RedisClusterProcess.tls().masters(3).aclUser(USER, PASSWORD).start()) {
			RedisClusterConfiguration seeds = new RedisClusterConfiguration(
					cluster.ports().stream().map((port) -> "localhost:" + port).toList());
			seeds.setUsername(USER);
			seeds.setPassword(PASSWORD);
			RedisConnectionGuard guard = new RedisConnectionGuard(SslVerifyMode.FULL, true,
					new TlsEndpointProbe(Duration.ofSeconds(10)), WIRE_CHECK);
			LettuceConnectionFactory factory = factory(seeds, cluster.sslOptions());
			List<TlsProbeResult> results = guard.checkTls("cluster", factory);
			assertThat(results).extracting(TlsProbeResult::endpoint)
				.containsExactlyElementsOf(
						ConnectionFactoryNodes.of(factory).stream().map(RedisNode::asString).toList());
			assertThat(results).allSatisfy((result) -> assertThat(result.isSecure()).isTrue());
			Threads.awaitNoneNamed(NodeProbes.THREAD_NAME_PREFIX);
		}
	}

	private static void awaitEachConnected(List<SilentTcpServer> nodes) throws InterruptedException {
		long deadline = System.nanoTime() + LIMIT.toNanos();
		while (nodes.stream().anyMatch((node) -> node.acceptedConnections() == 0) && System.nanoTime() < deadline) {
			TimeUnit.MILLISECONDS.sleep(20);
		}
		assertThat(nodes).as("nodes holding a probe connection at the same time")
			.allSatisfy((node) -> assertThat(node.acceptedConnections()).isEqualTo(1));
	}

	private static LettuceConnectionFactory factory(RedisConfiguration configuration) {
		try {
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(TestPki.get().trustedCa().trustStore());
			return factory(configuration, SslOptions.builder().jdkSslProvider().trustManager(trust).build());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static LettuceConnectionFactory factory(RedisConfiguration configuration, SslOptions sslOptions) {
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.useSsl()
			.verifyPeer(SslVerifyMode.FULL)
			.and()
			.clientOptions(ClientOptions.builder().sslOptions(sslOptions).build())
			.clientResources(WIRE_CHECK.guard(RESOURCES))
			.build();
		return new LettuceConnectionFactory(configuration, client);
	}

}
