package io.github.elasticachesecure.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.github.elasticachesecure.audit.CacheDiscoveryException.Reason;
import io.github.elasticachesecure.cache.CacheNode;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.cache.ElastiCacheEndpoint;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.Endpoint;
import software.amazon.awssdk.services.elasticache.model.NodeGroup;
import software.amazon.awssdk.services.elasticache.model.NodeGroupMember;
import software.amazon.awssdk.services.elasticache.model.ReplicationGroup;
import software.amazon.awssdk.services.elasticache.model.ReplicationGroupNotFoundException;
import software.amazon.awssdk.services.elasticache.model.ServerlessCache;
import software.amazon.awssdk.services.elasticache.model.ServerlessCacheNotFoundException;

/**
 * Finds a cache by its name through the ElastiCache API:
 * {@code DescribeReplicationGroups} first, {@code DescribeServerlessCaches} when no
 * replication group has that id. Free of Spring; the clients are built as the audit's
 * ({@link AwsClients}), so the SDK's standard endpoint override
 * ({@code AWS_ENDPOINT_URL_ELASTICACHE}, {@code AWS_ENDPOINT_URL}) applies. A cache that
 * accepts plaintext clients is refused.
 */
public final class CacheDiscovery {

	static final String DESCRIBE_REPLICATION_GROUPS = "elasticache:DescribeReplicationGroups";

	static final String DESCRIBE_SERVERLESS_CACHES = "elasticache:DescribeServerlessCaches";

	static final String DESCRIBE_CACHE_CLUSTERS = "elasticache:DescribeCacheClusters";

	private CacheDiscovery() {
	}

	/**
	 * Find the cache.
	 * @param cacheName the replication group id or serverless cache name
	 * @param region the AWS region to look in
	 * @param credentials the AWS credentials that sign the calls (not closed)
	 * @param timeout the bound of each call
	 * @param nodeZones whether the nodes of a cluster-mode cache are wanted too, which
	 * {@code DescribeReplicationGroups} leaves out: they are then read from
	 * {@code DescribeCacheClusters}
	 * @return the cache, in-transit encryption required
	 * @throws CacheDiscoveryException if it is not found, accepts plaintext clients, has
	 * no endpoint yet, or the API refuses or fails
	 */
	public static DiscoveredCache discover(String cacheName, String region, AwsCredentialsProvider credentials,
			Duration timeout, boolean nodeZones) {
		AwsRequestOverrideConfiguration call = AwsRequestOverrideConfiguration.builder()
			.apiCallTimeout(timeout)
			.build();
		try (SdkHttpClient http = AwsClients.httpClient(timeout);
				ElastiCacheClient client = AwsClients.elastiCache(http, Region.of(region), credentials,
						AwsClients.overrides(ClientOverrideConfiguration.builder().build()))) {
			ReplicationGroup group = call(cacheName, DESCRIBE_REPLICATION_GROUPS, () -> {
				try {
					return client
						.describeReplicationGroups(
								(request) -> request.replicationGroupId(cacheName).overrideConfiguration(call))
						.replicationGroups()
						.stream()
						.findFirst()
						.orElse(null);
				}
				catch (ReplicationGroupNotFoundException ex) {
					return null;
				}
			});
			if (group != null) {
				DiscoveredCache cache = replicationGroup(cacheName, region, group);
				if (nodeZones && cache.topology() == CacheTopology.CLUSTER) {
					return new DiscoveredCache(cache.name(), region, cache.action(), cache.topology(), cache.endpoint(),
							null, clusterNodes(cacheName, client, call));
				}
				return cache;
			}
			ServerlessCache serverless = call(cacheName, DESCRIBE_SERVERLESS_CACHES, () -> {
				try {
					return client
						.describeServerlessCaches(
								(request) -> request.serverlessCacheName(cacheName).overrideConfiguration(call))
						.serverlessCaches()
						.stream()
						.findFirst()
						.orElse(null);
				}
				catch (ServerlessCacheNotFoundException ex) {
					return null;
				}
			});
			if (serverless != null) {
				return serverlessCache(cacheName, region, serverless);
			}
		}
		throw new CacheDiscoveryException(cacheName, Reason.NOT_FOUND, null,
				"No replication group and no serverless cache named '" + cacheName + "' in " + region + ".",
				"Check 'elasticache.secure.cache-name' (the replication group id or serverless cache name) and the "
						+ "region ('elasticache.secure.iam.region', else AWS_REGION).",
				null);
	}

	private static DiscoveredCache replicationGroup(String name, String region, ReplicationGroup group) {
		Finding transit = CacheChecks.transitEncryption(CacheFacts.of(group, null));
		if (!transit.passed()) {
			throw new CacheDiscoveryException(name, Reason.TRANSIT_ENCRYPTION_NOT_REQUIRED, null,
					"The replication group '" + name + "' in " + region + " does not require TLS: " + transit.found(),
					transit.fix(), null);
		}
		List<CacheNode> nodes = new ArrayList<>();
		for (NodeGroup nodeGroup : group.nodeGroups()) {
			for (NodeGroupMember member : nodeGroup.nodeGroupMembers()) {
				Endpoint read = member.readEndpoint();
				if (read != null && read.address() != null && read.port() != null) {
					nodes.add(new CacheNode(read.address(), read.port(), member.preferredAvailabilityZone(),
							member.currentRole()));
				}
			}
		}
		if (Boolean.TRUE.equals(group.clusterEnabled()) || group.configurationEndpoint() != null) {
			return new DiscoveredCache(name, region, DESCRIBE_REPLICATION_GROUPS, CacheTopology.CLUSTER,
					endpoint(name, group.configurationEndpoint(), group.status()), null, nodes);
		}
		NodeGroup shard = group.nodeGroups().isEmpty() ? null : group.nodeGroups().get(0);
		ElastiCacheEndpoint primary = endpoint(name, (shard != null) ? shard.primaryEndpoint() : null, group.status());
		Endpoint reader = (shard != null && shard.nodeGroupMembers().size() > 1) ? shard.readerEndpoint() : null;
		return new DiscoveredCache(name, region, DESCRIBE_REPLICATION_GROUPS, CacheTopology.REPLICATION_GROUP, primary,
				(reader != null) ? endpoint(name, reader, group.status()) : null, nodes);
	}

	/**
	 * The nodes of a cluster-mode cache, from every cache cluster of the region page by
	 * page (one node each): its member clusters, whatever their number, in a few calls.
	 */
	private static List<CacheNode> clusterNodes(String name, ElastiCacheClient client,
			AwsRequestOverrideConfiguration override) {
		List<CacheCluster> clusters = call(name, DESCRIBE_CACHE_CLUSTERS,
				() -> client
					.describeCacheClustersPaginator(
							(request) -> request.showCacheNodeInfo(true).overrideConfiguration(override))
					.cacheClusters()
					.stream()
					.filter((cluster) -> name.equals(cluster.replicationGroupId()))
					.toList());
		List<CacheNode> nodes = new ArrayList<>();
		for (CacheCluster cluster : (clusters != null) ? clusters : List.<CacheCluster>of()) {
			for (software.amazon.awssdk.services.elasticache.model.CacheNode node : cluster.cacheNodes()) {
				Endpoint endpoint = node.endpoint();
				if (endpoint != null && endpoint.address() != null && endpoint.port() != null) {
					nodes.add(new CacheNode(endpoint.address(), endpoint.port(), cluster.preferredAvailabilityZone(),
							null));
				}
			}
		}
		return nodes;
	}

	private static DiscoveredCache serverlessCache(String name, String region, ServerlessCache cache) {
		// TLS is always on for a serverless cache.
		return new DiscoveredCache(name, region, DESCRIBE_SERVERLESS_CACHES, CacheTopology.SERVERLESS,
				endpoint(name, cache.endpoint(), cache.status()), null, List.of());
	}

	private static ElastiCacheEndpoint endpoint(String name, @Nullable Endpoint endpoint, @Nullable String status) {
		if (endpoint == null || endpoint.address() == null || endpoint.port() == null) {
			throw new CacheDiscoveryException(name, Reason.UNAVAILABLE, null,
					"The cache '" + name + "' has no endpoint yet (status " + status + ").",
					"Start the application once the cache is available.", null);
		}
		return new ElastiCacheEndpoint(endpoint.address(), endpoint.port());
	}

	private static <T> @Nullable T call(String name, String action, Supplier<@Nullable T> call) {
		try {
			return call.get();
		}
		catch (AwsServiceException ex) {
			String code = (ex.awsErrorDetails() != null) ? ex.awsErrorDetails().errorCode() : null;
			if (code != null && AwsCalls.ACCESS_DENIED.contains(code)) {
				throw new CacheDiscoveryException(name, Reason.ACCESS_DENIED, action,
						"The application's AWS identity may not call " + action + " (" + code
								+ "), which resolves the cache '" + name + "' to its endpoints.",
						"Allow the IAM action '" + action + "' to the application's role, or set "
								+ "'elasticache.secure.endpoint' to the cache's endpoint.",
						ex);
			}
			throw unavailable(name, action, code + " (HTTP " + ex.statusCode() + ")", ex);
		}
		catch (SdkException ex) {
			throw unavailable(name, action, ex.getClass().getSimpleName() + ": " + ex.getMessage(), ex);
		}
	}

	private static CacheDiscoveryException unavailable(String name, String action, String failure, SdkException cause) {
		return new CacheDiscoveryException(name, Reason.UNAVAILABLE, action,
				action + " failed, so the cache '" + name + "' was not resolved to its endpoints: " + failure + ".",
				"Check that the application reaches the AWS API endpoint (VPC endpoint or NAT, proxy, "
						+ "AWS_ENDPOINT_URL_ELASTICACHE), or set 'elasticache.secure.endpoint' to the cache's endpoint.",
				cause);
	}

}
