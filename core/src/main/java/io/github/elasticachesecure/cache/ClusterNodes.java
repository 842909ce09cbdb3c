package io.github.elasticachesecure.cache;

import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;

/**
 * Which nodes of a cluster's topology a client may use: AWS's advice for Lettuce on
 * ElastiCache is to leave out nodes the cluster flags as failed ({@code fail}), suspected
 * ({@code fail?}) or without an address ({@code noaddr}), such as a node replaced during
 * a failover or a resize, which otherwise stays in the client's view, draws connection
 * attempts and serves as a source of topology refreshes.
 */
public final class ClusterNodes {

	private ClusterNodes() {
	}

	/**
	 * Return whether a client may use a node of the cluster's topology.
	 * @param node a node as {@code CLUSTER NODES} describes it
	 * @return whether it has an address and is not flagged {@code fail}, {@code fail?} or
	 * {@code noaddr}
	 */
	public static boolean isUsable(RedisClusterNode node) {
		return node.getUri() != null
				&& !(node.is(NodeFlag.FAIL) || node.is(NodeFlag.EVENTUAL_FAIL) || node.is(NodeFlag.NOADDR));
	}

}
