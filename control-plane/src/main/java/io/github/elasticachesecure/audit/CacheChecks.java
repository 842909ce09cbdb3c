package io.github.elasticachesecure.audit;

import java.util.List;
import java.util.Locale;

import io.github.elasticachesecure.cache.AuthMode;
import org.jspecify.annotations.Nullable;

/**
 * The checks that need only the cache's own description: encryption in transit and at
 * rest, whether access control is configured, the engine version, the VPC, and for
 * information failover and backups.
 */
final class CacheChecks {

	private CacheChecks() {
	}

	static Finding transitEncryption(CacheFacts cache) {
		String id = "transit-encryption";
		if (!cache.transitEncryption()) {
			return Finding.fail(id, Severity.HIGH,
					"In-transit encryption is disabled on the " + cache.kind()
							+ ": clients connect and authenticate in plaintext.",
					"Enable in-transit encryption (modify the replication group: TransitEncryptionEnabled=true, "
							+ "TransitEncryptionMode=preferred, then required once every client uses TLS).");
		}
		if (!"required".equalsIgnoreCase(cache.transitEncryptionMode())) {
			return Finding.fail(id, Severity.HIGH,
					"In-transit encryption is enabled but its mode is " + cache.transitEncryptionMode() + ": the "
							+ cache.kind() + " still accepts plaintext clients.",
					"Set TransitEncryptionMode=required (aws elasticache modify-replication-group "
							+ "--transit-encryption-mode required --apply-immediately) once every client uses TLS.");
		}
		return Finding.pass(id, Severity.HIGH, "In-transit encryption is enabled, mode required.");
	}

	static Finding atRestEncryption(CacheFacts cache) {
		String id = "at-rest-encryption";
		if (!cache.atRestEncryption()) {
			return Finding.fail(id, Severity.WARNING,
					"Encryption at rest is disabled: backups and swap are " + "stored unencrypted.",
					"Encryption at rest cannot be turned on for an existing replication "
							+ "group: create a new one with AtRestEncryptionEnabled=true (from a backup) and move "
							+ "the clients to it.");
		}
		return Finding.pass(id, Severity.WARNING, "Encryption at rest is enabled, " + ((cache.kmsKeyId() != null)
				? "with the customer-managed KMS key " + cache.kmsKeyId() : "with an AWS-owned key") + ".");
	}

	static Finding authentication(CacheFacts cache) {
		String id = "authentication";
		if (!cache.userGroupIds().isEmpty()) {
			return Finding.pass(id, Severity.HIGH,
					"Access control by user group " + String.join(", ", cache.userGroupIds()) + ".");
		}
		if (cache.authToken()) {
			return Finding.pass(id, Severity.HIGH, "An AUTH token protects the default user.");
		}
		return Finding.fail(id, Severity.HIGH,
				"The " + cache.kind() + " has neither a user group nor an AUTH "
						+ "token: any client that reaches it has full access.",
				"Attach a user group (RBAC) whose 'default' user is disabled or has a password, with the "
						+ "application's user (IAM or password authentication).");
	}

	static Finding engineVersion(CacheFacts cache, AuthMode authMode) {
		String id = "engine-version";
		String engine = (cache.engine() != null) ? cache.engine().toLowerCase(Locale.ROOT) : null;
		String version = cache.engineVersion();
		String described = ((engine != null) ? engine : "engine") + " "
				+ ((version != null) ? version : "(version " + "not reported)");
		if (authMode != AuthMode.IAM || version == null) {
			return Finding.pass(id, Severity.HIGH, described + ".");
		}
		boolean valkey = "valkey".equals(engine);
		int[] minimum = valkey ? new int[] { 7, 2 } : new int[] { 7, 0 };
		if (compare(version, minimum) < 0) {
			return Finding.fail(id, Severity.HIGH,
					described + " does not support IAM authentication, which needs "
							+ (valkey ? "Valkey 7.2" : "Redis OSS 7.0") + " or later.",
					"Upgrade the engine to Valkey 7.2+ or Redis OSS 7.0+, or use password authentication "
							+ "(elasticache.secure.auth.mode=password).");
		}
		return Finding.pass(id, Severity.HIGH, described + " supports IAM authentication.");
	}

	static Finding vpc(CacheFacts cache) {
		String id = "vpc";
		if (cache.subnetGroup() == null && cache.securityGroupIds().isEmpty()) {
			return Finding.fail(id, Severity.HIGH,
					"The " + cache.kind() + " reports no subnet group and no VPC "
							+ "security group: it is not in a VPC.",
					"Create the cache in a VPC (a cache subnet group of "
							+ "private subnets) and move the clients to it.");
		}
		return Finding.pass(id, Severity.HIGH, "In a VPC ("
				+ ((cache.subnetGroup() != null) ? "subnet group " + cache.subnetGroup() : "security groups") + ").");
	}

	static List<Finding> resilience(CacheFacts cache) {
		Finding backups = (cache.snapshotRetentionDays() > 0)
				? Finding.pass("backups", Severity.INFO,
						"Automatic backups kept " + cache.snapshotRetentionDays() + " day(s).")
				: Finding.fail("backups", Severity.INFO, "Automatic backups are off.",
						"Set SnapshotRetentionLimit to 1 or more days if the data must survive a loss of the cache.");
		if (cache.serverless()) {
			return List.of(backups);
		}
		return List.of(
				info("automatic-failover", cache.automaticFailover(), "Automatic failover",
						"Enable automatic failover (needs a replica) so that a failed primary is replaced in seconds."),
				info("multi-az", cache.multiAz(), "Multi-AZ",
						"Enable Multi-AZ with replicas in other availability zones."),
				backups);
	}

	private static Finding info(String id, @Nullable Boolean enabled, String name, String fix) {
		return Boolean.TRUE.equals(enabled) ? Finding.pass(id, Severity.INFO, name + " is enabled.")
				: Finding.fail(id, Severity.INFO, name + " is disabled.", fix);
	}

	/**
	 * Compares a version such as {@code 7.1.0} or {@code 7} with a minimum: missing parts
	 * count as 0.
	 */
	static int compare(String version, int[] minimum) {
		String[] parts = version.split("[^0-9]+");
		for (int i = 0; i < minimum.length; i++) {
			int part = (i < parts.length && !parts[i].isEmpty()) ? Integer.parseInt(parts[i]) : 0;
			if (part != minimum[i]) {
				return Integer.compare(part, minimum[i]);
			}
		}
		return 0;
	}

}
