package io.github.elasticachesecure.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Re-authentication at scale: N live IAM connections of the starter's client under a
 * steady command load; at a token rotation, the AUTH rate the server sees, the command
 * p99 during the rotation against the seconds before, and the time until every connection
 * has re-authenticated.
 */
final class ReauthBenchmark {

	private static final int[] CONNECTIONS = { 100, 500, 1000 };

	// Before and after: every connection at once, and the starter's default spread.
	private static final List<String> SPREADS = List.of("0s", "5s");

	private static final int LOAD_THREADS = 4;

	private static final long STEADY_NANOS = TimeUnit.SECONDS.toNanos(2);

	// The rotation window: from the refresh until every connection re-authenticated, and
	// at least this long, so that its p99 rests on as many commands as a short burst
	// allows.
	private static final long MIN_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private static final long SAMPLE_MILLIS = 50;

	private final Fixtures fixtures;

	private final Settings settings;

	private final Report report;

	ReauthBenchmark(Fixtures fixtures, Settings settings, Report report) {
		this.fixtures = fixtures;
		this.settings = settings;
		this.report = report;
	}

	void run() throws Exception {
		int rotations = this.settings.longRun ? 15 : 5;
		ExecutorService pool = Executors.newFixedThreadPool(StormBenchmark.CONCURRENCY);
		List<List<String>> rows = new ArrayList<>();
		try {
			for (int count : CONNECTIONS) {
				for (String spread : SPREADS) {
					ConfigurableApplicationContext context = this.fixtures.start(Fixtures.App.STARTER_IAM,
							Map.of("elasticache.secure.iam.reauthentication-spread", spread));
					ElastiCacheIamCredentialsProvider provider = context
						.getBean(ElastiCacheIamCredentialsProvider.class);
					List<StatefulRedisConnection<String, String>> connections = StormBenchmark
						.open(Fixtures.nativeClient(context), count, pool);
					ThroughputBenchmark.fill(connections.get(0).sync());
					List<Double> allMs = new ArrayList<>();
					List<Double> peakPerSecond = new ArrayList<>();
					List<Double> steadyP99 = new ArrayList<>();
					List<Double> rotationP99 = new ArrayList<>();
					List<Double> p99Ratio = new ArrayList<>();
					try (Load load = new Load(connections)) {
						Thread.sleep(STEADY_NANOS / 1_000_000);
						for (int r = -1; r < rotations; r++) {
							AuthSampler sampler = new AuthSampler();
							sampler.start();
							Thread.sleep(STEADY_NANOS / 1_000_000);
							long before = this.fixtures.server.authCalls();
							long rotation = System.nanoTime();
							provider.refreshNow().get(30, TimeUnit.SECONDS);
							long all = sampler.awaitCount(before + count, rotation + TimeUnit.SECONDS.toNanos(60));
							long windowEnd = Math.max(all, rotation + MIN_WINDOW_NANOS);
							Thread.sleep(Math.max(0, (windowEnd - System.nanoTime()) / 1_000_000) + 200);
							sampler.stop();
							if (r < 0) {
								continue;
							}
							double steady = load.p99Micros(rotation - STEADY_NANOS, rotation);
							double during = load.p99Micros(rotation, windowEnd);
							allMs.add((all - rotation) / 1e6);
							peakPerSecond.add(sampler.peakPerSecond());
							steadyP99.add(steady);
							rotationP99.add(during);
							p99Ratio.add(during / steady);
							System.out.printf(
									"reauth: %d connections, spread %s, rotation %d: all in %.0f ms, peak %.0f AUTH/s, p99 %.0f -> %.0f µs%n",
									count, spread, r + 1, allMs.get(r), peakPerSecond.get(r), steady, during);
						}
						load.checkFailures();
					}
					finally {
						StormBenchmark.closeAll(connections);
						context.close();
					}
					rows.add(List.of(Integer.toString(count), spread, Stats.spread(allMs, "%.0f"),
							Stats.spread(peakPerSecond, "%.0f"), Stats.spread(steadyP99, "%.0f"),
							Stats.spread(rotationP99, "%.0f"), Stats.spread(p99Ratio, "%.3f"),
							this.report.verdict(Stats.median(p99Ratio) <= 1.10, "re-authentication of " + count
									+ " connections, spread " + spread + ": p99 ≤ 1.10× steady")));
				}
			}
		}
		finally {
			pool.shutdownNow();
		}
		this.report.section("7. Re-authentication at scale: a token rotation over N live IAM connections");
		this.report.line("N connections from the client Boot's factory built from the starter in IAM mode (each "
				+ "`connect()` as a pool's would be, subscribed to the starter's token stream with "
				+ "`ReauthenticateBehavior.ON_NEW_CREDENTIALS`), JDK TLS engine, directly against `redis-server`. "
				+ LOAD_THREADS + " threads send GET/SET one at a time, each command on the next connection in turn. "
				+ "A rotation is `refreshNow()` on the starter's provider, which pushes the new token to every "
				+ "connection as `AUTH`. " + rotations + " rotations per N after a warm-up one; for each, the server's "
				+ "`cmdstat_auth` is sampled every " + SAMPLE_MILLIS + " ms from " + STEADY_NANOS / 1_000_000_000
				+ " s before. *all re-authenticated*: from the refresh to the first sample with N more `AUTH`; *peak "
				+ "AUTH/s*: the largest rise between two samples, per second; p99 of the commands started in the "
				+ STEADY_NANOS / 1_000_000_000 + " s before the refresh (*steady*) and from the refresh until all "
				+ "re-authenticated, at least " + MIN_WINDOW_NANOS / 1_000_000 + " ms (*rotation*). Median [min–max] "
				+ "over rotations. Each N runs with `elasticache.secure.iam.reauthentication-spread=0s` (every "
				+ "connection at once) and then `5s` (the default: each connection after a random delay within 5 s), "
				+ "each in a context of its own.");
		this.report.line("");
		this.report.table(List.of("N", "`reauthentication-spread`", "all re-authenticated, ms", "peak AUTH/s",
				"steady p99 µs", "rotation p99 µs", "rotation / steady p99 (target ≤ 1.10)", "verdict"), rows);
	}

	/**
	 * GET/SET one at a time from a few threads, each command on the next connection;
	 * start times and latencies.
	 */
	private static final class Load implements AutoCloseable {

		private final List<Thread> threads = new ArrayList<>();

		private final long[][] starts = new long[LOAD_THREADS][];

		private final long[][] latencies = new long[LOAD_THREADS][];

		// Written by each load thread after its arrays, read by the measuring thread: the
		// read sees what came before.
		private final AtomicIntegerArray sizes = new AtomicIntegerArray(LOAD_THREADS);

		private final Throwable[] failures = new Throwable[LOAD_THREADS];

		private volatile boolean running = true;

		Load(List<StatefulRedisConnection<String, String>> connections) {
			AtomicInteger next = new AtomicInteger();
			List<RedisCommands<String, String>> commands = connections.stream()
				.map(StatefulRedisConnection::sync)
				.toList();
			String value = "v".repeat(1024);
			for (int t = 0; t < LOAD_THREADS; t++) {
				int index = t;
				this.starts[t] = new long[1 << 16];
				this.latencies[t] = new long[1 << 16];
				Thread thread = new Thread(() -> {
					int i = index;
					try {
						while (this.running) {
							RedisCommands<String, String> connection = commands
								.get(Math.floorMod(next.getAndIncrement(), commands.size()));
							String key = "key:" + ((i >> 1) & 1023);
							long start = System.nanoTime();
							if ((i & 1) == 0) {
								connection.set(key, value);
							}
							else {
								connection.get(key);
							}
							record(index, start, System.nanoTime() - start);
							i++;
						}
					}
					catch (Throwable ex) {
						this.failures[index] = ex;
					}
				}, "bench-reauth-load-" + t);
				this.threads.add(thread);
				thread.start();
			}
		}

		private void record(int thread, long start, long latency) {
			int size = this.sizes.get(thread);
			if (size == this.starts[thread].length) {
				this.starts[thread] = Arrays.copyOf(this.starts[thread], size * 2);
				this.latencies[thread] = Arrays.copyOf(this.latencies[thread], size * 2);
			}
			this.starts[thread][size] = start;
			this.latencies[thread][size] = latency;
			this.sizes.set(thread, size + 1);
		}

		/**
		 * p99 of the commands started in [from, to), read after the window (the threads
		 * only append).
		 */
		double p99Micros(long from, long to) {
			Stats.Samples samples = new Stats.Samples();
			for (int t = 0; t < LOAD_THREADS; t++) {
				int size = this.sizes.get(t);
				long[] starts = this.starts[t];
				long[] latencies = this.latencies[t];
				for (int i = Math.min(size, starts.length) - 1; i >= 0 && starts[i] >= from; i--) {
					if (starts[i] < to) {
						samples.add(latencies[i]);
					}
				}
			}
			return samples.percentile(99) / 1e3;
		}

		void checkFailures() {
			for (Throwable failure : this.failures) {
				if (failure != null) {
					throw new IllegalStateException("A command of the load failed", failure);
				}
			}
		}

		@Override
		public void close() throws InterruptedException {
			this.running = false;
			for (Thread thread : this.threads) {
				thread.join();
			}
		}

	}

	/**
	 * Samples the server's AUTH count every {@value #SAMPLE_MILLIS} ms on a thread of its
	 * own.
	 */
	private final class AuthSampler {

		private final List<long[]> samples = new ArrayList<>();

		private final Thread thread = new Thread(this::sample, "bench-reauth-sampler");

		private volatile boolean running = true;

		void start() {
			this.thread.start();
		}

		private void sample() {
			while (this.running) {
				long calls = ReauthBenchmark.this.fixtures.server.authCalls();
				synchronized (this.samples) {
					this.samples.add(new long[] { System.nanoTime(), calls });
				}
				try {
					Thread.sleep(SAMPLE_MILLIS);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		/**
		 * The time of the first sample at or above the count, waiting for it until the
		 * deadline.
		 */
		long awaitCount(long count, long deadline) throws InterruptedException {
			while (System.nanoTime() < deadline) {
				synchronized (this.samples) {
					for (long[] sample : this.samples) {
						if (sample[1] >= count) {
							return sample[0];
						}
					}
				}
				Thread.sleep(10);
			}
			throw new IllegalStateException("Not every connection re-authenticated within 60 s");
		}

		double peakPerSecond() {
			double peak = 0;
			synchronized (this.samples) {
				for (int i = 1; i < this.samples.size(); i++) {
					long[] a = this.samples.get(i - 1);
					long[] b = this.samples.get(i);
					peak = Math.max(peak, (b[1] - a[1]) / ((b[0] - a[0]) / 1e9));
				}
			}
			return peak;
		}

		void stop() throws InterruptedException {
			this.running = false;
			this.thread.join();
		}

	}

}
