package io.github.elasticachesecure.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import io.github.elasticachesecure.benchmarks.SampleLauncher.Side;
import io.github.elasticachesecure.benchmarks.SampleLauncher.Start;

/**
 * Start-up as a user feels it: the sample application (web server, actuator, Spring Cache
 * on Redis) started in a fresh JVM, from process start to the first successful request
 * that uses Redis, with the starter and with Boot's own Redis support over TLS (the same
 * jar, the starter's auto-configurations excluded), against the same server.
 */
final class FreshJvmStartupBenchmark {

	private static final int WARMUP = 1;

	enum Variant {

		STARTER("sample with the starter (password, TLS engine `auto`: OpenSSL)", "auto"),

		STARTER_JDK_ENGINE("the same with `elasticache.secure.tls.provider=jdk`", "jdk"),

		BOOT("same sample on Boot's Redis support + `spring.data.redis.ssl`", null);

		final String label;

		final String provider;

		Variant(String label, String provider) {
			this.label = label;
			this.provider = provider;
		}

	}

	/**
	 * Where a start's time goes, from its startup steps; the parts add up to the time to
	 * the first request.
	 */
	enum Part {

		GUARD_TLS("guard: TLS check (trust check + probe)"),

		GUARD_AUTHENTICATION("guard: authentication check (connect + `HELLO` + `PING`)"),

		ENGINE("TLS engine resolution (`" + StartupSteps.ENGINE_BEAN + "`, self time)"),

		STARTER_BEANS("the starter's other beans (self time of the beans only its contexts have)"),

		AFTER_READY("ready → first successful request (Boot connects to Redis here)"),

		REST("everything else (JVM, Spring, Tomcat, the common beans)");

		final String label;

		Part(String label) {
			this.label = label;
		}

	}

	private final Fixtures fixtures;

	private final Settings settings;

	private final Report report;

	private final SampleLauncher launcher;

	FreshJvmStartupBenchmark(Fixtures fixtures, Settings settings, Report report) {
		this.fixtures = fixtures;
		this.settings = settings;
		this.report = report;
		this.launcher = new SampleLauncher(fixtures, settings.java);
	}

	void run() throws Exception {
		Path jar = SampleLauncher.sampleJar();
		int rounds = this.settings.longRun ? 15 : 7;
		this.report.section("4b. Start-up of the sample application in a fresh JVM");
		if (jar == null) {
			this.report.line(SampleLauncher.noSampleJar());
		}
		else {
			runSample(jar, rounds);
		}
		new ColdContextStart(this.fixtures, this.report).run(Path.of(System.getProperty("java.class.path")), rounds);
	}

	private void runSample(Path jar, int rounds) throws Exception {
		Map<Variant, List<Start>> starts = new EnumMap<>(Variant.class);
		for (Variant variant : Variant.values()) {
			starts.put(variant, new ArrayList<>());
		}
		System.out.println("fresh JVM start-up: warm-up");
		for (int i = 0; i < WARMUP; i++) {
			for (Variant variant : Variant.values()) {
				start(jar, variant);
			}
		}
		for (int round = 0; round < rounds; round++) {
			for (int k = 0; k < Variant.values().length; k++) {
				Variant variant = Variant.values()[(round + k) % Variant.values().length];
				starts.get(variant).add(start(jar, variant));
			}
			System.out.printf("fresh JVM start-up: round %d of %d: starter %.0f ms, Boot %.0f ms%n", round + 1, rounds,
					last(starts.get(Variant.STARTER)).millis(), last(starts.get(Variant.BOOT)).millis());
		}
		this.report.line("`java -jar " + jar.getFileName() + "` (`sample-app`: Spring MVC on Tomcat, actuator, Spring "
				+ "Cache on Redis; logging as the sample sets it, output discarded) on a free port, timed from "
				+ "`ProcessBuilder.start()` to the first `200` of `POST /visits/bench` (an `INCR` in Redis), polled "
				+ "every 10 ms; then its `/actuator/startup` is read (the sample keeps its startup steps) and the "
				+ "process is stopped. Starter: `elasticache.secure.endpoint`, `tls.bundle`, `auth.username`/`password` "
				+ "(the guard probes TLS and sends a PING before the web server starts). Boot: the same jar with "
				+ "`spring.autoconfigure.exclude` of every auto-configuration of the starter (its imports file) and "
				+ "`spring.data.redis.host`/`port`/`username`/`password`, `spring.data.redis.ssl.enabled=true` and "
				+ "`ssl.bundle` (Boot connects on the first request). All trust the test CA through the same PEM "
				+ "bundle; same TLS `redis-server`. " + WARMUP + " warm-up start each, then " + rounds + " rounds, the "
				+ "variants in rotating order; ratios and differences within a round, median [min–max].");
		this.report.line("");
		List<List<String>> rows = new ArrayList<>();
		for (Variant variant : Variant.values()) {
			rows.add(List.of(variant.label, Stats.spread(values(starts.get(variant), Start::millis), "%.0f"),
					Stats.spread(values(starts.get(variant), Start::cpuMillis), "%.0f"), "", ""));
		}
		for (Variant starter : List.of(Variant.STARTER, Variant.STARTER_JDK_ENGINE)) {
			List<Double> millis = values(starts.get(starter), Start::millis);
			List<Double> bootMillis = values(starts.get(Variant.BOOT), Start::millis);
			List<Double> cpu = values(starts.get(starter), Start::cpuMillis);
			List<Double> bootCpu = values(starts.get(Variant.BOOT), Start::cpuMillis);
			String name = (starter == Variant.STARTER) ? "starter" : "starter (JDK engine)";
			List<Double> ratios = Stats.ratios(millis, bootMillis);
			rows.add(List.of("difference " + name + " − Boot, ms",
					Stats.spread(Stats.differences(millis, bootMillis), "%.0f"),
					Stats.spread(Stats.differences(cpu, bootCpu), "%.0f"), "", "info"));
			rows.add(List.of("ratio " + name + " / Boot", Stats.spread(ratios, "%.3f"),
					Stats.spread(Stats.ratios(cpu, bootCpu), "%.3f"), "≤ 1.05", this.report
						.verdict(Stats.median(ratios) <= 1.05, "fresh-JVM start-up " + name + " / Boot ≤ 1.05")));
		}
		this.report.table(List.of("variant", "process start → first successful request, ms",
				"process CPU time by then, ms", "target", "verdict"), rows);
		reportParts(starts);
	}

	/**
	 * Where the difference goes: each start's time to the first request split into parts
	 * by its startup steps, per variant, and the part-by-part difference to Boot within
	 * each round (the parts add up to the whole difference).
	 */
	private void reportParts(Map<Variant, List<Start>> starts) {
		Set<String> starterOnlyBeans = new TreeSet<>();
		starts.get(Variant.STARTER)
			.forEach((start) -> starterOnlyBeans.addAll(start.steps().beanSelfMillis().keySet()));
		starts.get(Variant.BOOT)
			.forEach((start) -> starterOnlyBeans.removeAll(start.steps().beanSelfMillis().keySet()));
		Map<Variant, Map<Part, List<Double>>> parts = new EnumMap<>(Variant.class);
		for (Variant variant : Variant.values()) {
			List<Map<Part, Double>> split = starts.get(variant)
				.stream()
				.map((start) -> parts(start, starterOnlyBeans))
				.toList();
			parts.put(variant, new EnumMap<>(Part.class));
			for (Part part : Part.values()) {
				parts.get(variant).put(part, split.stream().map((startParts) -> startParts.get(part)).toList());
			}
		}
		this.report.line("");
		this.report
			.line("Where the time goes, from each start's startup steps (median [min–max], ms). The parts add up "
					+ "to the time to the first request; the difference columns are taken part by part within a round. "
					+ "Beans only the starter's contexts have: " + starterOnlyBeans.size() + ".");
		this.report.line("");
		List<List<String>> rows = new ArrayList<>();
		for (Part part : Part.values()) {
			List<Double> boot = parts.get(Variant.BOOT).get(part);
			rows.add(List.of(part.label, Stats.spread(parts.get(Variant.STARTER).get(part), "%.0f"),
					Stats.spread(parts.get(Variant.STARTER_JDK_ENGINE).get(part), "%.0f"), Stats.spread(boot, "%.0f"),
					Stats.spread(Stats.differences(parts.get(Variant.STARTER).get(part), boot), "%+.0f"),
					Stats.spread(Stats.differences(parts.get(Variant.STARTER_JDK_ENGINE).get(part), boot), "%+.0f")));
		}
		this.report.table(List.of("part", "starter", "starter, JDK engine", "Boot", "starter − Boot",
				"starter (JDK engine) − Boot"), rows);
	}

	/** Start the sample, time its first successful request and read its startup steps. */
	private Start start(Path jar, Variant variant) throws Exception {
		Side side = (variant != Variant.BOOT) ? this.launcher.starter(variant.label, variant.provider)
				: this.launcher.boot(variant.label);
		return this.launcher.start(side, List.of("-jar", jar.toString()), true);
	}

	/** A start's time to the first request split into parts that add up to it. */
	private static Map<Part, Double> parts(Start start, Set<String> starterOnlyBeans) {
		Map<String, Double> beans = start.steps().beanSelfMillis();
		Map<Part, Double> parts = new EnumMap<>(Part.class);
		parts.put(Part.GUARD_TLS, start.steps().millis(StartupSteps.GUARD_TLS, StartupSteps.FACTORY_BEAN));
		parts.put(Part.GUARD_AUTHENTICATION,
				start.steps().millis(StartupSteps.GUARD_AUTHENTICATION, StartupSteps.FACTORY_BEAN));
		parts.put(Part.ENGINE, beans.getOrDefault(StartupSteps.ENGINE_BEAN, 0.0));
		parts.put(Part.STARTER_BEANS,
				starterOnlyBeans.stream()
					.filter((bean) -> !bean.equals(StartupSteps.ENGINE_BEAN))
					.mapToDouble((bean) -> beans.getOrDefault(bean, 0.0))
					.sum());
		parts.put(Part.AFTER_READY, Duration.between(start.steps().ready(), start.firstRequest()).toNanos() / 1e6);
		parts.put(Part.REST, start.millis() - parts.values().stream().mapToDouble(Double::doubleValue).sum());
		return parts;
	}

	private static List<Double> values(List<Start> starts, Function<Start, Double> figure) {
		return starts.stream().map(figure).toList();
	}

	private static Start last(List<Start> starts) {
		return starts.get(starts.size() - 1);
	}

}
