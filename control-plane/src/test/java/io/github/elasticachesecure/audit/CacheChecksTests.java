package io.github.elasticachesecure.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.github.elasticachesecure.cache.AuthMode;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The posture checks of one cache's facts, without the AWS APIs.
 */
class CacheChecksTests {

	@Test
	@DisplayName("a cache with neither a subnet group nor a VPC security group fails the VPC check, HIGH")
	void cacheOutsideAVpcIsAHighFailure() {
		Finding vpc = CacheChecks.vpc(facts(null, List.of()));
		assertThat(vpc.id()).isEqualTo("vpc");
		assertThat(vpc.passed()).isFalse();
		assertThat(vpc.isHighFailure()).isTrue();
		assertThat(vpc.found()).contains("not in a VPC");
	}

	@Test
	@DisplayName("a cache in a subnet group, or with VPC security groups, passes the VPC check")
	void cacheInAVpcPasses() {
		Finding subnetGroup = CacheChecks.vpc(facts("orders-private", List.of("sg-0123456789abcdef0")));
		assertThat(subnetGroup.passed()).isTrue();
		assertThat(subnetGroup.isHighFailure()).isFalse();
		assertThat(subnetGroup.found()).contains("orders-private");
		Finding securityGroupsOnly = CacheChecks.vpc(facts(null, List.of("sg-0123456789abcdef0")));
		assertThat(securityGroupsOnly.passed()).isTrue();
		assertThat(securityGroupsOnly.isHighFailure()).isFalse();
	}

	@Test
	void transitEncryptionMustBeOnAndRequired() {
		Finding off = CacheChecks.transitEncryption(transit(false, null));
		assertThat(off.id()).isEqualTo("transit-encryption");
		assertThat(off.isHighFailure()).isTrue();
		assertThat(off.found()).isEqualTo(
				"In-transit encryption is disabled on the replication group: clients connect and authenticate in plaintext.");
		Finding preferred = CacheChecks.transitEncryption(transit(true, "preferred"));
		assertThat(preferred.isHighFailure()).isTrue();
		assertThat(preferred.found()).isEqualTo("In-transit encryption is enabled but its mode is preferred: the "
				+ "replication group still accepts plaintext clients.");
		Finding required = CacheChecks.transitEncryption(transit(true, "REQUIRED"));
		assertThat(required.passed()).isTrue();
		assertThat(required.severity()).isEqualTo(Severity.HIGH);
		assertThat(required.found()).isEqualTo("In-transit encryption is enabled, mode required.");
	}

	@Test
	void encryptionAtRestIsAWarningAndNamesTheKey() {
		Finding off = CacheChecks.atRestEncryption(new CacheFacts("replication group", false, true, "required", false,
				null, false, List.of(), null, null, null, List.of(), List.of(6379), null, null, 0));
		assertThat(off.id()).isEqualTo("at-rest-encryption");
		assertThat(off.passed()).isFalse();
		assertThat(off.severity()).isEqualTo(Severity.WARNING);
		assertThat(off.isHighFailure()).isFalse();
		Finding kms = CacheChecks.atRestEncryption(
				new CacheFacts("replication group", false, true, "required", true, "arn:aws:kms:us-east-1:1:key/k",
						false, List.of(), null, null, null, List.of(), List.of(6379), null, null, 0));
		assertThat(kms.passed()).isTrue();
		assertThat(kms.found()).isEqualTo(
				"Encryption at rest is enabled, with the customer-managed KMS key arn:aws:kms:us-east-1:1:key/k.");
	}

	@Test
	void authenticationNeedsAUserGroupOrAnAuthToken() {
		Finding groups = CacheChecks.authentication(auth(List.of("a-users", "b-users"), false));
		assertThat(groups.passed()).isTrue();
		assertThat(groups.found()).isEqualTo("Access control by user group a-users, b-users.");
		Finding token = CacheChecks.authentication(auth(List.of(), true));
		assertThat(token.passed()).isTrue();
		assertThat(token.found()).isEqualTo("An AUTH token protects the default user.");
		Finding none = CacheChecks.authentication(auth(List.of(), false));
		assertThat(none.isHighFailure()).isTrue();
		assertThat(none.found()).isEqualTo(
				"The replication group has neither a user group nor an AUTH token: any client that reaches it has full access.");
	}

	@Test
	void iamNeedsRedis7OrValkey72() {
		assertThat(CacheChecks.engineVersion(engine("redis", "6.2.6"), AuthMode.IAM).found())
			.isEqualTo("redis 6.2.6 does not support IAM authentication, which needs Redis OSS 7.0 or later.");
		assertThat(CacheChecks.engineVersion(engine("redis", "6.2.6"), AuthMode.IAM).isHighFailure()).isTrue();
		assertThat(CacheChecks.engineVersion(engine("Redis", "7.0.7"), AuthMode.IAM).found())
			.isEqualTo("redis 7.0.7 supports IAM authentication.");
		assertThat(CacheChecks.engineVersion(engine("valkey", "7.1"), AuthMode.IAM).found())
			.isEqualTo("valkey 7.1 does not support IAM authentication, which needs Valkey 7.2 or later.");
		assertThat(CacheChecks.engineVersion(engine("valkey", "7.2"), AuthMode.IAM).passed()).isTrue();
		assertThat(CacheChecks.engineVersion(engine("valkey", "8"), AuthMode.IAM).passed()).isTrue();
		assertThat(CacheChecks.engineVersion(engine("redis", "6.2.6"), AuthMode.PASSWORD).found())
			.isEqualTo("redis 6.2.6.");
		assertThat(CacheChecks.engineVersion(engine(null, null), AuthMode.IAM).found())
			.isEqualTo("engine (version not reported).");
		assertThat(CacheChecks.engineVersion(engine(null, null), AuthMode.IAM).passed()).isTrue();
	}

	@Test
	void versionsCompareByTheirNumbers() {
		assertThat(CacheChecks.compare("7.2.4", new int[] { 7, 2 })).isZero();
		assertThat(CacheChecks.compare("7.10", new int[] { 7, 2 })).isPositive();
		assertThat(CacheChecks.compare("7", new int[] { 7, 2 })).isNegative();
		assertThat(CacheChecks.compare("7", new int[] { 7, 0 })).isZero();
		assertThat(CacheChecks.compare("6.9", new int[] { 7, 0 })).isNegative();
		assertThat(CacheChecks.compare("8.0", new int[] { 7, 2 })).isPositive();
		assertThat(CacheChecks.compare("v7.2", new int[] { 7, 2 })).isNegative();
	}

	@Test
	void resilienceIsInformation() {
		List<Finding> findings = CacheChecks.resilience(new CacheFacts("replication group", false, true, "required",
				true, null, false, List.of(), null, null, null, List.of(), List.of(6379), false, null, 0));
		assertThat(findings).extracting(Finding::id).containsExactly("automatic-failover", "multi-az", "backups");
		assertThat(findings).allSatisfy((finding) -> {
			assertThat(finding.passed()).isFalse();
			assertThat(finding.severity()).isEqualTo(Severity.INFO);
		});
		assertThat(findings).extracting(Finding::found)
			.containsExactly("Automatic failover is disabled.", "Multi-AZ is disabled.", "Automatic backups are off.");
		List<Finding> enabled = CacheChecks.resilience(new CacheFacts("replication group", false, true, "required",
				true, null, false, List.of(), null, null, null, List.of(), List.of(6379), true, true, 1));
		assertThat(enabled).extracting(Finding::found)
			.containsExactly("Automatic failover is enabled.", "Multi-AZ is enabled.",
					"Automatic backups kept 1 day(s).");
		assertThat(enabled).allMatch(Finding::passed);
		List<Finding> serverless = CacheChecks.resilience(new CacheFacts("serverless cache", true, true, "required",
				true, null, false, List.of(), null, null, null, List.of(), List.of(6379), null, null, 3));
		assertThat(serverless).extracting(Finding::found).containsExactly("Automatic backups kept 3 day(s).");
	}

	@Test
	void aFindingAndAReportDescribeThemselves() {
		Finding high = Finding.fail("vpc", Severity.HIGH, "Not in a VPC.", "Move it.");
		Finding warning = Finding.fail("at-rest-encryption", Severity.WARNING, "Off.", "Recreate it.");
		Finding passed = Finding.pass("backups", Severity.INFO, "Kept 1 day(s).");
		assertThat(high).hasToString("[high] vpc: Not in a VPC. Fix: Move it.");
		assertThat(passed).hasToString("[pass] backups: Kept 1 day(s).");
		assertThat(warning.isHighFailure()).isFalse();
		assertThat(Finding.pass("vpc", Severity.HIGH, "In a VPC.").isHighFailure()).isFalse();
		PostureReport report = new PostureReport("orders", "us-east-1", Instant.parse("2026-12-07T10:15:30Z"),
				List.of(high, warning, passed));
		assertThat(report.failures()).containsExactly(high, warning);
		assertThat(report.highFailures()).containsExactly(high);
		assertThat(report.findings("backups")).containsExactly(passed);
		Map<String, Object> details = report.toDetails();
		assertThat(details).containsExactly(entry("cache", "orders"), entry("region", "us-east-1"),
				entry("auditedAt", "2026-12-07T10:15:30Z"), entry("failedHigh", 1), entry("failed", 2),
				entry("findings", List.of(
						Map.of("id", "vpc", "severity", "high", "status", "high", "found", "Not in a VPC.", "fix",
								"Move it."),
						Map.of("id", "at-rest-encryption", "severity", "warning", "status", "warning", "found", "Off.",
								"fix", "Recreate it."),
						Map.of("id", "backups", "severity", "info", "status", "pass", "found", "Kept 1 day(s)."))));
	}

	private static CacheFacts transit(boolean enabled, @Nullable String mode) {
		return new CacheFacts("replication group", false, enabled, mode, true, null, false, List.of(), null, null, null,
				List.of(), List.of(6379), null, null, 0);
	}

	private static CacheFacts auth(List<String> userGroups, boolean authToken) {
		return new CacheFacts("replication group", false, true, "required", true, null, authToken, userGroups, null,
				null, null, List.of(), List.of(6379), null, null, 0);
	}

	private static CacheFacts engine(@Nullable String engine, @Nullable String version) {
		return new CacheFacts("replication group", false, true, "required", true, null, false, List.of(), engine,
				version, null, List.of(), List.of(6379), null, null, 0);
	}

	private static CacheFacts facts(@Nullable String subnetGroup, List<String> securityGroupIds) {
		return new CacheFacts("replication group", false, true, "required", true, null, false, List.of("orders-users"),
				"valkey", "7.2.4", subnetGroup, securityGroupIds, List.of(6379), true, true, 1);
	}

}
