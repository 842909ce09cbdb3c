package io.github.elasticachesecure.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.elasticachesecure.testkit.LocalSecretsManager;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code doctor --secret} reads the password from the test kit's
 * {@link LocalSecretsManager} through the starter's own code and authenticates with it to
 * a real TLS server; the password never appears in the report.
 */
class SecretDoctorIntegrationTests {

	private static final String USER = "from-secret";

	private static final String PASSWORD = "doctor-secret-password-5e1a";

	@RegisterExtension
	static final LocalSecretsManager secrets = LocalSecretsManager.create("eu-west-1");

	private static RedisServerProcess server;

	private static StaticAwsCredentials credentials;

	@BeforeAll
	static void start() {
		credentials = StaticAwsCredentials.install();
		server = RedisServerProcess.tls().aclUser(USER, PASSWORD).start();
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
		credentials.close();
	}

	private static CommandRun doctor(String... secretOptions) {
		List<String> args = new ArrayList<>(List.of("doctor", "--endpoint", "localhost:" + server.port(), "--ca-file",
				server.caCertificatePem().toString(), "--timeout", "5"));
		args.addAll(List.of(secretOptions));
		return CommandRun.of(Map.of(), args.toArray(String[]::new));
	}

	@Test
	void thePasswordAndUserOfTheSecretAreAccepted() {
		String version = secrets.putSecretValue("app/redis",
				"{\"username\":\"" + USER + "\",\"password\":\"" + PASSWORD + "\"}");
		CommandRun run = doctor("--secret", secrets.arn("app/redis"));
		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(run.line("credentials")).startsWith("PASS")
			.contains("password for user '" + USER + "' from secret '" + secrets.arn("app/redis") + "' in eu-west-1")
			.contains(version);
		assertThat(run.verdict("authenticate")).isEqualTo("PASS");
		assertThat(run.mentions(PASSWORD)).as("the password appears in the output").isFalse();
		assertThat(run.mentions(StaticAwsCredentials.SECRET_KEY)).as("the secret key appears in the output").isFalse();
	}

	@Test
	void anUnreadableSecretFailsNamingThePermissions() {
		secrets.putSecretValue("denied", PASSWORD);
		secrets.failWith("denied", "AccessDeniedException", "not authorized to perform: secretsmanager:GetSecretValue");
		CommandRun run = doctor("--secret", "denied", "--region", "eu-west-1");
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.line("credentials")).startsWith("FAIL").contains("AccessDeniedException");
		assertThat(run.out()).contains("'secretsmanager:GetSecretValue'").contains("'kms:Decrypt'");
		assertThat(run.verdict("authenticate")).isEqualTo("SKIP");
		assertThat(run.mentions(PASSWORD)).as("the password appears in the output").isFalse();
	}

	@Test
	void aSecretNameNeedsARegion() {
		CommandRun run = doctor("--secret", "app/redis");
		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.err()).contains("--secret needs --region unless it is an ARN");
	}

}
