package io.github.elasticachesecure.benchmarks;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Start-up: {@code SpringApplication.run} to a refreshed context, with the starter (its
 * startup guard probes TLS and sends a PING) and with Boot's plain Redis
 * auto-configuration with TLS (which connects lazily), in the same JVM.
 */
final class StartupBenchmark {

	private static final int WARMUP = 3;

	private static final List<Fixtures.App> APPS = List.of(Fixtures.App.STARTER_PASSWORD, Fixtures.App.STARTER_IAM,
			Fixtures.App.BOOT_PLAIN_TLS);

	private final Fixtures fixtures;

	private final Settings settings;

	private final Report report;

	StartupBenchmark(Fixtures fixtures, Settings settings, Report report) {
		this.fixtures = fixtures;
		this.settings = settings;
		this.report = report;
	}

	void run() {
		Map<Fixtures.App, List<Double>> ready = new EnumMap<>(Fixtures.App.class);
		Map<Fixtures.App, List<Double>> firstCommand = new EnumMap<>(Fixtures.App.class);
		for (Fixtures.App app : APPS) {
			ready.put(app, new ArrayList<>());
			firstCommand.put(app, new ArrayList<>());
		}
		System.out.println("startup: warm-up");
		for (int i = 0; i < WARMUP; i++) {
			for (Fixtures.App app : APPS) {
				start(app);
			}
		}
		for (int run = 0; run < this.settings.startupRuns; run++) {
			for (int k = 0; k < APPS.size(); k++) {
				Fixtures.App app = APPS.get((run + k) % APPS.size());
				ThroughputBenchmark.settle();
				double[] times = start(app);
				ready.get(app).add(times[0]);
				firstCommand.get(app).add(times[1]);
			}
			System.out.printf("startup: run %d: starter %.0f ms, starter IAM %.0f ms, Boot %.0f ms%n", run + 1,
					last(ready, Fixtures.App.STARTER_PASSWORD), last(ready, Fixtures.App.STARTER_IAM),
					last(ready, Fixtures.App.BOOT_PLAIN_TLS));
		}
		List<Double> readyRatio = Stats.ratios(ready.get(Fixtures.App.STARTER_PASSWORD),
				ready.get(Fixtures.App.BOOT_PLAIN_TLS));
		List<Double> readyIamRatio = Stats.ratios(ready.get(Fixtures.App.STARTER_IAM),
				ready.get(Fixtures.App.BOOT_PLAIN_TLS));
		List<Double> commandRatio = Stats.ratios(firstCommand.get(Fixtures.App.STARTER_PASSWORD),
				firstCommand.get(Fixtures.App.BOOT_PLAIN_TLS));
		List<Double> commandIamRatio = Stats.ratios(firstCommand.get(Fixtures.App.STARTER_IAM),
				firstCommand.get(Fixtures.App.BOOT_PLAIN_TLS));
		this.report.section("4. Start-up to a ready application context");
		this.report.line("`SpringApplication.run` (no web server, logging at WARN) with only the Redis-related "
				+ "auto-configurations (`ElastiCacheSecureAutoConfiguration` + `DataRedisAutoConfiguration` + "
				+ "`SslAutoConfiguration`, vs the last two with `spring.data.redis.ssl.enabled=true` and the same "
				+ "bundle), in the same JVM after " + WARMUP + " warm-up starts each, " + this.settings.startupRuns
				+ " measured starts each, interleaved in rotating order; each context is closed before the next. "
				+ "\"ready\" = `run()` returned (the starter's guard has probed TLS and sent a PING; Boot has not "
				+ "connected yet); \"first command\" = ready + one PING through the `RedisConnectionFactory`, i.e. "
				+ "both have connected and authenticated once. Ratios within a run, median [min–max].");
		this.report.line("");
		List<List<String>> rows = new ArrayList<>();
		for (Fixtures.App app : APPS) {
			rows.add(List.of(app.label, Stats.spread(ready.get(app), "%.0f"),
					Stats.spread(firstCommand.get(app), "%.0f"), "", ""));
		}
		rows.add(List.of("difference starter (password) − Boot, ms",
				Stats.spread(Stats.differences(ready.get(Fixtures.App.STARTER_PASSWORD),
						ready.get(Fixtures.App.BOOT_PLAIN_TLS)), "%.0f"),
				Stats.spread(Stats.differences(firstCommand.get(Fixtures.App.STARTER_PASSWORD),
						firstCommand.get(Fixtures.App.BOOT_PLAIN_TLS)), "%.0f"),
				"", "info"));
		rows.add(List.of("ratio starter (password) / Boot", Stats.spread(readyRatio, "%.3f"),
				Stats.spread(commandRatio, "%.3f"), "≤ 1.15 (ready)",
				this.report.verdict(Stats.median(readyRatio) <= 1.15, "start-up overhead ≤ 15% (ready)")));
		rows.add(List.of("ratio starter (IAM) / Boot", Stats.spread(readyIamRatio, "%.3f"),
				Stats.spread(commandIamRatio, "%.3f"), "", "info"));
		this.report.table(List.of("variant", "ready, ms", "first command, ms", "target", "verdict"), rows);
	}

	private double[] start(Fixtures.App app) {
		long start = System.nanoTime();
		try (ConfigurableApplicationContext context = this.fixtures.start(app)) {
			long ready = System.nanoTime();
			try (RedisConnection connection = context.getBean(RedisConnectionFactory.class).getConnection()) {
				connection.ping();
			}
			long command = System.nanoTime();
			return new double[] { (ready - start) / 1e6, (command - start) / 1e6 };
		}
	}

	private static double last(Map<Fixtures.App, List<Double>> values, Fixtures.App app) {
		List<Double> list = values.get(app);
		return list.get(list.size() - 1);
	}

}
