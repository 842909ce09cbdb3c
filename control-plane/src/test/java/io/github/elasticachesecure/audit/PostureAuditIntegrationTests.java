package io.github.elasticachesecure.audit;

import java.time.Duration;
import java.util.List;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.testsupport.FakeAwsApi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import static io.github.elasticachesecure.testsupport.AwsFixtures.cacheCluster;
import static io.github.elasticachesecure.testsupport.AwsFixtures.replicationGroup;
import static io.github.elasticachesecure.testsupport.AwsFixtures.securityGroup;
import static io.github.elasticachesecure.testsupport.AwsFixtures.serverlessCache;
import static io.github.elasticachesecure.testsupport.AwsFixtures.user;
import static io.github.elasticachesecure.testsupport.AwsFixtures.userGroup;
import static io.github.elasticachesecure.testsupport.AwsFixtures.users;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit against ElastiCache's and EC2's query APIs played on loopback in their real
 * wire format, reached through the SDK's standard endpoint configuration (the
 * {@code aws.endpointUrl} system property, as AWS_ENDPOINT_URL).
 */
public class PostureAuditIntegrationTests {

	static final String SECRET_KEY = "S3cret-audit-key-wJalrXUtnFEMI";

	@RegisterExtension
	final FakeAwsApi aws = FakeAwsApi.forEachTest();

	private PostureReport audit(AuthMode mode, CacheTopology topology, Duration timeout) {
		try (PostureAudit audit = PostureAudit
			.builder("orders", "us-east-1",
					StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", SECRET_KEY)))
			.topology(topology)
			.authentication(mode, (mode == AuthMode.IAM) ? "app" : null)
			.timeout(timeout)
			.build()) {
			PostureReport report = audit.run();
			assertThat(report.toString().contains(SECRET_KEY)).as("secret key in the report").isFalse();
			return report;
		}
	}

	private PostureReport audit() {
		return audit(AuthMode.IAM, CacheTopology.REPLICATION_GROUP, Duration.ofSeconds(10));
	}

	private static Finding only(PostureReport report, String id) {
		List<Finding> findings = report.findings(id);
		assertThat(findings).as("findings " + id + " in " + report.findings()).hasSize(1);
		return findings.get(0);
	}

	@Test
	void secureReplicationGroupPassesEveryCheck() {
		PostureReport report = audit();
		assertThat(report.findings()).extracting(Finding::id)
			.containsExactly("transit-encryption", "at-rest-encryption", "authentication", "default-user", "iam-user",
					"engine-version", "vpc", "security-group", "automatic-failover", "multi-az", "backups");
		assertThat(report.failures()).isEmpty();
		assertThat(only(report, "at-rest-encryption").found()).contains("AWS-owned key");
		assertThat(only(report, "vpc").found()).contains("orders-private");
		assertThat(only(report, "security-group").found()).contains("sg-0123456789abcdef0 (orders-cache)");
		assertThat(this.aws.actions()).containsExactly("DescribeReplicationGroups", "DescribeCacheClusters",
				"DescribeUserGroups", "DescribeUsers", "DescribeSecurityGroups");
	}

	@Test
	@DisplayName("a replication group whose cluster reports neither a subnet group nor a security group fails the VPC check, HIGH")
	void replicationGroupOutsideAVpcIsHigh() {
		this.aws.answer("DescribeCacheClusters",
				cacheCluster("orders", "valkey", "7.2.4", "sg-0123456789abcdef0")
					.replace("<CacheSubnetGroupName>orders-private</CacheSubnetGroupName>", "")
					.replaceAll("<SecurityGroups>.*</SecurityGroups>", "<SecurityGroups/>"));
		Finding vpc = only(audit(), "vpc");
		assertThat(vpc.passed()).isFalse();
		assertThat(vpc.isHighFailure()).isTrue();
	}

	@Test
	void transitEncryptionModePreferredIsHigh() {
		this.aws.answer("DescribeReplicationGroups",
				replicationGroup("orders", true, "preferred", true, null, "orders-users"));
		Finding finding = only(audit(), "transit-encryption");
		assertThat(finding.isHighFailure()).isTrue();
		assertThat(finding.found()).contains("preferred");
		assertThat(finding.fix()).contains("TransitEncryptionMode=required");
	}

	@Test
	void transitEncryptionDisabledIsHigh() {
		this.aws.answer("DescribeReplicationGroups",
				replicationGroup("orders", false, null, true, null, "orders-users"));
		assertThat(only(audit(), "transit-encryption").isHighFailure()).isTrue();
	}

	@Test
	void atRestEncryptionReportsTheKeyOrItsAbsence() {
		String key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
		this.aws.answer("DescribeReplicationGroups",
				replicationGroup("orders", true, "required", true, key, "orders-users"));
		assertThat(only(audit(), "at-rest-encryption").found()).contains("customer-managed KMS key " + key);
		this.aws.answer("DescribeReplicationGroups",
				replicationGroup("orders", true, "required", false, null, "orders-users"));
		Finding disabled = only(audit(), "at-rest-encryption");
		assertThat(disabled.passed()).isFalse();
		assertThat(disabled.severity()).isEqualTo(Severity.WARNING);
	}

	@Test
	void noUserGroupAndNoAuthTokenIsHigh() {
		this.aws.answer("DescribeReplicationGroups", replicationGroup("orders", true, "required", true, null, null));
		PostureReport report = audit(AuthMode.PASSWORD, CacheTopology.REPLICATION_GROUP, Duration.ofSeconds(10));
		assertThat(only(report, "authentication").isHighFailure()).isTrue();
	}

	@Test
	void openDefaultUserIsHigh() {
		this.aws
			.answer("DescribeUsers",
					users(user("default", "default", "on ~* +@all", "no-password", "orders-users"),
							user("app", "app", "on ~* +@all", "iam", "orders-users")))
			.answer("DescribeUserGroups", userGroup("orders-users", "default", "app"));
		Finding finding = only(audit(), "default-user");
		assertThat(finding.isHighFailure()).isTrue();
		assertThat(finding.found()).contains("orders-users").contains("on ~* +@all");
	}

	@Test
	void iamUserMustExistUseIamAndBeInAnAttachedGroup() {
		this.aws.answer("DescribeUsers",
				users(user("orders-default", "default", "off -@all", "no-password", "orders-users")));
		assertThat(only(audit(), "iam-user").found()).contains("does not exist");
		this.aws.answer("DescribeUsers", users(user("app", "app", "on ~* +@all", "password", "orders-users")));
		assertThat(only(audit(), "iam-user").found()).contains("authenticates with password");
		this.aws.answer("DescribeUsers", users(user("app", "app", "on ~* +@all", "iam", "other-users")));
		Finding notAttached = only(audit(), "iam-user");
		assertThat(notAttached.isHighFailure()).isTrue();
		assertThat(notAttached.found()).contains("in no user group attached");
	}

	@Test
	void iamNeedsRedis7OrValkey72() {
		this.aws.answer("DescribeCacheClusters", cacheCluster("orders", "redis", "6.2.6", "sg-0123456789abcdef0"));
		Finding finding = only(audit(), "engine-version");
		assertThat(finding.isHighFailure()).isTrue();
		assertThat(finding.found()).contains("redis 6.2.6");
		assertThat(only(audit(AuthMode.PASSWORD, CacheTopology.REPLICATION_GROUP, Duration.ofSeconds(10)),
				"engine-version")
			.passed()).isTrue();
	}

	@Test
	void securityGroupOpenToTheWorldOnTheCachePortIsHighAndNamed() {
		this.aws.answer("DescribeSecurityGroups",
				securityGroup("sg-0123456789abcdef0", "orders-cache", "tcp", 6379, 6380, null, "::/0"));
		Finding finding = only(audit(), "security-group");
		assertThat(finding.isHighFailure()).isTrue();
		assertThat(finding.found()).contains("sg-0123456789abcdef0 (orders-cache)").contains("tcp 6379-6380 from ::/0");
		this.aws.answer("DescribeSecurityGroups",
				securityGroup("sg-0123456789abcdef0", "orders-cache", "-1", -1, -1, "0.0.0.0/0", null));
		assertThat(only(audit(), "security-group").found()).contains("all traffic from 0.0.0.0/0");
		this.aws.answer("DescribeSecurityGroups",
				securityGroup("sg-0123456789abcdef0", "orders-cache", "tcp", 22, 22, "0.0.0.0/0", null));
		assertThat(only(audit(), "security-group").passed()).as("another port open to the world").isTrue();
	}

	@Test
	void accessDeniedIsAWarningNamingTheAction() {
		this.aws
			.elastiCacheError("DescribeUsers", 403, "AccessDenied",
					"User: arn:aws:sts::123456789012:assumed-role/app"
							+ " is not authorized to perform: elasticache:DescribeUsers")
			.ec2Error("DescribeSecurityGroups", 403, "UnauthorizedOperation",
					"You are not authorized to perform this " + "operation.");
		PostureReport report = audit();
		assertThat(report.findings("missing-permission")).extracting(Finding::fix)
			.anySatisfy((fix) -> assertThat(fix).contains("'elasticache:DescribeUsers'"))
			.anySatisfy((fix) -> assertThat(fix).contains("'ec2:DescribeSecurityGroups'"));
		assertThat(report.highFailures()).isEmpty();
		assertThat(report.findings("transit-encryption")).singleElement().matches(Finding::passed);
	}

	@Test
	void throttlingIsReported() {
		this.aws.elastiCacheError("DescribeReplicationGroups", 400, "Throttling", "Rate exceeded");
		PostureReport report = audit();
		assertThat(only(report, "throttled").found()).contains("elasticache:DescribeReplicationGroups");
		assertThat(report.highFailures()).isEmpty();
	}

	@Test
	void aSlowEndpointIsATimeoutWithinTheBound() {
		this.aws.hang("DescribeUsers");
		long start = System.nanoTime();
		PostureReport report = audit(AuthMode.IAM, CacheTopology.REPLICATION_GROUP, Duration.ofSeconds(2));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
		assertThat(report.findings("timeout")).isNotEmpty();
		assertThat(report.findings("transit-encryption")).singleElement().matches(Finding::passed);
	}

	@Test
	void serverlessCacheIsAuditedThroughDescribeServerlessCaches() {
		this.aws.answer("DescribeServerlessCaches", serverlessCache("orders", "orders-users", "sg-0123456789abcdef0"));
		PostureReport report = audit(AuthMode.IAM, CacheTopology.SERVERLESS, Duration.ofSeconds(10));
		assertThat(report.findings()).extracting(Finding::id)
			.containsExactly("transit-encryption", "at-rest-encryption", "authentication", "default-user", "iam-user",
					"engine-version", "vpc", "security-group", "backups");
		assertThat(report.highFailures()).isEmpty();
		assertThat(only(report, "security-group").found()).contains("6379/6380");
		this.aws.answer("DescribeServerlessCaches", serverlessCache("orders", null, "sg-0123456789abcdef0"));
		assertThat(only(audit(AuthMode.PASSWORD, CacheTopology.SERVERLESS, Duration.ofSeconds(10)), "authentication")
			.isHighFailure()).isTrue();
	}

	@Test
	void anUnknownCacheIsAWarning() {
		this.aws.elastiCacheError("DescribeReplicationGroups", 404, "ReplicationGroupNotFoundFault",
				"ReplicationGroup orders not found.");
		PostureReport report = audit();
		assertThat(report.failures()).singleElement().matches((finding) -> finding.id().equals("api-error"));
	}

}
