package io.github.elasticachesecure.audit;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.elasticache.model.AutomaticFailoverStatus;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.Endpoint;
import software.amazon.awssdk.services.elasticache.model.MultiAZStatus;
import software.amazon.awssdk.services.elasticache.model.NodeGroup;
import software.amazon.awssdk.services.elasticache.model.ReplicationGroup;
import software.amazon.awssdk.services.elasticache.model.SecurityGroupMembership;
import software.amazon.awssdk.services.elasticache.model.ServerlessCache;
import software.amazon.awssdk.services.elasticache.model.TransitEncryptionMode;

/**
 * What the checks need to know of a replication group or a serverless cache, in the same
 * terms for both.
 *
 * @param kind {@code replication group} or {@code serverless cache}, for the reports
 * @param serverless whether it is a serverless cache
 * @param transitEncryption whether in-transit encryption is enabled
 * @param transitEncryptionMode {@code required} or {@code preferred}, {@code null} when
 * not reported
 * @param atRestEncryption whether encryption at rest is enabled
 * @param kmsKeyId the customer-managed KMS key, {@code null} for an AWS-owned key
 * @param authToken whether an AUTH token (password of the default user) is set
 * @param userGroupIds the user groups attached
 * @param engine {@code redis} or {@code valkey}, {@code null} when not known
 * @param engineVersion the engine version, {@code null} when not known
 * @param subnetGroup the cache subnet group (VPC), {@code null} when none is reported
 * @param securityGroupIds the VPC security groups attached
 * @param ports the ports clients connect to
 * @param automaticFailover whether automatic failover is enabled, {@code null} when not
 * applicable
 * @param multiAz whether Multi-AZ is enabled, {@code null} when not applicable
 * @param snapshotRetentionDays how many days automatic backups are kept (0: none)
 */
record CacheFacts(String kind, boolean serverless, boolean transitEncryption, @Nullable String transitEncryptionMode,
		boolean atRestEncryption, @Nullable String kmsKeyId, boolean authToken, List<String> userGroupIds,
		@Nullable String engine, @Nullable String engineVersion, @Nullable String subnetGroup,
		List<String> securityGroupIds, List<Integer> ports, @Nullable Boolean automaticFailover,
		@Nullable Boolean multiAz, int snapshotRetentionDays) {

	private static final int DEFAULT_PORT = 6379;

	/**
	 * The facts of a replication group and one of its member clusters (for the engine
	 * version and the network).
	 */
	static CacheFacts of(ReplicationGroup group, @Nullable CacheCluster member) {
		TransitEncryptionMode mode = group.transitEncryptionMode();
		// the member's engine goes with the version it reports
		String engine = (member != null && member.engine() != null) ? member.engine() : group.engine();
		return new CacheFacts("replication group", false, Boolean.TRUE.equals(group.transitEncryptionEnabled()),
				(mode != null) ? group.transitEncryptionModeAsString() : null,
				Boolean.TRUE.equals(group.atRestEncryptionEnabled()), group.kmsKeyId(),
				Boolean.TRUE.equals(group.authTokenEnabled()), group.userGroupIds(), engine,
				(member != null) ? member.engineVersion() : null,
				(member != null) ? member.cacheSubnetGroupName() : null,
				(member != null)
						? member.securityGroups().stream().map(SecurityGroupMembership::securityGroupId).toList()
						: List.of(),
				ports(group), group.automaticFailover() == AutomaticFailoverStatus.ENABLED,
				group.multiAZ() == MultiAZStatus.ENABLED,
				(group.snapshotRetentionLimit() != null) ? group.snapshotRetentionLimit() : 0);
	}

	/**
	 * The facts of a serverless cache: TLS is always required and data always encrypted
	 * at rest; failover and Multi-AZ are the service's own.
	 */
	static CacheFacts of(ServerlessCache cache) {
		List<Integer> ports = new ArrayList<>();
		for (Endpoint endpoint : new Endpoint[] { cache.endpoint(), cache.readerEndpoint() }) {
			if (endpoint != null && endpoint.port() != null) {
				ports.add(endpoint.port());
			}
		}
		return new CacheFacts("serverless cache", true, true, TransitEncryptionMode.REQUIRED.toString(), true,
				cache.kmsKeyId(), false, (cache.userGroupId() != null) ? List.of(cache.userGroupId()) : List.of(),
				cache.engine(),
				(cache.fullEngineVersion() != null) ? cache.fullEngineVersion() : cache.majorEngineVersion(),
				cache.subnetIds().isEmpty() ? null : "subnets " + String.join(", ", cache.subnetIds()),
				cache.securityGroupIds(), ports.isEmpty() ? List.of(DEFAULT_PORT) : List.copyOf(ports), null, null,
				(cache.snapshotRetentionLimit() != null) ? cache.snapshotRetentionLimit() : 0);
	}

	private static List<Integer> ports(ReplicationGroup group) {
		Endpoint endpoint = group.configurationEndpoint();
		if (endpoint == null) {
			endpoint = group.nodeGroups()
				.stream()
				.map(NodeGroup::primaryEndpoint)
				.filter((e) -> e != null)
				.findFirst()
				.orElse(null);
		}
		return List.of((endpoint != null && endpoint.port() != null) ? endpoint.port() : DEFAULT_PORT);
	}

}
