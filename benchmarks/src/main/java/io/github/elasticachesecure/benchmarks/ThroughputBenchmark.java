package io.github.elasticachesecure.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ValueOperations;

/**
 * GET/SET with 1 KiB values: the connection Boot builds from the starter's configuration against a Lettuce client
 * configured by hand with the same TLS and AUTH. Both sides use the same Lettuce API on one shared connection each, so
 * the ratio shows what the starter's configuration costs, not what Spring Data Redis' template costs (reported
 * separately, for information).
 */
final class ThroughputBenchmark {

	private static final int KEYS = 1024;

	private static final int BATCH = 64;

	private static final String VALUE = "v".repeat(1024);

	private static final String[] KEY_NAMES = new String[KEYS];

	static {
		for (int i = 0; i < KEYS; i++) {
			KEY_NAMES[i] = "bench:key:" + i;
		}
	}

	private final Fixtures fixtures;

	private final Settings settings;

	private final Report report;

	ThroughputBenchmark(Fixtures fixtures, Settings settings, Report report) {
		this.fixtures = fixtures;
		this.settings = settings;
		this.report = report;
	}

	/** One side of a comparison: runs for the given time and returns what it measured. */
	interface Side {

		Segment run(long nanos) throws Exception;

	}

	/** Throughput in operations per second and latency samples in nanoseconds. */
	record Segment(double opsPerSecond, Stats.Samples latencies) {

	}

	void run() throws Exception {
		try (ConfigurableApplicationContext context = this.fixtures.start(Fixtures.App.STARTER_PASSWORD)) {
			var handBuiltClient = this.fixtures.handBuiltPasswordClient();
			try (StatefulRedisConnection<String, String> starter = Fixtures.nativeClient(context).connect();
					StatefulRedisConnection<String, String> handBuilt = handBuiltClient.connect()) {
				for (String key : KEY_NAMES) {
					starter.sync().set(key, VALUE);
				}
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				List<List<String>> rows = new ArrayList<>();
				rows.add(compare("sync, 1 thread", sync(starter, 1), sync(handBuilt, 1), true));
				rows.add(compare("sync, 16 threads (shared connection)", sync(starter, 16), sync(handBuilt, 16), true));
				rows.add(compare("async, " + BATCH + " in flight (1 thread)", async(starter), async(handBuilt), true));
				rows.add(compare("StringRedisTemplate over the starter's factory vs hand-built sync, 1 thread (info)",
						template(template), sync(handBuilt, 1), false));
				this.report.section("1. Command throughput and latency (GET/SET alternating, 1 KiB values, TLS)");
				this.report.line("A = the connection Boot's Lettuce factory builds from the starter's configuration "
						+ "(`LettuceConnectionFactory.getRequiredNativeClient().connect()`), B = a Lettuce `RedisClient` "
						+ "built by hand with the same TLS (JDK provider, CA trust, FULL verification) and AUTH. "
						+ this.settings.throughputRounds + " rounds of " + this.settings.segmentSeconds
						+ " s per side, A and B alternated (ABBA order), after a warm-up round. Ratios are per round, "
						+ "then median [min–max] over rounds. Latency is per command (per batch of " + BATCH
						+ " for async).");
				this.report.line("");
				this.report.table(List.of("scenario", "A ops/s", "B ops/s", "A/B throughput (target ≥ 0.97)",
						"A p99 µs", "B p99 µs", "A/B p99 (target ≤ 1.05)", "verdict"), rows);
			}
			finally {
				handBuiltClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	private List<String> compare(String name, Side a, Side b, boolean target) throws Exception {
		long nanos = (long) (this.settings.segmentSeconds * 1e9);
		System.out.println("throughput: " + name + " (warm-up)");
		a.run(nanos);
		b.run(nanos);
		List<Double> opsA = new ArrayList<>();
		List<Double> opsB = new ArrayList<>();
		List<Double> p99A = new ArrayList<>();
		List<Double> p99B = new ArrayList<>();
		List<Double> throughputRatio = new ArrayList<>();
		List<Double> p99Ratio = new ArrayList<>();
		for (int round = 0; round < this.settings.throughputRounds; round++) {
			boolean aFirst = (round % 4 == 0) || (round % 4 == 3);
			Segment first = (aFirst ? a : b).run(nanos);
			Segment second = (aFirst ? b : a).run(nanos);
			Segment sa = aFirst ? first : second;
			Segment sb = aFirst ? second : first;
			double pa = sa.latencies().percentile(99) / 1000.0;
			double pb = sb.latencies().percentile(99) / 1000.0;
			opsA.add(sa.opsPerSecond());
			opsB.add(sb.opsPerSecond());
			p99A.add(pa);
			p99B.add(pb);
			throughputRatio.add(sa.opsPerSecond() / sb.opsPerSecond());
			p99Ratio.add(pa / pb);
			System.out.printf("throughput: %s round %d: A %.0f ops/s p99 %.0f µs, B %.0f ops/s p99 %.0f µs%n", name,
					round + 1, sa.opsPerSecond(), pa, sb.opsPerSecond(), pb);
		}
		String verdict;
		if (target) {
			boolean throughputMet = Stats.median(throughputRatio) >= 0.97;
			boolean latencyMet = Stats.median(p99Ratio) <= 1.05;
			verdict = this.report.verdict(throughputMet, "throughput " + name) + " / "
					+ this.report.verdict(latencyMet, "p99 latency " + name);
		}
		else {
			verdict = "info (no target)";
		}
		return List.of(name, Stats.fmt("%.0f", Stats.median(opsA)), Stats.fmt("%.0f", Stats.median(opsB)),
				Stats.spread(throughputRatio, "%.3f"), Stats.fmt("%.0f", Stats.median(p99A)),
				Stats.fmt("%.0f", Stats.median(p99B)), Stats.spread(p99Ratio, "%.3f"), verdict);
	}

	private static Side sync(StatefulRedisConnection<String, String> connection, int threads) {
		return (nanos) -> {
			CountDownLatch start = new CountDownLatch(1);
			List<Thread> workers = new ArrayList<>();
			Stats.Samples[] samples = new Stats.Samples[threads];
			long[] counts = new long[threads];
			Throwable[] failure = new Throwable[1];
			long[] window = new long[2];
			for (int t = 0; t < threads; t++) {
				int index = t;
				samples[t] = new Stats.Samples();
				Thread worker = new Thread(() -> {
					RedisCommands<String, String> commands = connection.sync();
					try {
						start.await();
						long end = window[0] + nanos;
						int i = index * 97;
						long now = System.nanoTime();
						while (now < end) {
							String key = KEY_NAMES[(i >> 1) & (KEYS - 1)];
							if ((i & 1) == 0) {
								commands.set(key, VALUE);
							}
							else {
								commands.get(key);
							}
							long done = System.nanoTime();
							samples[index].add(done - now);
							now = done;
							i++;
							counts[index]++;
						}
					}
					catch (Throwable ex) {
						failure[0] = ex;
					}
				}, "bench-sync-" + t);
				workers.add(worker);
				worker.start();
			}
			window[0] = System.nanoTime();
			start.countDown();
			for (Thread worker : workers) {
				worker.join();
			}
			window[1] = System.nanoTime();
			if (failure[0] != null) {
				throw new IllegalStateException("Benchmark command failed", failure[0]);
			}
			Stats.Samples all = new Stats.Samples();
			long total = 0;
			for (int t = 0; t < threads; t++) {
				all.addAll(samples[t]);
				total += counts[t];
			}
			return new Segment(total / ((window[1] - window[0]) / 1e9), all);
		};
	}

	private static Side async(StatefulRedisConnection<String, String> connection) {
		return (nanos) -> {
			RedisAsyncCommands<String, String> commands = connection.async();
			Stats.Samples samples = new Stats.Samples();
			List<RedisFuture<String>> futures = new ArrayList<>(BATCH);
			long start = System.nanoTime();
			long end = start + nanos;
			long now = start;
			long ops = 0;
			int i = 0;
			while (now < end) {
				futures.clear();
				for (int n = 0; n < BATCH; n++, i++) {
					String key = KEY_NAMES[(i >> 1) & (KEYS - 1)];
					futures.add(((i & 1) == 0) ? commands.set(key, VALUE) : commands.get(key));
				}
				if (!LettuceFutures.awaitAll(10, TimeUnit.SECONDS, futures.toArray(new RedisFuture[0]))) {
					throw new IllegalStateException("Batch timed out");
				}
				long done = System.nanoTime();
				samples.add(done - now);
				now = done;
				ops += BATCH;
			}
			return new Segment(ops / ((now - start) / 1e9), samples);
		};
	}

	private static Side template(StringRedisTemplate template) {
		ValueOperations<String, String> values = template.opsForValue();
		return (nanos) -> {
			Stats.Samples samples = new Stats.Samples();
			long start = System.nanoTime();
			long end = start + nanos;
			long now = start;
			long ops = 0;
			int i = 0;
			while (now < end) {
				String key = KEY_NAMES[(i >> 1) & (KEYS - 1)];
				if ((i & 1) == 0) {
					values.set(key, VALUE);
				}
				else {
					values.get(key);
				}
				long done = System.nanoTime();
				samples.add(done - now);
				now = done;
				i++;
				ops++;
			}
			return new Segment(ops / ((now - start) / 1e9), samples);
		};
	}

}
