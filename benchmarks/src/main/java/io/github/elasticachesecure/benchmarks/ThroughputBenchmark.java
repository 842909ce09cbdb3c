package io.github.elasticachesecure.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisStringAsyncCommands;
import io.lettuce.core.api.sync.RedisStringCommands;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ValueOperations;

/**
 * GET/SET with 1 KiB values: the connection Boot builds from the starter's configuration
 * (A) against a Lettuce client configured by hand with the same TLS and AUTH (B) and
 * Boot's plain Redis support with TLS (C). All use the same Lettuce API on one shared
 * connection each, so the ratios show what the configuration costs, not what Spring Data
 * Redis' template costs (reported separately, for information).
 */
final class ThroughputBenchmark {

	private static final int KEYS = 1024;

	static final int BATCH = 64;

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
		try (ConfigurableApplicationContext context = this.fixtures.start(Fixtures.App.STARTER_PASSWORD);
				ConfigurableApplicationContext boot = this.fixtures.start(Fixtures.App.BOOT_PLAIN_TLS)) {
			var handBuiltClient = this.fixtures.handBuiltPasswordClient();
			var starterClient = Fixtures.nativeClient(context);
			var bootClient = Fixtures.nativeClient(boot);
			try (StatefulRedisConnection<String, String> starter = starterClient.connect();
					StatefulRedisConnection<String, String> handBuilt = handBuiltClient.connect();
					StatefulRedisConnection<String, String> plain = bootClient.connect()) {
				fill(starter.sync());
				StringRedisTemplate starterTemplate = context.getBean(StringRedisTemplate.class);
				StringRedisTemplate bootTemplate = boot.getBean(StringRedisTemplate.class);
				List<List<String>> rows = new ArrayList<>();
				rows.add(compare("sync, 1 thread", sync(starter.sync(), 1), sync(handBuilt.sync(), 1),
						sync(plain.sync(), 1), true));
				rows.add(compare("sync, 16 threads (shared connection)", sync(starter.sync(), 16),
						sync(handBuilt.sync(), 16), sync(plain.sync(), 16), true));
				rows.add(compare("async, " + BATCH + " in flight (1 thread)", async(starter.async()),
						async(handBuilt.async()), async(plain.async()), true));
				rows.add(compare("`StringRedisTemplate`, 1 thread (B: raw Lettuce sync) (info)",
						template(starterTemplate), sync(handBuilt.sync(), 1), template(bootTemplate), false));
				this.report.section("1. Command throughput and latency (GET/SET alternating, 1 KiB values, TLS)");
				this.report.line("A = the connection Boot's Lettuce factory builds from the starter's configuration "
						+ "(`LettuceConnectionFactory.getRequiredNativeClient().connect()`); B = a Lettuce `RedisClient` "
						+ "built by hand with the same TLS (JDK provider, CA trust, FULL verification) and AUTH, default "
						+ "client options; C = the same as A from Boot's plain Redis auto-configuration with "
						+ "`spring.data.redis.ssl` (no starter). All three use the same Lettuce API. "
						+ this.settings.throughputRounds + " rounds of " + this.settings.segmentSeconds
						+ " s per side, A, B and C in rotating order (a GC between segments), after a warm-up round. Ratios are per round, "
						+ "then median [min–max] over rounds. Latency is per command (per batch of " + BATCH
						+ " for async). Client options: A " + describe(starterClient) + "; B "
						+ describe(handBuiltClient) + "; C " + describe(bootClient) + ".");
				this.report.line("");
				this.report.table(List.of("scenario", "A ops/s", "B ops/s", "C ops/s", "A/B throughput (target ≥ 0.97)",
						"A/C throughput", "A p99 µs", "B p99 µs", "C p99 µs", "A/B p99 (target ≤ 1.05)", "A/C p99",
						"verdict (A/B)"), rows);
			}
			finally {
				handBuiltClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	/**
	 * Collect the previous segment's garbage (latency samples) before the next one
	 * starts, so that one side's allocations are not paid by the other.
	 */
	static void settle() {
		System.gc();
		try {
			Thread.sleep(50);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Fill the keys the benchmark reads, so that every GET finds a value. */
	static void fill(RedisStringCommands<String, String> commands) {
		for (String key : KEY_NAMES) {
			commands.set(key, VALUE);
		}
	}

	private static String describe(RedisClient client) {
		ClientOptions options = client.getOptions();
		return "command timeouts " + (options.getTimeoutOptions().isTimeoutCommands() ? "on" : "off")
				+ ", auto-reconnect " + (options.isAutoReconnect() ? "on" : "off") + ", protocol "
				+ ((options.getConfiguredProtocolVersion() != null) ? options.getConfiguredProtocolVersion() : "auto");
	}

	private List<String> compare(String name, Side a, Side b, Side c, boolean target) throws Exception {
		Rounds rounds = Rounds.measure("throughput", name, List.of(a, b, c), this.settings);
		List<List<Double>> ops = rounds.ops();
		List<List<Double>> p99 = rounds.p99();
		List<Double> throughputAB = Stats.ratios(ops.get(0), ops.get(1));
		List<Double> throughputAC = Stats.ratios(ops.get(0), ops.get(2));
		List<Double> p99AB = Stats.ratios(p99.get(0), p99.get(1));
		List<Double> p99AC = Stats.ratios(p99.get(0), p99.get(2));
		String verdict;
		if (target) {
			verdict = this.report.verdict(Stats.median(throughputAB) >= 0.97, "throughput A/B " + name) + " / "
					+ this.report.verdict(Stats.median(p99AB) <= 1.05, "p99 latency A/B " + name);
		}
		else {
			verdict = "info (no target)";
		}
		return List.of(name, Stats.fmt("%.0f", Stats.median(ops.get(0))), Stats.fmt("%.0f", Stats.median(ops.get(1))),
				Stats.fmt("%.0f", Stats.median(ops.get(2))), Stats.spread(throughputAB, "%.3f"),
				Stats.spread(throughputAC, "%.3f"), Stats.fmt("%.0f", Stats.median(p99.get(0))),
				Stats.fmt("%.0f", Stats.median(p99.get(1))), Stats.fmt("%.0f", Stats.median(p99.get(2))),
				Stats.spread(p99AB, "%.3f"), Stats.spread(p99AC, "%.3f"), verdict);
	}

	/**
	 * Two sides, alternating which goes first, after a warm-up: the row of a two-column
	 * table (A and B ops/s, A/B throughput against the 0.97 target, p99 of each and their
	 * ratio for information).
	 * @param label what the console lines and the verdict call the comparison
	 */
	static List<String> compareTwo(String label, String name, Side a, Side b, Settings settings, Report report)
			throws Exception {
		Rounds rounds = Rounds.measure(label, name, List.of(a, b), settings);
		List<List<Double>> ops = rounds.ops();
		List<List<Double>> p99 = rounds.p99();
		List<Double> throughput = Stats.ratios(ops.get(0), ops.get(1));
		List<Double> latency = Stats.ratios(p99.get(0), p99.get(1));
		String verdict = report.verdict(Stats.median(throughput) >= 0.97, label + " A/B " + name);
		return List.of(name, Stats.fmt("%.0f", Stats.median(ops.get(0))), Stats.fmt("%.0f", Stats.median(ops.get(1))),
				Stats.spread(throughput, "%.3f"), Stats.fmt("%.0f", Stats.median(p99.get(0))),
				Stats.fmt("%.0f", Stats.median(p99.get(1))), Stats.spread(latency, "%.3f"), verdict);
	}

	/**
	 * Throughput and p99 latency (µs) of each side, one value per round, in the order of
	 * the sides.
	 */
	record Rounds(List<List<Double>> ops, List<List<Double>> p99) {

		/**
		 * Run every side once to warm up, then the rounds, each side once per round in
		 * rotating order with a GC before each segment, printing each round.
		 */
		static Rounds measure(String label, String name, List<Side> sides, Settings settings) throws Exception {
			long nanos = (long) (settings.segmentSeconds * 1e9);
			System.out.println(label + ": " + name + " (warm-up)");
			for (Side side : sides) {
				side.run(nanos);
			}
			List<List<Double>> ops = new ArrayList<>();
			List<List<Double>> p99 = new ArrayList<>();
			for (int i = 0; i < sides.size(); i++) {
				ops.add(new ArrayList<>());
				p99.add(new ArrayList<>());
			}
			for (int round = 0; round < settings.throughputRounds; round++) {
				StringBuilder line = new StringBuilder(label + ": " + name + " round " + (round + 1) + ":");
				for (int k = 0; k < sides.size(); k++) {
					int index = (round + k) % sides.size();
					settle();
					Segment segment = sides.get(index).run(nanos);
					ops.get(index).add(segment.opsPerSecond());
					p99.get(index).add(segment.latencies().percentile(99) / 1000.0);
				}
				for (int i = 0; i < sides.size(); i++) {
					line.append(String.format(" %c %.0f ops/s p99 %.0f µs", (char) ('A' + i), ops.get(i).get(round),
							p99.get(i).get(round)));
				}
				System.out.println(line);
			}
			return new Rounds(ops, p99);
		}

	}

	/**
	 * GET/SET alternating from the given number of threads sharing one connection's
	 * commands.
	 */
	static Side sync(RedisStringCommands<String, String> commands, int threads) {
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

	/**
	 * GET/SET alternating in batches of {@value #BATCH} commands in flight from one
	 * thread.
	 */
	static Side async(RedisStringAsyncCommands<String, String> commands) {
		return (nanos) -> {
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
