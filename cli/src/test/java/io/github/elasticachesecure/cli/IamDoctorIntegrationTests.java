package io.github.elasticachesecure.cli;

import java.util.List;
import java.util.Map;

import io.github.elasticachesecure.testkit.FreePorts;
import io.github.elasticachesecure.testkit.IamFront;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code doctor --iam} through the test kit's {@link IamFront}, which checks each token
 * as ElastiCache does before the real TLS server sees the connection.
 */
class IamDoctorIntegrationTests {

	private static final String USER = "iam-user";

	private static final String CACHE = "my-cache";

	private static final String REGION = "us-east-1";

	private static final String SERVER_PASSWORD = "front-side-password-c41d";

	private static RedisServerProcess server;

	private static IamFront front;

	private static StaticAwsCredentials credentials;

	@BeforeAll
	static void start() {
		credentials = StaticAwsCredentials.install();
		// With --cache, --region and credentials the audit step runs: its AWS calls go to
		// a closed port on loopback, never to AWS.
		System.setProperty("aws.endpointUrl", "http://127.0.0.1:" + FreePorts.unusedLoopbackPort());
		server = RedisServerProcess.tls().aclUser(USER, SERVER_PASSWORD).start();
		front = IamFront.forServer(server)
			.userId(USER)
			.cacheName(CACHE)
			.region(REGION)
			.credentials(StaticAwsCredentials.TEST_CREDENTIALS)
			.aclPassword(SERVER_PASSWORD)
			.start();
	}

	@AfterAll
	static void stop() {
		if (front != null) {
			front.close();
		}
		if (server != null) {
			server.close();
		}
		credentials.close();
		System.clearProperty("aws.endpointUrl");
	}

	private static CommandRun doctor(String... iamOptions) {
		List<String> args = new java.util.ArrayList<>(List.of("doctor", "--endpoint", "localhost:" + front.port(),
				"--ca-file", server.caCertificatePem().toString(), "--timeout", "5", "--iam"));
		args.addAll(List.of(iamOptions));
		return CommandRun.of(Map.of(), args.toArray(String[]::new));
	}

	@Test
	void iamTokenIsAccepted() {
		int accepted = front.acceptedTokens();
		CommandRun run = doctor("--user", USER, "--cache", CACHE, "--region", REGION);
		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(run.line("credentials")).startsWith("PASS")
			.contains("IAM token for user '" + USER + "' on cache '" + CACHE + "' in " + REGION)
			.contains("long-term AWS credentials");
		assertThat(run.verdict("authenticate")).isEqualTo("PASS");
		assertThat(run.verdict("ping")).isEqualTo("PASS");
		assertThat(run.verdict("server")).isEqualTo("PASS");
		assertThat(front.acceptedTokens()).isEqualTo(accepted + 1);
		// the audit's calls met the closed loopback port
		assertThat(run.line("audit")).startsWith("WARN").contains("api-error");
		assertThat(run.mentions(StaticAwsCredentials.SECRET_KEY)).as("the secret key appears in the output").isFalse();
		assertThat(run.mentions("X-Amz-Signature")).as("a token appears in the output").isFalse();
	}

	@Test
	void tokenForAnotherRegionIsRejectedWithTheIamFix() {
		int refused = front.refusedTokens();
		CommandRun run = doctor("--user", USER, "--cache", CACHE, "--region", "eu-west-1");
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.line("authenticate")).startsWith("FAIL").contains("WRONGPASS");
		assertThat(run.out()).contains("'elasticache:Connect' on both the cache ARN and the user ARN");
		assertThat(front.refusedTokens()).isEqualTo(refused + 1);
		assertThat(run.mentions(StaticAwsCredentials.SECRET_KEY)).as("the secret key appears in the output").isFalse();
		assertThat(run.mentions("X-Amz-Signature")).as("a token appears in the output").isFalse();
	}

	@Test
	void endpointThatNamesNoCacheNeedsTheCacheOption() {
		CommandRun run = doctor("--user", USER, "--region", REGION);
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.line("credentials")).startsWith("FAIL").contains("CACHE_NAME");
		assertThat(run.out()).contains("The endpoint's host name names no cache: Set --cache to");
		assertThat(run.verdict("authenticate")).isEqualTo("SKIP");
	}

}
