package io.github.elasticachesecure.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;

import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testkit.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code doctor} against real {@code redis-server} processes over TLS on loopback: one
 * verdict per step, the exit status, and never a secret in standard output or standard
 * error.
 */
class DoctorCommandIntegrationTests {

	private static final String USER = "app";

	private static final String PASSWORD = "doctor-password-7f3a9c";

	private static final String WRONG_PASSWORD = "not-the-password-51be0e";

	private static final Map<String, String> PASSWORD_ENV = Map.of("ELASTICACHE_PASSWORD", PASSWORD);

	private static RedisServerProcess healthy;

	private static RedisServerProcess expiring;

	private static RedisServerProcess plaintext;

	private static RedisServerProcess untrusted;

	private static RedisServerProcess wrongHost;

	@BeforeAll
	static void startServers() {
		healthy = RedisServerProcess.tls()
			.serverCertificate(TestPki.get().localhostValidFor(Duration.ofDays(90)))
			.aclUser(USER, PASSWORD)
			.start();
		expiring = RedisServerProcess.tls().aclUser(USER, PASSWORD).start();
		plaintext = RedisServerProcess.plaintext().aclUser(USER, PASSWORD).start();
		untrusted = RedisServerProcess.tls()
			.serverCertificate(TestPki.get().untrustedLocalhost())
			.aclUser(USER, PASSWORD)
			.start();
		wrongHost = RedisServerProcess.tls()
			.serverCertificate(TestPki.get().wrongHost())
			.aclUser(USER, PASSWORD)
			.start();
	}

	@AfterAll
	static void stopServers() {
		for (RedisServerProcess server : new RedisServerProcess[] { healthy, expiring, plaintext, untrusted,
				wrongHost }) {
			if (server != null) {
				server.close();
			}
		}
	}

	private static CommandRun doctor(RedisServerProcess server, Map<String, String> env, String... more) {
		List<String> args = new java.util.ArrayList<>(List.of("doctor", "--endpoint", "localhost:" + server.port(),
				"--ca-file", server.caCertificatePem().toString(), "--timeout", "5"));
		args.addAll(List.of(more));
		return CommandRun.of(env, args.toArray(String[]::new));
	}

	private static void assertNoSecret(CommandRun run, String... secrets) {
		for (String secret : secrets) {
			assertThat(run.mentions(secret)).as("a secret appears in the output").isFalse();
		}
	}

	@Test
	void healthyServerPassesEveryStep() {
		CommandRun run = doctor(healthy, PASSWORD_ENV, "--user", USER);
		assertThat(run.exitCode()).as(run.toString()).isZero();
		for (String step : List.of("endpoint", "connect", "tls", "certificate", "credentials", "authenticate", "ping",
				"server")) {
			assertThat(run.verdict(step)).as(run.toString()).isEqualTo("PASS");
		}
		assertThat(run.line("tls")).contains("TLSv1.3").contains("host name 'localhost'");
		assertThat(run.line("credentials")).contains("from " + "ELASTICACHE_PASSWORD");
		// what the authenticated connection's own live session negotiated, not the
		// probe's
		assertThat(run.line("authenticate")).contains("user '" + USER + "'").contains("over TLSv1.3 (TLS_");
		assertThat(run.line("ping")).contains("PONG");
		assertThat(run.line("server")).contains("Redis OSS 7.").contains("standalone");
		assertThat(run.out()).contains("PASS: 0 failed");
		assertThat(run.err()).isEmpty();
		assertNoSecret(run, PASSWORD);
	}

	@Test
	void jsonReportCarriesEveryStepForScripts() {
		CommandRun run = doctor(healthy, PASSWORD_ENV, "--user", USER, "--json");
		assertThat(run.exitCode()).as(run.toString()).isZero();
		JsonNode report = JsonMapper.builder().build().readTree(run.out());
		assertThat(report.get("verdict").asString()).isEqualTo("PASS");
		assertThat(report.get("endpoint").asString()).isEqualTo("localhost:" + healthy.port());
		List<JsonNode> steps = StreamSupport.stream(report.get("steps").spliterator(), false).toList();
		assertThat(steps).extracting((step) -> step.get("step").asString())
			.containsExactly("endpoint", "connect", "tls", "certificate", "credentials", "authenticate", "ping",
					"server", "audit");
		assertThat(steps.subList(0, 8))
			.allSatisfy((step) -> assertThat(step.get("verdict").asString()).isEqualTo("PASS"));
		// no --region: the posture audit is not asked for
		assertThat(steps.get(8).get("verdict").asString()).isEqualTo("SKIP");
		JsonNode certificate = steps.get(3).get("details");
		assertThat(certificate.get("names").toString()).contains("localhost");
		assertThat(certificate.get("daysToExpiry").asInt()).isBetween(88, 90);
		assertThat(steps.get(5).get("details").get("protocol").asString()).isEqualTo("TLSv1.3");
		assertThat(steps.get(5).get("details").get("cipherSuite").asString()).startsWith("TLS_");
		assertThat(steps.get(7).get("details").get("version").asString()).startsWith("7.");
		assertNoSecret(run, PASSWORD);
	}

	@Test
	void certificateCloseToExpiryIsAWarningOnly() {
		CommandRun run = doctor(expiring, PASSWORD_ENV, "--user", USER);
		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(run.verdict("certificate")).isEqualTo("WARN");
		assertThat(run.out()).contains("fix: The certificate expires within 14 days");
		assertThat(run.verdict("ping")).isEqualTo("PASS");
		assertThat(run.out()).contains("WARN: 0 failed, 1 warning(s)");
	}

	@Test
	void plaintextServerFailsTheTlsStepAndGetsNoCredentials() {
		CommandRun run = doctor(plaintext, PASSWORD_ENV, "--user", USER);
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.verdict("connect")).isEqualTo("PASS");
		assertThat(run.line("tls")).startsWith("FAIL").contains("does not speak TLS");
		assertThat(run.out()).contains("fix: Connect to the TLS endpoint of a cache with in-transit encryption");
		assertThat(run.verdict("certificate")).isEqualTo("SKIP");
		assertThat(run.line("authenticate")).startsWith("SKIP").contains("a verified TLS endpoint");
		assertThat(plaintext.authCalls()).as("AUTH calls on the plaintext server").isZero();
		assertNoSecret(run, PASSWORD);
	}

	@Test
	void certificateFromAnotherCaFailsWithTheCaFileFix() {
		CommandRun run = doctor(untrusted, PASSWORD_ENV, "--user", USER);
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.line("tls")).startsWith("FAIL").contains("is not trusted");
		assertThat(run.out()).contains("pass its certificate with --ca-file");
		// the certificate is still described, to show who issued it
		assertThat(run.line("certificate")).contains(TestPki.get().untrustedCa().subject());
		assertThat(run.verdict("authenticate")).isEqualTo("SKIP");
		assertNoSecret(run, PASSWORD);
	}

	@Test
	void certificateForAnotherHostFailsWithTheHostNameFix() {
		CommandRun run = doctor(wrongHost, PASSWORD_ENV, "--user", USER);
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.line("tls")).startsWith("FAIL").contains("is not issued for 'localhost'");
		assertThat(run.out()).contains("fix: Connect with a host name the certificate lists");
		assertThat(run.line("certificate")).contains(TestPki.WRONG_HOST_NAME);
		assertThat(run.verdict("authenticate")).isEqualTo("SKIP");
		assertNoSecret(run, PASSWORD);
	}

	@Test
	void wrongPasswordFailsAuthenticationWithoutShowingIt() {
		CommandRun run = doctor(healthy, Map.of("ELASTICACHE_PASSWORD", WRONG_PASSWORD), "--user", USER);
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.verdict("tls")).isEqualTo("PASS");
		assertThat(run.line("authenticate")).startsWith("FAIL").contains("WRONGPASS");
		assertThat(run.out()).contains("fix: Check --user and the password in " + "ELASTICACHE_PASSWORD");
		assertThat(run.verdict("ping")).isEqualTo("SKIP");
		assertNoSecret(run, WRONG_PASSWORD, PASSWORD);
	}

	@Test
	void serverThatNeedsAPasswordFailsWhenNoneIsGiven() {
		CommandRun run = doctor(healthy, Map.of());
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.verdict("credentials")).isEqualTo("WARN");
		assertThat(run.line("authenticate")).startsWith("FAIL").contains("requires authentication").contains("NOAUTH");
		assertThat(run.out()).contains("fix: Give the credentials: " + "ELASTICACHE_PASSWORD");
	}

	@Test
	void userWithoutPasswordAndWithoutTerminalFailsTheCredentialsStep() {
		CommandRun run = doctor(healthy, Map.of(), "--user", USER);
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.line("credentials")).startsWith("FAIL").contains("no password for user '" + USER + "'");
		assertThat(run.verdict("authenticate")).isEqualTo("SKIP");
	}

	@Test
	void passwordIsAskedForOnceTheEndpointIsVerified() {
		List<String> prompts = new CopyOnWriteArrayList<>();
		CommandEnvironment environment = new CommandEnvironment((name) -> null, (prompt) -> {
			prompts.add(prompt);
			return PASSWORD.toCharArray();
		}, () -> {
			throw new AssertionError("No AWS credentials without --iam");
		});
		CommandRun run = CommandRun.of(environment, "doctor", "--endpoint", "localhost:" + healthy.port(), "--ca-file",
				healthy.caCertificatePem().toString(), "--user", USER);
		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(prompts).singleElement().asString().contains("Password for user '" + USER + "'");
		assertThat(run.line("credentials")).contains("from the prompt");
		assertNoSecret(run, PASSWORD);
		prompts.clear();
		run = CommandRun.of(environment, "doctor", "--endpoint", "localhost:" + untrusted.port(), "--ca-file",
				untrusted.caCertificatePem().toString(), "--user", USER);
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(prompts).as("prompts for an endpoint that failed the TLS check").isEmpty();
		assertThat(run.verdict("credentials")).isEqualTo("SKIP");
	}

}
