package io.github.elasticachesecure.cache;

import java.util.Locale;

/**
 * How an ElastiCache cache is laid out, which decides the protocol the client speaks and
 * how the IAM token is signed.
 */
public enum CacheTopology {

	/**
	 * One node, or a node endpoint of a replication group: a standalone connection.
	 */
	STANDALONE(false),

	/**
	 * A replication group with cluster mode disabled, reached through its primary
	 * ({@code master.}) or reader ({@code replica.}) endpoint: a standalone connection.
	 */
	REPLICATION_GROUP(false),

	/**
	 * A replication group with cluster mode enabled, reached through its configuration
	 * endpoint ({@code clustercfg.}): a cluster connection that follows the topology.
	 */
	CLUSTER(true),

	/**
	 * A serverless cache: a cluster connection, and IAM tokens signed for
	 * {@code ResourceType=ServerlessCache}.
	 */
	SERVERLESS(true);

	private final boolean clusterProtocol;

	CacheTopology(boolean clusterProtocol) {
		this.clusterProtocol = clusterProtocol;
	}

	/**
	 * Return whether the client speaks the cluster protocol to this topology.
	 * @return {@code true} for {@link #CLUSTER} and {@link #SERVERLESS}
	 */
	public boolean isClusterProtocol() {
		return this.clusterProtocol;
	}

	/**
	 * Return the topology as it is written in configuration and shown in health details.
	 * @return {@code standalone}, {@code replication-group}, {@code cluster} or
	 * {@code serverless}
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
