package io.github.elasticachesecure.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.github.elasticachesecure.benchmarks.SampleLauncher.Side;
import io.github.elasticachesecure.benchmarks.SampleLauncher.Start;

/**
 * The sample's fresh-JVM start (process start to first successful request) with the
 * starter and with Boot's own Redis over TLS, in four variants: plain, Spring AOT, the
 * JDK's AOT cache, and both. Each side runs from the extracted jar with its own Spring
 * AOT code first on the class path, and its own AOT cache per Spring AOT setting; the
 * eight configurations are interleaved in rotating order within each round.
 */
final class StartupVariantsBenchmark {

	private static final double TARGET = 1.03;

	enum Variant {

		PLAIN("plain", false, false),

		SPRING_AOT("Spring AOT (`-Dspring.aot.enabled=true`)", true, false),

		AOT_CACHE("JDK AOT cache (`-XX:AOTCache`)", false, true),

		SPRING_AOT_AND_CACHE("Spring AOT + JDK AOT cache", true, true);

		final String label;

		final boolean springAot;

		final boolean cache;

		Variant(String label, boolean springAot, boolean cache) {
			this.label = label;
			this.springAot = springAot;
			this.cache = cache;
		}

		List<String> springOptions() {
			return this.springAot ? List.of("-Dspring.aot.enabled=true") : List.of();
		}

	}

	/** One side in one variant: how to launch it, and what it measured. */
	private record Configuration(Variant variant, boolean starter, Side side, List<String> launch, List<Start> starts) {

		String name() {
			return (this.starter ? "starter" : "Boot") + ", " + this.variant.label;
		}

		List<Double> millis() {
			return this.starts.stream().map(Start::millis).toList();
		}

		List<Double> cpuMillis() {
			return this.starts.stream().map(Start::cpuMillis).toList();
		}

		/** The guard's TLS and authentication checks (0 for Boot). */
		List<Double> guardMillis() {
			return this.starts.stream()
				.map((start) -> start.steps().millis(StartupSteps.GUARD_TLS, StartupSteps.FACTORY_BEAN)
						+ start.steps().millis(StartupSteps.GUARD_AUTHENTICATION, StartupSteps.FACTORY_BEAN))
				.toList();
		}

		/** Ready to first successful request (where Boot opens its connection). */
		List<Double> afterReadyMillis() {
			return this.starts.stream()
				.map((start) -> Duration.between(start.steps().ready(), start.firstRequest()).toNanos() / 1e6)
				.toList();
		}

	}

	private final Settings settings;

	private final Report report;

	private final SampleLauncher launcher;

	StartupVariantsBenchmark(Fixtures fixtures, Settings settings, Report report) {
		this.settings = settings;
		this.report = report;
		this.launcher = new SampleLauncher(fixtures, settings.java);
	}

	void run() throws Exception {
		this.report.section("4d. Start-up variants: Spring AOT and the JDK's AOT cache, starter / Boot");
		Path jar = SampleLauncher.sampleJar();
		if (jar == null) {
			this.report.line(SampleLauncher.noSampleJar());
			return;
		}
		int rounds = this.settings.longRun ? 9 : 5;
		long preparation = System.nanoTime();
		List<Configuration> configurations = prepare(jar);
		double preparationSeconds = (System.nanoTime() - preparation) / 1e9;
		System.out.println("start-up variants: warm-up");
		for (Configuration configuration : configurations) {
			start(configuration);
		}
		configurations.forEach((configuration) -> configuration.starts().clear());
		for (int round = 0; round < rounds; round++) {
			for (int k = 0; k < configurations.size(); k++) {
				Configuration configuration = configurations.get((round + k) % configurations.size());
				configuration.starts().add(start(configuration));
			}
			StringBuilder line = new StringBuilder("start-up variants: round " + (round + 1) + " of " + rounds + ":");
			configurations.forEach((configuration) -> line
				.append(Stats.fmt(" %.0f", configuration.starts().get(configuration.starts().size() - 1).millis())));
			System.out.println(line);
		}
		report(jar, configurations, rounds, preparationSeconds);
	}

	/**
	 * Extract, process ahead of time and train: the eight configurations, starter and
	 * Boot side by side in each variant.
	 */
	private List<Configuration> prepare(Path jar) throws Exception {
		Path work = Path.of(System.getProperty("java.io.tmpdir"), "elasticache-secure-startup-variants");
		SampleAotBuilds.deleteRecursively(work);
		Files.createDirectories(work);
		SampleAotBuilds builds = new SampleAotBuilds(this.launcher, work);
		builds.checkAotCacheSupport();
		System.out.println("start-up variants: extracting " + jar + " to " + work);
		builds.extract(jar);
		List<Configuration> configurations = new ArrayList<>();
		Map<Variant, List<Configuration>> byVariant = new EnumMap<>(Variant.class);
		for (boolean starter : List.of(true, false)) {
			String name = starter ? "starter" : "boot";
			Side side = starter ? this.launcher.starter("starter", "auto") : this.launcher.boot("Boot");
			System.out.println("start-up variants: Spring AOT for the " + name + " side");
			String classPath = builds.processAot(name, side);
			for (Variant variant : Variant.values()) {
				List<String> launch = new ArrayList<>();
				if (variant.cache) {
					System.out.println("start-up variants: training the " + name + " side's cache, " + variant.label);
					Path cache = builds.train(name + (variant.springAot ? "-spring-aot" : "-plain"), side,
							variant.springOptions(), classPath, this.settings.trainThroughRequest);
					// on: fail rather than start without the cache
					launch.addAll(List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on"));
				}
				launch.addAll(variant.springOptions());
				launch.addAll(List.of("-cp", classPath, SampleLauncher.MAIN_CLASS));
				byVariant.computeIfAbsent(variant, (key) -> new ArrayList<>())
					.add(new Configuration(variant, starter, side, launch, new ArrayList<>()));
			}
		}
		byVariant.values().forEach(configurations::addAll);
		return configurations;
	}

	private Start start(Configuration configuration) throws Exception {
		return this.launcher.start(configuration.side(), configuration.launch(), true);
	}

	private void report(Path jar, List<Configuration> configurations, int rounds, double preparationSeconds) {
		this.report.line("The sample (`" + jar.getFileName() + "`, extracted with `-Djarmode=tools extract`) started "
				+ "with `" + this.settings.java + "` from its class path (`-cp <side>/aot.jar:app/<jar>:app/lib/* "
				+ SampleLauncher.MAIN_CLASS + "`), timed from `ProcessBuilder.start()` to the first `200` of "
				+ "`POST /visits/bench`, as in 4b (starter: `tls.provider=auto`; Boot: the starter's "
				+ "auto-configurations excluded, `spring.data.redis.ssl`). Each side's `aot.jar` holds Spring AOT's "
				+ "code from `SpringApplicationAotProcessor` run with that side's arguments, compiled here; it is on "
				+ "the class path in every variant and used with `-Dspring.aot.enabled=true`. AOT cache: one "
				+ "training run per side and Spring AOT setting (`-XX:AOTCacheOutput`, server up, "
				+ (this.settings.trainThroughRequest ? "stopped after its first successful request"
						: "`-Dspring.context.exit=onRefresh`")
				+ "), then `-XX:AOTCache` with `-XX:AOTMode=on`. " + "Preparation "
				+ Stats.fmt("%.0f", preparationSeconds) + " s; 1 warm-up start of each of the 8 "
				+ "configurations, then " + rounds + " rounds, all 8 in rotating order; ratios within a round, "
				+ "median [min–max]; gain = plain median / variant median, per side.");
		this.report.line("");
		Map<Variant, Configuration> starters = new EnumMap<>(Variant.class);
		Map<Variant, Configuration> boots = new EnumMap<>(Variant.class);
		for (Configuration configuration : configurations) {
			(configuration.starter() ? starters : boots).put(configuration.variant(), configuration);
		}
		double starterPlain = Stats.median(starters.get(Variant.PLAIN).millis());
		double bootPlain = Stats.median(boots.get(Variant.PLAIN).millis());
		List<List<String>> rows = new ArrayList<>();
		for (Variant variant : Variant.values()) {
			Configuration starter = starters.get(variant);
			Configuration boot = boots.get(variant);
			List<Double> ratios = Stats.ratios(starter.millis(), boot.millis());
			double starterMedian = Stats.median(starter.millis());
			double bootMedian = Stats.median(boot.millis());
			rows.add(List.of(variant.label, Stats.fmt("%.0f", starterMedian), Stats.fmt("%.0f", bootMedian),
					Stats.spread(ratios, "%.3f"),
					Stats.spread(Stats.ratios(starter.cpuMillis(), boot.cpuMillis()), "%.3f"),
					Stats.fmt("%.2f×", starterPlain / starterMedian), Stats.fmt("%.2f×", bootPlain / bootMedian),
					"≤ " + TARGET, this.report.verdict(Stats.median(ratios) <= TARGET,
							"start-up starter / Boot ≤ " + TARGET + ", " + variant.label)));
		}
		this.report.table(List.of("variant", "starter, ms (median)", "Boot, ms (median)", "starter / Boot",
				"CPU time starter / Boot", "gain over plain, starter", "gain over plain, Boot", "target", "verdict"),
				rows);
		this.report.line("What moves between the sides, from each start's `/actuator/startup` (median [min–max], ms): "
				+ "the starter's guard (TLS check + authentication check) before *ready*, and *ready → first "
				+ "request*, where Boot opens its connection.");
		this.report.line("");
		List<List<String>> parts = new ArrayList<>();
		for (Variant variant : Variant.values()) {
			parts.add(List.of(variant.label, Stats.spread(starters.get(variant).guardMillis(), "%.0f"),
					Stats.spread(starters.get(variant).afterReadyMillis(), "%.0f"),
					Stats.spread(boots.get(variant).afterReadyMillis(), "%.0f"), Stats.spread(
							Stats.differences(starters.get(variant).millis(), boots.get(variant).millis()), "%+.0f")));
		}
		this.report.table(List.of("variant", "starter: guard", "starter: ready → first request",
				"Boot: ready → first request", "starter − Boot, whole start"), parts);
	}

}
