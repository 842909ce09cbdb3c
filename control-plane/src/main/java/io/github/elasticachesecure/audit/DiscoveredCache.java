package io.github.elasticachesecure.audit;

import java.util.List;

import io.github.elasticachesecure.cache.CacheNode;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.cache.ElastiCacheEndpoint;
import org.jspecify.annotations.Nullable;

/**
 * A cache found by its name through the ElastiCache API ({@link CacheDiscovery}), with
 * in-transit encryption required.
 *
 * @param name the replication group id or serverless cache name
 * @param region the AWS region it was found in
 * @param action the IAM action of the call that described it, such as
 * {@code elasticache:DescribeReplicationGroups}
 * @param topology how the cache is laid out
 * @param endpoint the primary endpoint, the configuration endpoint of a cluster-mode
 * cache, or a serverless cache's endpoint
 * @param reader the reader endpoint of a replication group with cluster mode disabled and
 * at least one replica, else {@code null}
 * @param nodes the nodes with their own endpoints and zones, as the API reports them
 * (empty for a serverless cache, and for a cluster-mode cache unless its nodes were asked
 * for: {@code DescribeReplicationGroups} leaves their endpoints out)
 */
public record DiscoveredCache(String name, String region, String action, CacheTopology topology,
		ElastiCacheEndpoint endpoint, @Nullable ElastiCacheEndpoint reader, List<CacheNode> nodes) {

	/**
	 * Describe the cache in one line, for the log: no secret is part of it.
	 * @return the description
	 */
	@Override
	public String toString() {
		return "'" + this.name + "' in " + this.region + " (" + this.action + "): " + this.topology.value()
				+ ", endpoint " + this.endpoint + ((this.reader != null) ? ", reader endpoint " + this.reader : "")
				+ (this.nodes.isEmpty() ? ""
						: ", nodes " + this.nodes.stream()
							.map((node) -> node.endpoint() + ((node.role() != null) ? " " + node.role() : "") + " in "
									+ node.availabilityZone())
							.toList());
	}

}
