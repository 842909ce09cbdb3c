package io.github.elasticachesecure.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.elasticachesecure.testkit.FreePorts;
import io.github.elasticachesecure.testkit.IamFront;
import io.github.elasticachesecure.testkit.LocalElastiCache;
import io.github.elasticachesecure.testkit.TestAwsCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.json.BasicJsonTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One build, many environments: the sample's jar, processed by Spring AOT once in the
 * build with its default configuration, runs with {@code -Dspring.aot.enabled=true} as a
 * user runs it, in password mode and in IAM mode, chosen by properties at run time. IAM
 * takes its AWS key from the SDK's default chain (the environment), as on a laptop.
 */
class SampleApplicationAotIntegrationTests {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	@RegisterExtension
	static final LocalElastiCache cache = LocalElastiCache.standalone().user("sample-app");

	@Test
	void runsWithAPassword() throws Exception {
		try (RunningJar app = RunningJar.start("password", cache.connectionProperties(), Map.of())) {
			app.countsVisits();
			assertThat(app.output()).contains("Starting AOT-processed SampleApplication")
				.doesNotContain(cache.password());
		}
	}

	@Test
	void runsWithIam() throws Exception {
		TestAwsCredentials key = TestAwsCredentials.generate();
		try (IamFront front = IamFront.forServer(cache.nodes().get(0))
			.userId("sample-iam-user")
			.cacheName("sample-cache")
			.region("eu-west-1")
			.credentials(key)
			.start();
				RunningJar app = RunningJar.start("iam", front.connectionProperties(),
						Map.of("AWS_ACCESS_KEY_ID", key.accessKeyId(), "AWS_SECRET_ACCESS_KEY", key.secretAccessKey(),
								"AWS_EC2_METADATA_DISABLED", "true"))) {
			app.countsVisits();
			assertThat(front.acceptedTokens()).isPositive();
			assertThat(front.refusedTokens()).isZero();
			assertThat(app.output()).contains("Starting AOT-processed SampleApplication")
				.contains("IAM authentication for user 'sample-iam-user' on cache 'sample-cache'")
				.doesNotContain(key.secretAccessKey());
		}
	}

	/**
	 * The sample's jar in a JVM of its own, with Spring AOT's generated code.
	 */
	private static final class RunningJar implements AutoCloseable {

		private final Process process;

		private final Path log;

		private final int port;

		private final HttpClient http = HttpClient.newHttpClient();

		private RunningJar(Process process, Path log, int port) {
			this.process = process;
			this.log = log;
			this.port = port;
		}

		static RunningJar start(String name, Map<String, String> properties, Map<String, String> environment)
				throws Exception {
			int port = FreePorts.unusedLoopbackPort();
			List<String> command = new ArrayList<>(List.of(
					Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dspring.aot.enabled=true",
					"-jar", System.getProperty("sample.jar"), "--server.port=" + port, "--server.address=127.0.0.1"));
			properties.forEach((key, value) -> command.add("--" + key + "=" + value));
			Path log = Path.of("target", "aot-" + name + ".log");
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
			builder.environment().putAll(environment);
			RunningJar app = new RunningJar(builder.start(), log, port);
			try {
				app.awaitUp();
				return app;
			}
			catch (Exception | AssertionError ex) {
				app.close();
				throw ex;
			}
		}

		private void awaitUp() throws Exception {
			long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
			while (System.nanoTime() - deadline < 0) {
				assertThat(this.process.isAlive()).as("the sample is running; its log:\n%s", output()).isTrue();
				try {
					HttpResponse<String> health = send("GET", "/actuator/health");
					if (health.statusCode() == 200) {
						assertThat(new BasicJsonTester(getClass()).from(health.body()))
							.extractingJsonPathStringValue("$.components.elasticache.status")
							.isEqualTo("UP");
						return;
					}
				}
				catch (IOException ex) {
					// not listening yet
				}
				Thread.sleep(200);
			}
			throw new AssertionError("The sample did not report UP within " + START_TIMEOUT + ":\n" + output());
		}

		void countsVisits() throws Exception {
			String page = "aot-" + System.nanoTime();
			assertThat(send("POST", "/visits/" + page).body()).contains("\"visits\":1");
			assertThat(send("POST", "/visits/" + page).body()).contains("\"visits\":2");
		}

		String output() throws IOException {
			return Files.exists(this.log) ? Files.readString(this.log) : "";
		}

		private HttpResponse<String> send(String method, String path) throws Exception {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
				.method(method, HttpRequest.BodyPublishers.noBody())
				.timeout(Duration.ofSeconds(10))
				.build();
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}

		@Override
		public void close() throws Exception {
			this.process.destroy();
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor();
			}
		}

	}

}
