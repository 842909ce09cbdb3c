package io.github.elasticachesecure.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testsupport.FakeAwsApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.github.elasticachesecure.testsupport.AwsFixtures.securityGroup;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code doctor}'s audit step: the starter's posture audit against ElastiCache's and
 * EC2's query APIs played on loopback in their real wire format (reached through the
 * SDK's {@code aws.endpointUrl}), after the connection steps against a real TLS server.
 */
class AuditDoctorIntegrationTests {

	private static final String PASSWORD = "audit-doctor-password-4c2e";

	private static RedisServerProcess server;

	@RegisterExtension
	final FakeAwsApi aws = FakeAwsApi.forEachTest();

	@BeforeAll
	static void startServer() {
		server = RedisServerProcess.tls().aclUser("app", PASSWORD).start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	private static CommandRun doctor(String... more) {
		List<String> args = new ArrayList<>(List.of("doctor", "--endpoint", "localhost:" + server.port(), "--ca-file",
				server.caCertificatePem().toString(), "--user", "app", "--timeout", "5"));
		args.addAll(List.of(more));
		try (StaticAwsCredentials credentials = StaticAwsCredentials.install()) {
			return CommandRun.of(Map.of("ELASTICACHE_PASSWORD", PASSWORD), args.toArray(String[]::new));
		}
	}

	@Test
	void aSecureCachePassesTheAudit() {
		CommandRun run = doctor("--cache", "orders", "--region", "us-east-1");
		assertThat(run.verdict("audit")).as(run.toString()).isEqualTo("PASS");
		assertThat(run.line("audit")).contains("cache 'orders' in us-east-1");
		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(this.aws.actions()).contains("DescribeReplicationGroups", "DescribeSecurityGroups");
		assertThat(run.mentions(StaticAwsCredentials.SECRET_KEY)).as("secret key in the output").isFalse();
		assertThat(run.mentions(PASSWORD)).as("password in the output").isFalse();
	}

	@Test
	void aSecurityGroupOpenToTheWorldFailsTheAuditWithItsFix() {
		this.aws.answer("DescribeSecurityGroups",
				securityGroup("sg-0123456789abcdef0", "orders-cache", "tcp", 6379, 6379, "0.0.0.0/0", null));
		CommandRun run = doctor("--cache", "orders", "--region", "us-east-1", "--json");
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.out()).contains("\"audit\"", "security-group", "sg-0123456789abcdef0", "0.0.0.0/0",
				"revoke-security-group-ingress");
	}

	@Test
	void aMissingPermissionIsAWarningNamingTheAction() {
		this.aws.ec2Error("DescribeSecurityGroups", 403, "UnauthorizedOperation",
				"You are not authorized to perform this operation.");
		CommandRun run = doctor("--cache", "orders", "--region", "us-east-1");
		assertThat(run.verdict("audit")).as(run.toString()).isEqualTo("WARN");
		assertThat(run.out()).contains("ec2:DescribeSecurityGroups");
		assertThat(run.exitCode()).as(run.toString()).isZero();
	}

	@Test
	void withoutARegionTheAuditIsSkippedAndSaysWhatToGive() {
		CommandRun run = doctor();
		assertThat(run.line("audit")).startsWith("SKIP").contains("--region");
		assertThat(this.aws.actions()).isEmpty();
	}

}
