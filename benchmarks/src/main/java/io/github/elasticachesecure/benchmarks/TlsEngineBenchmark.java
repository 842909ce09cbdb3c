package io.github.elasticachesecure.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.lettuce.core.RedisClient;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.netty.handler.ssl.OpenSsl;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The starter on the JDK's TLS engine against the starter on Netty's OpenSSL (BoringSSL)
 * engine ({@code elasticache.secure.tls.provider}), same server, trust and FULL
 * verification: a connection storm, pipelined throughput and latency, interleaved rounds.
 */
final class TlsEngineBenchmark {

	private static final List<String> ENGINES = List.of("jdk", "openssl");

	private final Fixtures fixtures;

	private final Settings settings;

	private final Report report;

	TlsEngineBenchmark(Fixtures fixtures, Settings settings, Report report) {
		this.fixtures = fixtures;
		this.settings = settings;
		this.report = report;
	}

	void run() throws Exception {
		if (!OpenSsl.isAvailable()) {
			this.report.section("6. TLS engines: JDK and OpenSSL");
			this.report
				.line("Skipped: Netty's OpenSSL engine does not load here (" + OpenSsl.unavailabilityCause() + ").");
			return;
		}
		ExecutorService pool = Executors.newFixedThreadPool(StormBenchmark.CONCURRENCY);
		List<ConfigurableApplicationContext> contexts = new ArrayList<>();
		List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
		try {
			for (String engine : ENGINES) {
				ConfigurableApplicationContext context = this.fixtures.start(Fixtures.App.STARTER_PASSWORD,
						Map.of("elasticache.secure.tls.provider", engine));
				contexts.add(context);
				SslOptions ssl = context.getBean(LettuceConnectionFactory.class)
					.getClientConfiguration()
					.getClientOptions()
					.orElseThrow()
					.getSslOptions();
				if (!ssl.getSslProvider().name().equalsIgnoreCase(engine)) {
					throw new IllegalStateException("tls.provider=" + engine + " runs on " + ssl.getSslProvider());
				}
				connections.add(Fixtures.nativeClient(context).connect());
			}
			ThroughputBenchmark.fill(connections.get(0).sync());
			int sides = ENGINES.size();
			List<List<Double>> stormMs = lists(sides);
			List<List<Double>> asyncOps = lists(sides);
			List<List<Double>> asyncP99 = lists(sides);
			List<List<Double>> syncP99 = lists(sides);
			long nanos = (long) (this.settings.segmentSeconds * 1e9);
			int rounds = this.settings.throughputRounds;
			System.out.println("engines: warm-up");
			for (int round = -1; round < rounds; round++) {
				for (int k = 0; k < sides; k++) {
					int side = (Math.max(round, 0) + k) % sides;
					RedisClient client = Fixtures.nativeClient(contexts.get(side));
					ThroughputBenchmark.settle();
					double storm = storm(client, this.settings.stormConnections, pool);
					ThroughputBenchmark.settle();
					ThroughputBenchmark.Segment async = ThroughputBenchmark.async(connections.get(side).async())
						.run(nanos);
					ThroughputBenchmark.settle();
					ThroughputBenchmark.Segment sync = ThroughputBenchmark.sync(connections.get(side).sync(), 1)
						.run(nanos);
					if (round >= 0) {
						stormMs.get(side).add(storm);
						asyncOps.get(side).add(async.opsPerSecond());
						asyncP99.get(side).add(async.latencies().percentile(99) / 1e3);
						syncP99.get(side).add(sync.latencies().percentile(99) / 1e3);
					}
				}
				if (round >= 0) {
					System.out.printf(
							"engines: round %d: storm jdk %.0f / openssl %.0f ms, async jdk %.0f / openssl %.0f ops/s%n",
							round + 1, stormMs.get(0).get(round), stormMs.get(1).get(round), asyncOps.get(0).get(round),
							asyncOps.get(1).get(round));
				}
			}
			this.report.section("6. TLS engines: JDK and OpenSSL");
			this.report.line("The starter (password AUTH, FULL verification, the same SSL bundle) with "
					+ "`elasticache.secure.tls.provider=jdk` and `=openssl` (Netty's BoringSSL engine, "
					+ "`netty-tcnative-boringssl-static`), against the same server. Each round runs both sides once, in "
					+ "rotating order after a warm-up round, each side doing: a storm (open and authenticate "
					+ this.settings.stormConnections + " connections, " + StormBenchmark.CONCURRENCY
					+ " at a time, then close " + "them), " + this.settings.segmentSeconds
					+ " s of pipelined GET/SET (64 in flight, 1 KiB values; " + "p99 per batch) and "
					+ this.settings.segmentSeconds + " s of one-at-a-time GET/SET (p99 per "
					+ "command), a GC before each. " + rounds + " rounds; ratios OpenSSL / JDK within a round, median "
					+ "[min–max].");
			this.report.line("");
			List<List<String>> rows = new ArrayList<>();
			rows.add(row("storm, ms (lower is better)", stormMs, "%.0f"));
			rows.add(row("pipelined throughput, ops/s (higher is better)", asyncOps, "%.0f"));
			rows.add(row("pipelined p99 per batch of 64, µs", asyncP99, "%.0f"));
			rows.add(row("one at a time p99, µs", syncP99, "%.0f"));
			this.report.table(List.of("measure", "JDK", "OpenSSL", "OpenSSL / JDK"), rows);
		}
		finally {
			pool.shutdownNow();
			for (StatefulRedisConnection<String, String> connection : connections) {
				connection.close();
			}
			for (ConfigurableApplicationContext context : contexts) {
				context.close();
			}
		}
	}

	private static List<String> row(String name, List<List<Double>> values, String format) {
		return List.of(name, Stats.spread(values.get(0), format), Stats.spread(values.get(1), format),
				Stats.spread(Stats.ratios(values.get(1), values.get(0)), "%.3f"));
	}

	private static List<List<Double>> lists(int count) {
		List<List<Double>> lists = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			lists.add(new ArrayList<>());
		}
		return lists;
	}

	/**
	 * Open, time and close {@code count} connections, {@value StormBenchmark#CONCURRENCY}
	 * at a time; in ms.
	 */
	private static double storm(RedisClient client, int count, ExecutorService pool) throws Exception {
		long start = System.nanoTime();
		List<StatefulRedisConnection<String, String>> connections = StormBenchmark.open(client, count, pool);
		double millis = (System.nanoTime() - start) / 1e6;
		StormBenchmark.closeAll(connections);
		return millis;
	}

}
