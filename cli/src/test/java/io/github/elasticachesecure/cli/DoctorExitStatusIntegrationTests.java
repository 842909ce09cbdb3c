package io.github.elasticachesecure.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.elasticachesecure.testkit.FreePorts;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testkit.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exit status of {@code doctor}, the contract of scripts that run it: 0 when every
 * step passed, 0 when a step only warned, 1 when a step failed; both as the command
 * returns it and as the process started with {@code main} exits with it.
 */
class DoctorExitStatusIntegrationTests {

	private static final String USER = "app";

	private static final String PASSWORD = "doctor-exit-password-3c9e1d";

	private static final Map<String, String> PASSWORD_ENV = Map.of(CommandEnvironment.PASSWORD_VARIABLE, PASSWORD);

	private static RedisServerProcess healthy;

	private static RedisServerProcess expiring;

	@TempDir
	static Path workDirectory;

	@BeforeAll
	static void startServers() {
		healthy = RedisServerProcess.tls()
			.serverCertificate(TestPki.get().localhostValidFor(Duration.ofDays(90)))
			.aclUser(USER, PASSWORD)
			.start();
		// The test kit's default certificate expires within days: a warning.
		expiring = RedisServerProcess.tls().aclUser(USER, PASSWORD).start();
	}

	@AfterAll
	static void stopServers() {
		for (RedisServerProcess server : new RedisServerProcess[] { healthy, expiring }) {
			if (server != null) {
				server.close();
			}
		}
	}

	@Test
	@DisplayName("doctor exits with status 0 when every step passed")
	void everyStepPassedExitsWithZero() throws Exception {
		String[] args = doctor(healthy);
		CommandRun run = CommandRun.of(PASSWORD_ENV, args);
		assertThat(run.out()).as(run.toString()).contains("PASS: 0 failed, 0 warning(s)");
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(0);
		assertThat(processExitStatus(args)).as("exit status of the process").isEqualTo(0);
	}

	@Test
	@DisplayName("doctor exits with status 0 when a step only warned")
	void aWarningExitsWithZero() throws Exception {
		String[] args = doctor(expiring);
		CommandRun run = CommandRun.of(PASSWORD_ENV, args);
		assertThat(run.verdict("certificate")).as(run.toString()).isEqualTo("WARN");
		assertThat(run.out()).doesNotContain("FAIL: ");
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(0);
		assertThat(processExitStatus(args)).as("exit status of the process").isEqualTo(0);
	}

	@Test
	@DisplayName("doctor exits with status 1 when a step failed")
	void aFailedStepExitsWithOne() throws Exception {
		String[] args = { "doctor", "--endpoint", "localhost:" + FreePorts.unusedLoopbackPort(), "--user", USER,
				"--timeout", "5" };
		CommandRun run = CommandRun.of(PASSWORD_ENV, args);
		assertThat(run.verdict("connect")).as(run.toString()).isEqualTo("FAIL");
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(processExitStatus(args)).as("exit status of the process").isEqualTo(1);
	}

	private static String[] doctor(RedisServerProcess server) {
		return new String[] { "doctor", "--endpoint", "localhost:" + server.port(), "--ca-file",
				server.caCertificatePem().toString(), "--user", USER, "--timeout", "5" };
	}

	/**
	 * Run the command's {@code main} in a JVM of its own, with this test's class path,
	 * and return the status it exits with.
	 */
	private static int processExitStatus(String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(ElastiCacheSecureCommand.class.getName());
		command.addAll(List.of(args));
		File output = workDirectory.resolve("doctor-" + System.nanoTime() + ".log").toFile();
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(output)
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
		builder.environment().putAll(PASSWORD_ENV);
		Process process = builder.start();
		try {
			assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the command ended").isTrue();
			return process.exitValue();
		}
		finally {
			process.destroyForcibly();
		}
	}

}
