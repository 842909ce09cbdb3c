package io.github.elasticachesecure.cache;

import java.util.Locale;
import java.util.function.Predicate;

import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.jspecify.annotations.Nullable;

/**
 * The DNS domain that every node of an ElastiCache cluster (cluster mode enabled) shares
 * with its configuration endpoint:
 * {@code clustercfg.my-cache.abc123.use1.cache.amazonaws.com} announces nodes such as
 * {@code my-cache-0001-001.my-cache.abc123.use1.cache.amazonaws.com}. A node announced
 * outside it is not part of the cache, whatever its certificate says for its own name, so
 * credentials never go to it. Seeds that are not an ElastiCache configuration endpoint (a
 * self-managed cluster, a test on loopback) have no such domain and restrict nothing.
 */
public final class ClusterNodeDomain {

	private static final String CONFIGURATION_ENDPOINT = "clustercfg.";

	private final String suffix;

	private ClusterNodeDomain(String suffix) {
		this.suffix = suffix;
	}

	/**
	 * Return the domain of the nodes a seed may announce.
	 * @param seedHost the host name of the seed (the configuration endpoint)
	 * @return the domain, or {@code null} when the seed is not an ElastiCache
	 * configuration endpoint
	 */
	public static @Nullable ClusterNodeDomain of(String seedHost) {
		String host = seedHost.toLowerCase(Locale.ROOT);
		if (!host.startsWith(CONFIGURATION_ENDPOINT)
				|| !(host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn"))) {
			return null;
		}
		return new ClusterNodeDomain(host.substring(CONFIGURATION_ENDPOINT.length() - 1));
	}

	/**
	 * Return whether a host lies in the domain.
	 * @param host the host a node announced
	 * @return whether it is a name in the cache's own domain
	 */
	public boolean contains(String host) {
		String name = host.toLowerCase(Locale.ROOT);
		return name.endsWith(this.suffix) && name.length() > this.suffix.length();
	}

	/**
	 * Return a Lettuce cluster node filter that keeps only nodes in the domain, for
	 * topology refreshes after start-up.
	 * @return the filter
	 */
	public Predicate<RedisClusterNode> nodeFilter() {
		return (node) -> node.getUri() != null && contains(node.getUri().getHost());
	}

	@Override
	public String toString() {
		return "*" + this.suffix;
	}

}
