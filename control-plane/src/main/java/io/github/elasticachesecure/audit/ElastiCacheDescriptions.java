package io.github.elasticachesecure.audit;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.ReplicationGroup;
import software.amazon.awssdk.services.elasticache.model.ServerlessCache;
import software.amazon.awssdk.services.elasticache.model.User;
import software.amazon.awssdk.services.elasticache.model.UserGroup;

/**
 * The ElastiCache {@code Describe*} calls of the audit, each through {@link AwsCalls}:
 * {@code null} means the call failed and a finding says why.
 */
final class ElastiCacheDescriptions {

	private final ElastiCacheClient client;

	ElastiCacheDescriptions(ElastiCacheClient client) {
		this.client = client;
	}

	@Nullable List<ReplicationGroup> replicationGroups(String name, AwsCalls calls) {
		return calls.call("elasticache:DescribeReplicationGroups", "transit-encryption",
				(override) -> this.client
					.describeReplicationGroups(
							(request) -> request.replicationGroupId(name).overrideConfiguration(override))
					.replicationGroups());
	}

	@Nullable CacheCluster cacheCluster(String id, AwsCalls calls) {
		List<CacheCluster> clusters = calls.call("elasticache:DescribeCacheClusters", "engine-version",
				(override) -> this.client
					.describeCacheClusters((request) -> request.cacheClusterId(id).overrideConfiguration(override))
					.cacheClusters());
		return (clusters == null || clusters.isEmpty()) ? null : clusters.get(0);
	}

	@Nullable List<ServerlessCache> serverlessCaches(String name, AwsCalls calls) {
		return calls.call("elasticache:DescribeServerlessCaches", "transit-encryption",
				(override) -> this.client
					.describeServerlessCaches(
							(request) -> request.serverlessCacheName(name).overrideConfiguration(override))
					.serverlessCaches());
	}

	@Nullable List<UserGroup> userGroups(List<String> ids, AwsCalls calls) {
		List<UserGroup> groups = new ArrayList<>();
		for (String id : ids) {
			List<UserGroup> described = calls.call("elasticache:DescribeUserGroups", "default-user",
					(override) -> this.client
						.describeUserGroups((request) -> request.userGroupId(id).overrideConfiguration(override))
						.userGroups());
			if (described == null) {
				return null;
			}
			groups.addAll(described);
		}
		return groups;
	}

	/**
	 * Every user of the region, page by page: user groups are small, and one listing
	 * serves every check.
	 */
	@Nullable List<User> users(String check, AwsCalls calls) {
		return calls.call("elasticache:DescribeUsers", check,
				(override) -> this.client.describeUsersPaginator((request) -> request.overrideConfiguration(override))
					.users()
					.stream()
					.toList());
	}

}
