package io.github.elasticachesecure.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.elasticachesecure.tls.TlsSessionPolicy;
import io.github.elasticachesecure.tls.WireCheck;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;

/**
 * What the wire check costs on its own: the same hand-built Lettuce client (JDK engine,
 * the test CA, FULL verification, AUTH) on the same client resources, once with the
 * starter's wire check in every channel (A) and once without (B). Nothing else differs,
 * so the ratio is the check's per-write and per-read cost.
 */
final class WireCheckBenchmark {

	private final Fixtures fixtures;

	private final Settings settings;

	private final Report report;

	WireCheckBenchmark(Fixtures fixtures, Settings settings, Report report) {
		this.fixtures = fixtures;
		this.settings = settings;
		this.report = report;
	}

	void run() throws Exception {
		WireCheck wireCheck = new WireCheck(new TlsSessionPolicy("TLSv1.2", SslVerifyMode.FULL), Clock.systemUTC());
		ClientResources checkedResources = wireCheck.guard(this.fixtures.handBuiltResources());
		RedisClient checkedClient = this.fixtures.handBuiltPasswordClient(checkedResources);
		RedisClient plainClient = this.fixtures.handBuiltPasswordClient();
		try (StatefulRedisConnection<String, String> checked = checkedClient.connect();
				StatefulRedisConnection<String, String> plain = plainClient.connect()) {
			ThroughputBenchmark.fill(plain.sync());
			List<List<String>> rows = new ArrayList<>();
			rows.add(compare("sync, 1 thread", ThroughputBenchmark.sync(checked.sync(), 1),
					ThroughputBenchmark.sync(plain.sync(), 1)));
			rows.add(compare("sync, 16 threads (shared connection)", ThroughputBenchmark.sync(checked.sync(), 16),
					ThroughputBenchmark.sync(plain.sync(), 16)));
			rows.add(compare("async, " + ThroughputBenchmark.BATCH + " in flight (1 thread)",
					ThroughputBenchmark.async(checked.async()), ThroughputBenchmark.async(plain.async())));
			this.report.section("1e. The wire check alone (GET/SET alternating, 1 KiB values, TLS)");
			this.report
				.line("A = a Lettuce `RedisClient` built by hand (JDK provider, CA trust, FULL verification, AUTH) "
						+ "on client resources guarded by the starter's `WireCheck`, so its channel holds the session "
						+ "check behind the TLS handler; B = the same client on the same resources without it. "
						+ this.settings.throughputRounds + " rounds of " + this.settings.segmentSeconds
						+ " s per side, A and B alternating which goes first (a GC between segments), after a warm-up "
						+ "round. Ratios are per round, then median [min–max] over rounds.");
			this.report.line("");
			this.report.table(List.of("scenario", "A ops/s", "B ops/s", "A/B throughput (target ≥ 0.97)", "A p99 µs",
					"B p99 µs", "A/B p99 (info)", "verdict (A/B throughput)"), rows);
		}
		finally {
			checkedClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			plainClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			// the copy shares everything with the fixtures' resources, which the fixtures
			// shut down
			checkedResources.shutdown(0, 0, TimeUnit.MILLISECONDS);
		}
	}

	private List<String> compare(String name, ThroughputBenchmark.Side a, ThroughputBenchmark.Side b) throws Exception {
		return ThroughputBenchmark.compareTwo("wire check", name, a, b, this.settings, this.report);
	}

}
