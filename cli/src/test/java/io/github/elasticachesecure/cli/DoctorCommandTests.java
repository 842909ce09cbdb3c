package io.github.elasticachesecure.cli;

import java.util.List;
import java.util.Map;

import io.github.elasticachesecure.testkit.FreePorts;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code doctor} without a server: invalid endpoints and options, and a closed port; one
 * verdict per step, the exit status, and never a secret in standard output or standard
 * error.
 */
class DoctorCommandTests {

	private static final String USER = "app";

	private static final String PASSWORD = "doctor-password-7f3a9c";

	private static final Map<String, String> PASSWORD_ENV = Map.of("ELASTICACHE_PASSWORD", PASSWORD);

	private static void assertNoSecret(CommandRun run, String... secrets) {
		for (String secret : secrets) {
			assertThat(run.mentions(secret)).as("a secret appears in the output").isFalse();
		}
	}

	@Test
	void closedPortFailsTheConnectStep() {
		int closed = FreePorts.unusedLoopbackPort();
		CommandRun run = CommandRun.of(PASSWORD_ENV, "doctor", "--endpoint", "localhost:" + closed, "--timeout", "5");
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.verdict("endpoint")).isEqualTo("PASS");
		assertThat(run.line("connect")).startsWith("FAIL").contains("cannot connect to 127.0.0.1:" + closed);
		assertThat(run.out()).contains("fix: Check the port").contains("security group");
		assertThat(run.verdict("tls")).isEqualTo("SKIP");
		assertThat(run.verdict("authenticate")).isEqualTo("SKIP");
		assertNoSecret(run, PASSWORD);
	}

	@Test
	void endpointWithCredentialsInItIsRefusedWithoutRepeatingThem() {
		CommandRun run = CommandRun.of(Map.of(), "doctor", "--endpoint", "app:" + PASSWORD + "@localhost:6379");
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.line("endpoint")).startsWith("FAIL").contains("'--endpoint' contains user information");
		assertThat(run.out()).contains("(invalid endpoint)").contains("never from the command line");
		assertThat(run.verdict("connect")).isEqualTo("SKIP");
		assertNoSecret(run, PASSWORD);
	}

	/**
	 * A password typed where the port goes ({@code host:secret}) or after it
	 * ({@code host:port:secret}), in the text report and in JSON: the host is named, the
	 * rest is not repeated.
	 */
	@Test
	void secretWrittenAfterAColonInTheEndpointIsNeverRepeated() {
		for (String endpoint : List.of("localhost:" + PASSWORD, "localhost:6379:" + PASSWORD, "[::1]:" + PASSWORD,
				"[::1]:6379:" + PASSWORD)) {
			CommandRun text = CommandRun.of(Map.of(), "doctor", "--endpoint", endpoint);
			assertThat(text.exitCode()).as(text.toString()).isEqualTo(1);
			assertThat(text.line("endpoint")).startsWith("FAIL").contains("'--endpoint'");
			assertThat(text.out()).contains("(invalid endpoint)");
			assertThat(text.verdict("connect")).isEqualTo("SKIP");
			assertNoSecret(text, PASSWORD);
			CommandRun json = CommandRun.of(Map.of(), "doctor", "--endpoint", endpoint, "--json");
			assertThat(json.exitCode()).as(json.toString()).isEqualTo(1);
			JsonNode report = JsonMapper.builder().build().readTree(json.out());
			assertThat(report.get("verdict").asString()).isEqualTo("FAIL");
			assertThat(report.get("steps").get(0).get("verdict").asString()).isEqualTo("FAIL");
			assertNoSecret(json, PASSWORD);
		}
	}

	@Test
	void passwordGivenAsAnArgumentIsRefusedWithoutRepeatingIt() {
		CommandRun run = CommandRun.of(Map.of(), "doctor", "--endpoint", "localhost:6379", "--password=" + PASSWORD);
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
		assertThat(run.err()).contains("Unknown option or value: --password")
			.contains("doctor reads " + "ELASTICACHE_PASSWORD");
		assertThat(run.out()).isEmpty();
		assertNoSecret(run, PASSWORD);
	}

	@Test
	void iamOptionsAreCheckedTogether() {
		CommandRun run = CommandRun.of(Map.of(), "doctor", "--endpoint", "localhost:6379", "--iam", "--user", USER);
		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.err()).contains("--iam needs --user and --region");
	}

	@Test
	void withoutAnEndpointTheCacheAndItsRegionAreNeeded() {
		CommandRun run = CommandRun.of(Map.of(), "doctor", "--cache", "orders");
		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.err())
			.contains("give --endpoint, or --cache and --region to find the endpoint through the ElastiCache API");
	}

}
