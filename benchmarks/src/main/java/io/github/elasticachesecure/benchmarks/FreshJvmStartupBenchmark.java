package io.github.elasticachesecure.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Start-up as a user feels it: the sample application (web server, actuator, Spring Cache on Redis) started in a fresh
 * JVM, from process start to the first successful request that uses Redis, with the starter and with Boot's own Redis
 * support over TLS (the same jar, the starter's auto-configurations excluded), against the same server.
 */
final class FreshJvmStartupBenchmark {

	private static final int WARMUP = 1;

	private static final Duration START_LIMIT = Duration.ofSeconds(120);

	private static final String STARTER_AUTO_CONFIGURATIONS = autoConfigurations("ElastiCacheSecureAutoConfiguration",
			"ElastiCacheSecureGuardAutoConfiguration", "ElastiCacheSecureHealthAutoConfiguration",
			"ElastiCacheSecureMetricsAutoConfiguration");

	private static final String STARTER_ACTUATOR_AUTO_CONFIGURATIONS = autoConfigurations(
			"ElastiCacheSecureHealthAutoConfiguration", "ElastiCacheSecureMetricsAutoConfiguration",
			"ElastiCacheSecureEndpointAutoConfiguration");

	enum Variant {

		STARTER("sample with the starter (password)"),

		STARTER_WITHOUT_ACTUATOR_PARTS("the same without the starter's health, metrics and endpoint (Boot's `redis` "
				+ "health instead)"),

		BOOT("same sample on Boot's Redis support + `spring.data.redis.ssl`");

		final String label;

		Variant(String label) {
			this.label = label;
		}

	}

	private final Fixtures fixtures;

	private final Settings settings;

	private final Report report;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	FreshJvmStartupBenchmark(Fixtures fixtures, Settings settings, Report report) {
		this.fixtures = fixtures;
		this.settings = settings;
		this.report = report;
	}

	void run() throws Exception {
		Path jar = sampleJar();
		int rounds = this.settings.longRun ? 15 : 7;
		this.report.section("4b. Start-up of the sample application in a fresh JVM");
		if (jar == null) {
			this.report.line("Skipped: no `sample-app/target/elasticache-secure-sample-app-*.jar` (run `./mvnw -pl "
					+ "sample-app -am clean package -DskipTests` first: without `clean`, a change in the starter alone "
					+ "may leave an old sample jar).");
		}
		else {
			runSample(jar, rounds);
		}
		new ColdContextStart(this.fixtures, this.report).run(Path.of(System.getProperty("java.class.path")), rounds);
	}

	private void runSample(Path jar, int rounds) throws Exception {
		Map<Variant, List<Double>> millis = new EnumMap<>(Variant.class);
		Map<Variant, List<Double>> cpuMillis = new EnumMap<>(Variant.class);
		for (Variant variant : Variant.values()) {
			millis.put(variant, new ArrayList<>());
			cpuMillis.put(variant, new ArrayList<>());
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
				double[] times = start(jar, variant);
				millis.get(variant).add(times[0]);
				cpuMillis.get(variant).add(times[1]);
			}
			System.out.printf("fresh JVM start-up: round %d: starter %.0f ms, Boot %.0f ms%n", round + 1,
					last(millis.get(Variant.STARTER)), last(millis.get(Variant.BOOT)));
		}
		List<Double> ratios = Stats.ratios(millis.get(Variant.STARTER), millis.get(Variant.BOOT));
		List<Double> differences = Stats.differences(millis.get(Variant.STARTER), millis.get(Variant.BOOT));
		this.report.line("`java -jar " + jar.getFileName() + "` (`sample-app`: Spring MVC on Tomcat, actuator, Spring "
				+ "Cache on Redis; logging as the sample sets it, output discarded) on a free port, timed from "
				+ "`ProcessBuilder.start()` to the first `200` of `POST /visits/bench` (an `INCR` in Redis), polled "
				+ "every 10 ms, then the process is stopped. Starter: `elasticache.secure.endpoint`, "
				+ "`tls.bundle`, `auth.username`/`password` (the guard probes TLS and sends a PING before the web "
				+ "server starts). Boot: the same jar with `spring.autoconfigure.exclude` of the starter's four "
				+ "auto-configurations and `spring.data.redis.host`/`port`/`username`/`password`, "
				+ "`spring.data.redis.ssl.enabled=true` and `ssl.bundle` (Boot connects on the first request). Both "
				+ "trust the test CA through the same PEM bundle; same TLS `redis-server`. " + WARMUP + " warm-up "
				+ "start each, then " + rounds + " rounds, the variants in rotating order; ratios and differences "
				+ "within a round, median [min–max]. The middle variant excludes the starter's health, metrics and "
				+ "endpoint auto-configurations, to split what the starter adds between its connection and its "
				+ "actuator parts.");
		this.report.line("");
		List<List<String>> rows = new ArrayList<>();
		for (Variant variant : Variant.values()) {
			rows.add(List.of(variant.label, Stats.spread(millis.get(variant), "%.0f"),
					Stats.spread(cpuMillis.get(variant), "%.0f"), "", ""));
		}
		List<Double> cpuDifferences = Stats.differences(cpuMillis.get(Variant.STARTER), cpuMillis.get(Variant.BOOT));
		List<Double> cpuRatios = Stats.ratios(cpuMillis.get(Variant.STARTER), cpuMillis.get(Variant.BOOT));
		rows.add(List.of("difference starter − Boot, ms", Stats.spread(differences, "%.0f"),
				Stats.spread(cpuDifferences, "%.0f"), "", "info"));
		rows.add(List.of("ratio starter / Boot", Stats.spread(ratios, "%.3f"), Stats.spread(cpuRatios, "%.3f"), "≤ 1.05",
				this.report.verdict(Stats.median(ratios) <= 1.05, "fresh-JVM start-up starter / Boot ≤ 1.05")));
		List<Double> core = millis.get(Variant.STARTER_WITHOUT_ACTUATOR_PARTS);
		List<Double> corePart = Stats.differences(core, millis.get(Variant.BOOT));
		List<Double> actuatorPart = Stats.differences(millis.get(Variant.STARTER), core);
		rows.add(List.of("of which: without the actuator parts − Boot, ms (connection, guard, TLS engine)",
				Stats.spread(corePart, "%.0f"), "", "", "info"));
		rows.add(List.of("of which: starter − without its actuator parts, ms (health, metrics, endpoint)",
				Stats.spread(actuatorPart, "%.0f"), "", "", "info"));
		this.report.table(List.of("variant", "process start → first successful request, ms",
				"process CPU time by then, ms", "target", "verdict"), rows);
	}

	/** Start the sample and return the ms to its first successful request and its CPU time by then. */
	private double[] start(Path jar, Variant variant) throws Exception {
		int port = freePort();
		List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", jar.toString(), "--server.port=" + port,
				"--spring.ssl.bundle.pem.bench.truststore.certificate=file:" + this.fixtures.caPem));
		ProcessBuilder builder = new ProcessBuilder();
		// Passwords go through the environment, not the command line.
		if (variant != Variant.BOOT) {
			command.add("--elasticache.secure.endpoint=" + this.fixtures.server.host() + ":" + this.fixtures.server.port());
			command.add("--elasticache.secure.tls.bundle=bench");
			command.add("--elasticache.secure.auth.username=" + Fixtures.USER);
			builder.environment().put("ELASTICACHE_SECURE_AUTH_PASSWORD", Fixtures.PASSWORD);
			if (variant == Variant.STARTER_WITHOUT_ACTUATOR_PARTS) {
				command.add("--spring.autoconfigure.exclude=" + STARTER_ACTUATOR_AUTO_CONFIGURATIONS);
			}
		}
		else {
			command.add("--spring.autoconfigure.exclude=" + STARTER_AUTO_CONFIGURATIONS);
			command.add("--spring.data.redis.host=" + this.fixtures.server.host());
			command.add("--spring.data.redis.port=" + this.fixtures.server.port());
			command.add("--spring.data.redis.username=" + Fixtures.USER);
			command.add("--spring.data.redis.ssl.enabled=true");
			command.add("--spring.data.redis.ssl.bundle=bench");
			builder.environment().put("SPRING_DATA_REDIS_PASSWORD", Fixtures.PASSWORD);
		}
		builder.command(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/visits/bench"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(5))
			.build();
		long start = System.nanoTime();
		Process process = builder.start();
		try {
			while (System.nanoTime() - start < START_LIMIT.toNanos()) {
				if (!process.isAlive()) {
					throw new IllegalStateException(variant.label + " exited with status " + process.exitValue());
				}
				try {
					if (this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
						double wall = (System.nanoTime() - start) / 1e6;
						// user + system time of every thread of the process: start-up on 2 cores is CPU-bound
						Duration cpu = process.info().totalCpuDuration().orElse(Duration.ZERO);
						return new double[] { wall, cpu.toMillis() };
					}
				}
				catch (IOException ex) {
					// not listening yet
				}
				Thread.sleep(10);
			}
			throw new IllegalStateException(variant.label + " did not answer within " + START_LIMIT);
		}
		finally {
			process.destroy();
			process.waitFor();
		}
	}

	private static String autoConfigurations(String... names) {
		return Stream.of(names)
			.map((name) -> "io.github.elasticachesecure.autoconfigure." + name)
			.reduce((a, b) -> a + "," + b)
			.orElseThrow();
	}

	private static String javaBinary() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static Path sampleJar() throws IOException {
		Path target = Path.of("sample-app", "target");
		if (!Files.isDirectory(target)) {
			return null;
		}
		try (Stream<Path> files = Files.list(target)) {
			return files.filter((file) -> file.getFileName().toString().matches("elasticache-secure-sample-app-.*\\.jar"))
				.filter((file) -> !file.getFileName().toString().endsWith("-sources.jar"))
				.findFirst()
				.orElse(null);
		}
	}

	private static double last(List<Double> values) {
		return values.get(values.size() - 1);
	}

}
