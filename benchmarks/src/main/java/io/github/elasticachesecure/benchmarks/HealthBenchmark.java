package io.github.elasticachesecure.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.health.ElastiCacheSecureHealthAutoConfiguration;
import io.github.elasticachesecure.testsupport.RepointableTcpProxy;
import io.github.elasticachesecure.testsupport.SilentTcpServer;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * The health bound: how long the {@code elasticache} indicator takes to answer DOWN when
 * the endpoint stops answering, against its {@code elasticache.secure.health.timeout},
 * with Lettuce's command and connect timeouts far above it. Two ways of going silent: a
 * blackhole on the live connection (a partition: the proxy stops forwarding), and a
 * restart into a peer that accepts TCP and never answers (Lettuce reconnects and waits in
 * the TLS handshake).
 */
final class HealthBenchmark {

	/** The health timeout under test. */
	static final long TIMEOUT_MILLIS = 1000;

	/** The allowance the bound promises on top of the timeout. */
	static final long ALLOWANCE_MILLIS = 100;

	private static final int CONCURRENT_CALLERS = 4;

	/**
	 * Busy threads beside the checks: twice the machine's cores here, so that every
	 * thread waits for a core.
	 */
	private static final int LOAD_THREADS = 2 * Runtime.getRuntime().availableProcessors();

	private final Fixtures fixtures;

	private final Settings settings;

	private final Report report;

	HealthBenchmark(Fixtures fixtures, Settings settings, Report report) {
		this.fixtures = fixtures;
		this.settings = settings;
		this.report = report;
	}

	void run() throws Exception {
		int checks = this.settings.longRun ? 120 : 40;
		Map<String, List<Double>> results = new LinkedHashMap<>();
		try (RepointableTcpProxy proxy = RepointableTcpProxy.to(this.fixtures.server.port());
				ConfigurableApplicationContext context = start(proxy.port())) {
			HealthIndicator indicator = context.getBean("elasticacheHealthIndicator", HealthIndicator.class);
			awaitUp(indicator);
			proxy.blackhole();
			results.put("blackhole, 1 caller", sequential(indicator, checks));
			results.put("blackhole, " + CONCURRENT_CALLERS + " callers at once", concurrent(indicator, checks));
			try (CpuLoad load = new CpuLoad(LOAD_THREADS)) {
				results.put("blackhole, 1 caller, " + LOAD_THREADS + " CPU-bound threads beside",
						sequential(indicator, checks));
			}
			proxy.heal();
			awaitUp(indicator);
			// The live connection is dropped and every reconnection reaches a peer that
			// never answers.
			try (SilentTcpServer silent = SilentTcpServer.start()) {
				proxy.pointTo(silent.port());
				this.fixtures.server.killClientsOf(Fixtures.USER);
				results.put("silent peer after a reconnect, 1 caller", sequential(indicator, checks));
			}
		}
		// With a reader endpoint the check also opens a connection of its own to each
		// endpoint (ROLE).
		try (RepointableTcpProxy primary = RepointableTcpProxy.to(this.fixtures.server.port());
				RepointableTcpProxy reader = RepointableTcpProxy.to(this.fixtures.server.port());
				ConfigurableApplicationContext context = start(primary.port(),
						"elasticache.secure.reader-endpoint=" + this.fixtures.server.host() + ":" + reader.port())) {
			HealthIndicator indicator = context.getBean("elasticacheHealthIndicator", HealthIndicator.class);
			awaitUp(indicator);
			primary.blackhole();
			reader.blackhole();
			results.put("blackhole, primary and reader endpoints, 1 caller", sequential(indicator, checks));
		}
		this.report.section("6. Health check bound on a silent endpoint");
		this.report.line("The `elasticache` indicator (`HealthIndicator.health()`, blocking) of the starter's context, "
				+ "password auth, `elasticache.secure.health.timeout=" + TIMEOUT_MILLIS + "ms`, "
				+ "`spring.data.redis.timeout=60s`, `spring.data.redis.connect-timeout=30s`. *blackhole*: the "
				+ "test kit's `RepointableTcpProxy` stops forwarding on the live connection (a partition). *silent "
				+ "peer*: the proxy points new connections elsewhere and the server drops the live one (`CLIENT KILL`), "
				+ "so Lettuce reconnects, to a `SilentTcpServer` that accepts TCP and "
				+ "never answers (the TLS handshake hangs). *CPU-bound threads*: " + LOAD_THREADS
				+ " threads spinning beside the checks " + "(the JVM sees " + Runtime.getRuntime().availableProcessors()
				+ " cores). *primary and reader*: `elasticache.secure.reader-endpoint` set, "
				+ "so the check also asks each endpoint for its `ROLE` on a connection of its own; both proxies "
				+ "blackholed. " + checks + " checks per row, one after the other (the " + "concurrent row: "
				+ CONCURRENT_CALLERS + " threads calling at once, " + checks + " in all). "
				+ "Wall time of each call, in ms. Bound: timeout + " + ALLOWANCE_MILLIS + " ms, on every check.");
		this.report.line("");
		List<List<String>> rows = new ArrayList<>();
		for (Map.Entry<String, List<Double>> entry : results.entrySet()) {
			List<Double> samples = entry.getValue();
			double max = Stats.max(samples);
			rows.add(List.of(entry.getKey(), Integer.toString(samples.size()), Stats.fmt("%.0f", Stats.min(samples)),
					Stats.fmt("%.0f", Stats.median(samples)), Stats.fmt("%.0f", Stats.quantile(samples, 0.90)),
					Stats.fmt("%.0f", Stats.quantile(samples, 0.99)), Stats.fmt("%.0f", max), distribution(samples),
					"≤ " + (TIMEOUT_MILLIS + ALLOWANCE_MILLIS), this.report
						.verdict(max <= TIMEOUT_MILLIS + ALLOWANCE_MILLIS, "health bound (" + entry.getKey() + ")")));
		}
		this.report.table(List.of("endpoint", "checks", "min", "median", "p90", "p99", "max",
				"distribution (ms: count)", "bound, ms", "verdict"), rows);
	}

	private List<Double> sequential(HealthIndicator indicator, int checks) {
		List<Double> samples = new ArrayList<>();
		for (int i = 0; i < checks; i++) {
			samples.add(timedDown(indicator));
		}
		System.out.printf("health: %d checks, median %.0f ms, max %.0f ms%n", checks, Stats.median(samples),
				Stats.max(samples));
		return samples;
	}

	private List<Double> concurrent(HealthIndicator indicator, int checks) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT_CALLERS);
		try {
			List<Future<Double>> futures = new ArrayList<>();
			for (int i = 0; i < checks; i++) {
				futures.add(pool.submit(() -> timedDown(indicator)));
			}
			List<Double> samples = new ArrayList<>();
			for (Future<Double> future : futures) {
				samples.add(future.get());
			}
			return samples;
		}
		finally {
			pool.shutdownNow();
		}
	}

	/** One check that must answer DOWN, in ms. */
	private static double timedDown(HealthIndicator indicator) {
		long start = System.nanoTime();
		Health health = indicator.health();
		long took = System.nanoTime() - start;
		expect(health, Status.DOWN);
		return took / 1e6;
	}

	private static void expect(Health health, Status status) {
		if (!status.equals(health.getStatus())) {
			throw new IllegalStateException("health " + health.getStatus() + " where " + status + " was expected: "
					+ health.getDetails().get("reason"));
		}
	}

	private static void awaitUp(HealthIndicator indicator) throws InterruptedException {
		long deadline = System.nanoTime() + 30_000_000_000L;
		while (!Status.UP.equals(indicator.health().getStatus())) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the health did not come back UP within 30 s after healing");
			}
			Thread.sleep(100);
		}
	}

	/**
	 * Counts per 100 ms bucket from the smallest, for example
	 * {@code 1000–1099: 38, 1100–1199: 2}.
	 */
	private static String distribution(List<Double> samples) {
		Map<Long, Integer> buckets = new TreeMap<>();
		samples.forEach((millis) -> buckets.merge((long) (millis / 100), 1, Integer::sum));
		List<String> parts = new ArrayList<>();
		buckets.forEach((bucket, count) -> parts.add(bucket * 100 + "–" + (bucket * 100 + 99) + ": " + count));
		return String.join(", ", parts);
	}

	private ConfigurableApplicationContext start(int port, String... extraProperties) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("logging.level.root", "WARN");
		properties.put("spring.ssl.bundle.pem.bench.truststore.certificate", "file:" + this.fixtures.caPem);
		properties.put("elasticache.secure.endpoint", this.fixtures.server.host() + ":" + port);
		properties.put("elasticache.secure.tls.bundle", "bench");
		properties.put("elasticache.secure.auth.username", Fixtures.USER);
		properties.put("elasticache.secure.auth.password", Fixtures.PASSWORD);
		properties.put("elasticache.secure.health.timeout", TIMEOUT_MILLIS + "ms");
		properties.put("spring.data.redis.timeout", "60s");
		properties.put("spring.data.redis.connect-timeout", "30s");
		for (String property : extraProperties) {
			properties.put(property.substring(0, property.indexOf('=')), property.substring(property.indexOf('=') + 1));
		}
		return Fixtures.run(new Class<?>[] { HealthApp.class }, properties);
	}

	/** Threads that keep the cores busy until closed. */
	private static final class CpuLoad implements AutoCloseable {

		private final List<Thread> threads = new ArrayList<>();

		private volatile boolean running = true;

		CpuLoad(int count) {
			for (int i = 0; i < count; i++) {
				Thread thread = new Thread(() -> {
					long x = 0;
					while (this.running) {
						x += System.nanoTime() % 7;
					}
					if (x == 42) {
						System.out.print("");
					}
				}, "health-bench-cpu-load-" + i);
				thread.setDaemon(true);
				thread.start();
				this.threads.add(thread);
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

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ElastiCacheSecureAutoConfiguration.class, DataRedisAutoConfiguration.class,
			SslAutoConfiguration.class, ElastiCacheSecureHealthAutoConfiguration.class })
	static class HealthApp {

	}

}
