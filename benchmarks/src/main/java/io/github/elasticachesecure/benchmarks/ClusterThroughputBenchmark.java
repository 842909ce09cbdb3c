package io.github.elasticachesecure.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.elasticachesecure.benchmarks.ThroughputBenchmark.Side;
import io.github.elasticachesecure.testkit.RedisClusterProcess;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Section 1 for cluster mode: GET/SET with 1 KiB values over a three-master TLS cluster,
 * through the cluster connection Boot builds from the starter's configuration
 * ({@code elasticache.secure.topology=cluster}, A) against a Lettuce
 * {@link RedisClusterClient} built by hand with the same TLS and AUTH (B). Both use the
 * same Lettuce API on one cluster connection each.
 */
final class ClusterThroughputBenchmark {

	private static final int MASTERS = 3;

	private final Fixtures fixtures;

	private final Settings settings;

	private final Report report;

	ClusterThroughputBenchmark(Fixtures fixtures, Settings settings, Report report) {
		this.fixtures = fixtures;
		this.settings = settings;
		this.report = report;
	}

	void run() throws Exception {
		try (RedisClusterProcess cluster = RedisClusterProcess.tls()
			.masters(MASTERS)
			.aclUser(Fixtures.USER, Fixtures.PASSWORD)
			.start(); ConfigurableApplicationContext context = this.fixtures.startCluster(cluster)) {
			RedisClusterClient starterClient = (RedisClusterClient) context.getBean(LettuceConnectionFactory.class)
				.getRequiredNativeClient();
			RedisClusterClient handBuiltClient = this.fixtures.handBuiltClusterClient(cluster);
			try (StatefulRedisClusterConnection<String, String> starter = starterClient.connect();
					StatefulRedisClusterConnection<String, String> handBuilt = handBuiltClient.connect()) {
				ThroughputBenchmark.fill(starter.sync());
				List<List<String>> rows = new ArrayList<>();
				rows.add(compare("sync, 1 thread", ThroughputBenchmark.sync(starter.sync(), 1),
						ThroughputBenchmark.sync(handBuilt.sync(), 1)));
				rows.add(compare("sync, 16 threads (shared connection)", ThroughputBenchmark.sync(starter.sync(), 16),
						ThroughputBenchmark.sync(handBuilt.sync(), 16)));
				rows.add(compare("async, " + ThroughputBenchmark.BATCH + " in flight (1 thread)",
						ThroughputBenchmark.async(starter.async()), ThroughputBenchmark.async(handBuilt.async())));
				List<String> sizes = cluster.adminCommandOnAllNodes("DBSIZE");
				this.report.section("1c. Cluster mode: command throughput and latency (GET/SET alternating, 1 KiB "
						+ "values, TLS, " + MASTERS + " masters)");
				this.report.line("A = the cluster connection Boot's Lettuce factory builds from the starter's "
						+ "configuration (`elasticache.secure.topology=cluster`, the endpoint one node as a configuration "
						+ "endpoint, FULL verification; `getRequiredNativeClient().connect()` on the `RedisClusterClient`); "
						+ "B = a Lettuce `RedisClusterClient` built by hand with the same seed node, TLS (JDK provider, CA "
						+ "trust, FULL verification) and AUTH, default cluster options. The same 1,024 keys as section 1, "
						+ "spread over the slots of every master (keys per node: " + String.join(", ", sizes) + "). "
						+ this.settings.throughputRounds + " rounds of " + this.settings.segmentSeconds
						+ " s per side, A and B alternating which goes first (a GC between segments), after a warm-up "
						+ "round. Ratios are per round, then median [min–max] over rounds. Latency is per command (per "
						+ "batch of " + ThroughputBenchmark.BATCH + " for async). Client options: A "
						+ describe(starterClient) + "; B " + describe(handBuiltClient) + ".");
				this.report.line("");
				this.report.table(List.of("scenario", "A ops/s", "B ops/s", "A/B throughput (target ≥ 0.97)",
						"A p99 µs", "B p99 µs", "A/B p99 (info)", "verdict (A/B throughput)"), rows);
			}
			finally {
				handBuiltClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	private List<String> compare(String name, Side a, Side b) throws Exception {
		return ThroughputBenchmark.compareTwo("cluster throughput", name, a, b, this.settings, this.report);
	}

	private static String describe(RedisClusterClient client) {
		ClusterClientOptions options = (ClusterClientOptions) client.getOptions();
		ClusterTopologyRefreshOptions refresh = options.getTopologyRefreshOptions();
		return "command timeouts " + (options.getTimeoutOptions().isTimeoutCommands() ? "on" : "off")
				+ ", periodic topology refresh "
				+ (refresh.isPeriodicRefreshEnabled() ? "every " + refresh.getRefreshPeriod().toSeconds() + " s"
						: "off")
				+ ", adaptive refresh triggers " + (refresh.getAdaptiveRefreshTriggers().isEmpty() ? "none"
						: refresh.getAdaptiveRefreshTriggers().toString());
	}

}
