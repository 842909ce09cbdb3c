package io.github.elasticachesecure.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * What the starter adds to a cold start, part by part: a Redis-only context (section 4's)
 * started once in a fresh JVM per run, with its startup steps recorded by Spring's
 * {@code BufferingApplicationStartup}: the connection factory's creation, the guard's two
 * checks inside it, the TLS engine's resolution, and the process's CPU time. The parent
 * side runs in the harness; {@link #main} is the fresh JVM.
 */
final class ColdContextStart {

	enum Variant {

		STARTER_JDK("starter, JDK engine", Fixtures.App.STARTER_PASSWORD, "jdk"),

		STARTER_OPENSSL("starter, OpenSSL engine (`auto`)", Fixtures.App.STARTER_PASSWORD, "auto"),

		BOOT("Boot plain Redis + TLS (JDK engine)", Fixtures.App.BOOT_PLAIN_TLS, null);

		final String label;

		final Fixtures.App app;

		final String provider;

		Variant(String label, Fixtures.App app, String provider) {
			this.label = label;
			this.app = app;
			this.provider = provider;
		}

	}

	/** The figures one fresh JVM reports, in this order, in milliseconds. */
	enum Figure {

		READY("ready"), FIRST_COMMAND("first command"), CPU("process CPU time at first command"),
		FACTORY("`redisConnectionFactory` bean creation"), GUARD_TLS("guard: TLS check (trust check + probe)"),
		GUARD_AUTHENTICATION("guard: authentication check (connect + `HELLO` + `PING`)"),
		ENGINE("TLS engine resolution (`elastiCacheClientOptionsCustomizer` bean)");

		final String label;

		Figure(String label) {
			this.label = label;
		}

	}

	private static final String RESULT_PREFIX = "cold-context:";

	private final Fixtures fixtures;

	private final Report report;

	ColdContextStart(Fixtures fixtures, Report report) {
		this.fixtures = fixtures;
		this.report = report;
	}

	void run(Path jar, int rounds) throws Exception {
		this.report.section("4c. What the starter adds to a cold start, part by part");
		Map<Variant, Map<Figure, List<Double>>> figures = new EnumMap<>(Variant.class);
		for (Variant variant : Variant.values()) {
			figures.put(variant, new EnumMap<>(Figure.class));
			for (Figure figure : Figure.values()) {
				figures.get(variant).put(figure, new ArrayList<>());
			}
		}
		for (Variant variant : Variant.values()) {
			start(jar, variant);
		}
		for (int round = 0; round < rounds; round++) {
			for (int k = 0; k < Variant.values().length; k++) {
				Variant variant = Variant.values()[(round + k) % Variant.values().length];
				double[] values = start(jar, variant);
				for (Figure figure : Figure.values()) {
					figures.get(variant).get(figure).add(values[figure.ordinal()]);
				}
			}
			System.out.printf("cold context: round %d of %d%n", round + 1, rounds);
		}
		this.report.line("Section 4's Redis-only contexts (no web server), each started once in a fresh JVM (`java -cp "
				+ "benchmarks.jar`, the same class path for all), against the same TLS `redis-server`; 1 warm-up start "
				+ "each (disk cache), then " + rounds + " rounds in rotating order. Steps from Spring's "
				+ "`BufferingApplicationStartup`: the guard's checks are steps of their own "
				+ "(`elasticache.guard.check-tls`, `elasticache.guard.check-authentication`) inside the factory's "
				+ "creation. Median [min–max], ms.");
		this.report.line("");
		List<String> header = new ArrayList<>(List.of("figure"));
		for (Variant variant : Variant.values()) {
			header.add(variant.label);
		}
		List<List<String>> rows = new ArrayList<>();
		for (Figure figure : Figure.values()) {
			List<String> row = new ArrayList<>(List.of(figure.label));
			for (Variant variant : Variant.values()) {
				row.add(Stats.spread(figures.get(variant).get(figure), "%.0f"));
			}
			rows.add(row);
		}
		this.report.table(header, rows);
		for (Variant starter : List.of(Variant.STARTER_JDK, Variant.STARTER_OPENSSL)) {
			List<Double> differences = Stats.differences(figures.get(starter).get(Figure.FIRST_COMMAND),
					figures.get(Variant.BOOT).get(Figure.FIRST_COMMAND));
			this.report.line("First command, " + starter.label + " − Boot, within a round: "
					+ Stats.spread(differences, "%.0f") + " ms.");
		}
	}

	private double[] start(Path jar, Variant variant) throws Exception {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
						"-Dloader.main=" + ColdContextStart.class.getName(), "-cp", jar.toString(),
						"org.springframework.boot.loader.launch.PropertiesLauncher", variant.name(),
						this.fixtures.server.host(), String.valueOf(this.fixtures.server.port()),
						this.fixtures.caPem.toString()));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String result = null;
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = output.readLine(); line != null; line = output.readLine()) {
				if (line.startsWith(RESULT_PREFIX)) {
					result = line.substring(RESULT_PREFIX.length());
				}
			}
		}
		int status = process.waitFor();
		if (result == null || status != 0) {
			throw new IllegalStateException(
					variant.label + ": a cold start gave no result (exit status " + status + ")");
		}
		String[] fields = result.split(",");
		double[] values = new double[fields.length];
		for (int i = 0; i < fields.length; i++) {
			values[i] = Double.parseDouble(fields[i]);
		}
		return values;
	}

	/**
	 * The fresh JVM: start one context, PING once, print the figures on one line.
	 * @param args the variant, the server's host and port, and the CA certificate's PEM
	 * file
	 */
	public static void main(String[] args) {
		Variant variant = Variant.valueOf(args[0]);
		Map<String, Object> extra = new LinkedHashMap<>();
		if (variant.provider != null) {
			extra.put("elasticache.secure.tls.provider", variant.provider);
		}
		BufferingApplicationStartup startup = new BufferingApplicationStartup(20_000);
		long start = System.nanoTime();
		double ready;
		double firstCommand;
		Duration cpu;
		try (ConfigurableApplicationContext context = Fixtures.start(variant.app, args[1], Integer.parseInt(args[2]),
				Path.of(args[3]), extra, startup)) {
			ready = (System.nanoTime() - start) / 1e6;
			try (RedisConnection connection = context.getBean(RedisConnectionFactory.class).getConnection()) {
				connection.ping();
			}
			firstCommand = (System.nanoTime() - start) / 1e6;
			cpu = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
		}
		StartupSteps steps = StartupSteps.of(startup.getBufferedTimeline().getEvents());
		System.out.println(RESULT_PREFIX + ready + "," + firstCommand + "," + cpu.toMillis() + ","
				+ steps.millis(StartupSteps.BEAN_INSTANTIATE, StartupSteps.FACTORY_BEAN) + ","
				+ steps.millis(StartupSteps.GUARD_TLS, StartupSteps.FACTORY_BEAN) + ","
				+ steps.millis(StartupSteps.GUARD_AUTHENTICATION, StartupSteps.FACTORY_BEAN) + ","
				+ steps.millis(StartupSteps.BEAN_INSTANTIATE, StartupSteps.ENGINE_BEAN));
		System.exit(0);
	}

}
