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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;

/**
 * Starts the sample application in a fresh JVM, with the starter or with Boot's own Redis
 * support over TLS, against the benchmark's server, and times it from
 * {@code ProcessBuilder.start()} to the first {@code 200} of {@code POST /visits/bench}
 * (sections 4b and 4d).
 */
final class SampleLauncher {

	/** The sample's main class, for class-path launches. */
	static final String MAIN_CLASS = "io.github.elasticachesecure.sample.SampleApplication";

	private static final Duration START_LIMIT = Duration.ofSeconds(120);

	/**
	 * Every auto-configuration the starter declares, read from its imports file (a name
	 * that is not on the class path would be ignored by the exclusion).
	 */
	private static final String STARTER_AUTO_CONFIGURATIONS = String.join(",",
			ImportCandidates.load(AutoConfiguration.class, SampleLauncher.class.getClassLoader())
				.getCandidates()
				.stream()
				.filter((name) -> name.startsWith("io.github.elasticachesecure."))
				.toList());

	/**
	 * One side's application arguments and environment (passwords go through the
	 * environment, not the command line).
	 */
	record Side(String label, List<String> arguments, Map<String, String> environment) {

	}

	/**
	 * One fresh JVM: time to the first successful request, CPU time by then, its startup
	 * steps and when the first request succeeded.
	 */
	record Start(double millis, double cpuMillis, StartupSteps steps, Instant firstRequest) {

	}

	private final Fixtures fixtures;

	private final String java;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	SampleLauncher(Fixtures fixtures, String java) {
		this.fixtures = fixtures;
		this.java = java;
	}

	String java() {
		return this.java;
	}

	/**
	 * The starter: endpoint, TLS bundle, user and password; {@code provider} is its TLS
	 * engine ({@code auto} or {@code jdk}).
	 */
	Side starter(String label, String provider) {
		return new Side(label,
				List.of("--elasticache.secure.endpoint=" + this.fixtures.server.host() + ":"
						+ this.fixtures.server.port(), "--elasticache.secure.tls.bundle=bench",
						"--elasticache.secure.tls.provider=" + provider,
						"--elasticache.secure.auth.username=" + Fixtures.USER),
				Map.of("ELASTICACHE_SECURE_AUTH_PASSWORD", Fixtures.PASSWORD));
	}

	/**
	 * Boot's own Redis support over TLS, every auto-configuration of the starter
	 * excluded.
	 */
	Side boot(String label) {
		if (STARTER_AUTO_CONFIGURATIONS.isEmpty()) {
			throw new IllegalStateException("the starter's auto-configurations are not on the class path");
		}
		return new Side(label,
				List.of("--spring.autoconfigure.exclude=" + STARTER_AUTO_CONFIGURATIONS,
						"--spring.data.redis.host=" + this.fixtures.server.host(),
						"--spring.data.redis.port=" + this.fixtures.server.port(),
						"--spring.data.redis.username=" + Fixtures.USER, "--spring.data.redis.ssl.enabled=true",
						"--spring.data.redis.ssl.bundle=bench"),
				Map.of("SPRING_DATA_REDIS_PASSWORD", Fixtures.PASSWORD));
	}

	/**
	 * The application arguments of a side: its own and those every side shares (port and
	 * the test CA's bundle).
	 */
	List<String> arguments(Side side, int port) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=" + port,
				"--spring.ssl.bundle.pem.bench.truststore.certificate=file:" + this.fixtures.caPem));
		arguments.addAll(side.arguments());
		return arguments;
	}

	/**
	 * A process for a side: {@code java}, then {@code launch} (JVM options and
	 * {@code -jar} or class path and main class), then the side's arguments.
	 */
	ProcessBuilder process(Side side, List<String> launch, int port) {
		List<String> command = new ArrayList<>();
		command.add(this.java);
		command.addAll(launch);
		command.addAll(arguments(side, port));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().putAll(side.environment());
		return builder;
	}

	/**
	 * Start the sample, time its first successful request and, if asked, read its startup
	 * steps; then stop it.
	 */
	Start start(Side side, List<String> launch, boolean readSteps) throws Exception {
		int port = freePort();
		ProcessBuilder builder = process(side, launch, port).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD);
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/visits/bench"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(5))
			.build();
		long start = System.nanoTime();
		Process process = builder.start();
		try {
			while (System.nanoTime() - start < START_LIMIT.toNanos()) {
				if (!process.isAlive()) {
					throw new IllegalStateException(side.label() + " exited with status " + process.exitValue()
							+ " (command: " + String.join(" ", builder.command()) + ")");
				}
				try {
					if (this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
						Instant firstRequest = Instant.now();
						double millis = (System.nanoTime() - start) / 1e6;
						// user + system time of every thread of the process: start-up on
						// 2 cores is CPU-bound
						Duration cpu = process.info().totalCpuDuration().orElse(Duration.ZERO);
						return new Start(millis, cpu.toMillis(), readSteps ? startupSteps(port) : null, firstRequest);
					}
				}
				catch (IOException ex) {
					// not listening yet
				}
				Thread.sleep(10);
			}
			throw new IllegalStateException(side.label() + " did not answer within " + START_LIMIT);
		}
		finally {
			process.destroy();
			process.waitFor();
		}
	}

	/**
	 * The startup steps, once the ready step is among them: the web server can answer the
	 * first request before the application's ready event has ended.
	 */
	private StartupSteps startupSteps(int port) throws IOException, InterruptedException {
		for (int attempt = 0;; attempt++) {
			HttpResponse<String> answer = this.http
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/startup"))
					.timeout(Duration.ofSeconds(5))
					.build(), HttpResponse.BodyHandlers.ofString());
			if (answer.statusCode() != 200) {
				throw new IllegalStateException("/actuator/startup answered " + answer.statusCode());
			}
			StartupSteps steps = StartupSteps.parse(answer.body());
			if (steps.recordedReady() || attempt == 100) {
				return steps;
			}
			Thread.sleep(50);
		}
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/** The sample's executable jar, or {@code null} when it was not built. */
	static Path sampleJar() throws IOException {
		Path target = Path.of("sample-app", "target");
		if (!Files.isDirectory(target)) {
			return null;
		}
		try (Stream<Path> files = Files.list(target)) {
			return files
				.filter((file) -> file.getFileName().toString().matches("elasticache-secure-sample-app-.*\\.jar"))
				.filter((file) -> !file.getFileName().toString().endsWith("-sources.jar"))
				.findFirst()
				.orElse(null);
		}
	}

	/** The skip note of a section that needs the sample's jar. */
	static String noSampleJar() {
		return "Skipped: no `sample-app/target/elasticache-secure-sample-app-*.jar` (run `./mvnw -pl "
				+ "sample-app -am clean package -DskipTests` first: without `clean`, a change in the starter alone "
				+ "may leave an old sample jar).";
	}

}
