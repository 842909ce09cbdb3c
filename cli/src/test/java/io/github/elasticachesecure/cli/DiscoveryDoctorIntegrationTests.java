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

import static io.github.elasticachesecure.testsupport.AwsFixtures.replicationGroupAt;
import static io.github.elasticachesecure.testsupport.AwsFixtures.serverlessCacheAt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code doctor --cache NAME --region R} without {@code --endpoint}: the endpoint is
 * found through ElastiCache's query API, played on loopback in its real wire format, then
 * checked against a real TLS server.
 */
class DiscoveryDoctorIntegrationTests {

	private static final String PASSWORD = "discovery-doctor-password-8a1f";

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

	private void answerWithTheGroup(String transitMode) {
		String endpoint = "localhost:" + server.port();
		this.aws.answer("DescribeReplicationGroups", replicationGroupAt("orders", transitMode, endpoint, endpoint,
				endpoint + " us-east-1a primary", endpoint + " us-east-1b replica"));
	}

	private static CommandRun doctor(String... more) {
		List<String> args = new ArrayList<>(List.of("doctor", "--cache", "orders", "--region", "us-east-1", "--ca-file",
				server.caCertificatePem().toString(), "--user", "app", "--timeout", "5"));
		args.addAll(List.of(more));
		try (StaticAwsCredentials credentials = StaticAwsCredentials.install()) {
			return CommandRun.of(Map.of("ELASTICACHE_PASSWORD", PASSWORD), args.toArray(String[]::new));
		}
	}

	@Test
	void theEndpointFoundByTheCachesNameIsChecked() {
		answerWithTheGroup("required");
		CommandRun run = doctor();
		assertThat(run.line("endpoint")).as(run.toString())
			.startsWith("PASS")
			.contains("cache 'orders' in us-east-1 (replication-group, found with "
					+ "elasticache:DescribeReplicationGroups): localhost:" + server.port() + " resolves to");
		assertThat(run.verdict("tls")).isEqualTo("PASS");
		assertThat(run.verdict("authenticate")).isEqualTo("PASS");
		assertThat(run.verdict("ping")).isEqualTo("PASS");
		assertThat(run.verdict("server")).isEqualTo("PASS");
		// The audit runs on the cache found: this group has no user group.
		assertThat(run.line("audit")).as(run.toString())
			.contains("checks of cache 'orders' in us-east-1 failed: authentication (high)");
		assertThat(this.aws.actions()).startsWith("DescribeReplicationGroups");
		assertThat(run.mentions(StaticAwsCredentials.SECRET_KEY)).as("secret key in the output").isFalse();
		assertThat(run.mentions(PASSWORD)).as("password in the output").isFalse();
	}

	@Test
	void aServerlessCacheIsFoundWhenNoReplicationGroupHasTheName() {
		this.aws.elastiCacheError("DescribeReplicationGroups", 404, "ReplicationGroupNotFoundFault",
				"ReplicationGroup orders not found.");
		this.aws.answer("DescribeServerlessCaches", serverlessCacheAt("orders", "localhost:" + server.port()));
		CommandRun run = doctor("--json");
		assertThat(run.out()).as(run.toString())
			.contains("\"topology\" : \"serverless\"")
			.contains("elasticache:DescribeServerlessCaches");
		assertThat(this.aws.actions()).startsWith("DescribeReplicationGroups", "DescribeServerlessCaches");
	}

	@Test
	void aCacheThatAcceptsPlaintextClientsIsRefusedBeforeAnyConnection() {
		answerWithTheGroup("preferred");
		CommandRun run = doctor();
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.line("endpoint")).startsWith("FAIL")
			.contains("The replication group 'orders' in us-east-1 does not require TLS");
		assertThat(run.out()).contains("TransitEncryptionMode=required");
		assertThat(run.verdict("connect")).isEqualTo("SKIP");
		assertThat(run.verdict("authenticate")).isEqualTo("SKIP");
	}

	@Test
	void aDeniedLookupNamesTheIamAction() {
		this.aws.elastiCacheError("DescribeReplicationGroups", 403, "AccessDenied", "not authorized");
		CommandRun run = doctor();
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.line("endpoint")).startsWith("FAIL").contains("elasticache:DescribeReplicationGroups");
		assertThat(run.out())
			.contains("Allow the IAM action 'elasticache:DescribeReplicationGroups' to the identity of the AWS "
					+ "default credentials chain, or give --endpoint.");
		assertThat(run.verdict("connect")).isEqualTo("SKIP");
	}

	@Test
	void anUnknownNameSaysWhatToCheck() {
		this.aws.elastiCacheError("DescribeReplicationGroups", 404, "ReplicationGroupNotFoundFault",
				"ReplicationGroup orders not found.");
		this.aws.elastiCacheError("DescribeServerlessCaches", 404, "ServerlessCacheNotFoundFault",
				"Serverless cache orders not found.");
		CommandRun run = doctor();
		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.line("endpoint")).startsWith("FAIL")
			.contains("No replication group and no serverless cache named 'orders' in us-east-1");
		assertThat(run.out()).contains(
				"Check --cache (the replication group id or serverless cache name) and " + "--region (us-east-1).");
	}

}
