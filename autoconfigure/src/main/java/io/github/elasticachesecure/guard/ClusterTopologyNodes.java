package io.github.elasticachesecure.guard;

import java.util.List;

import io.github.elasticachesecure.cache.ClusterNodeDomain;
import io.github.elasticachesecure.cache.ClusterNodes;
import io.github.elasticachesecure.guard.InsecureConnectionException.Reason;
import io.github.elasticachesecure.logging.FailureDescription;
import io.github.elasticachesecure.tls.TlsProbeResult;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.util.StringUtils;

/**
 * Asks a cluster seed for the nodes of the topology, as the cluster client will:
 * {@code CLUSTER NODES} parsed by Lettuce's own parser, so each node's address is the one
 * the client connects to (the announced host name when there is one, else the IP
 * address). Nodes the cluster flags as failed, without address or still joining are left
 * out: the client routes nothing to them.
 */
final class ClusterTopologyNodes {

	private ClusterTopologyNodes() {
	}

	/**
	 * Ask the seeds in turn, skipping those not verified, until one answers.
	 * @param cluster the factory's cluster configuration
	 * @param configuration the factory's client configuration
	 * @param seedResults the probe results of the seeds: only those that passed are
	 * asked, so the credentials travel over verified TLS only, and the seeds are not
	 * among the nodes returned
	 * @return the nodes, or the failure of the last seed asked
	 */
	static Answer lookUp(String beanName, RedisClusterConfiguration cluster, LettuceClientConfiguration configuration,
			List<TlsProbeResult> seedResults) {
		RedisNode asked = null;
		String failure = "no seed node passed its TLS check";
		for (RedisNode seed : cluster.getClusterNodes()) {
			if (seedResults.stream().noneMatch((result) -> result.isSecure() && matches(result, seed))) {
				continue;
			}
			asked = seed;
			try {
				List<RedisNode> nodes = ask(uri(seed, cluster, configuration), configuration).stream()
					.filter((node) -> seedResults.stream().noneMatch((result) -> matches(result, node)))
					.toList();
				requireInCacheDomain(beanName, seed, nodes);
				return new Answer(nodes, asked, null);
			}
			catch (RuntimeException ex) {
				failure = FailureDescription.of(ex);
			}
		}
		return new Answer(List.of(), asked, "could not be asked for the cluster topology: " + failure);
	}

	/**
	 * Refuse a topology in which an ElastiCache configuration endpoint names a node
	 * outside the cache's domain: the factory would send that node its credentials.
	 */
	private static void requireInCacheDomain(String beanName, RedisNode seed, List<RedisNode> nodes) {
		ClusterNodeDomain domain = ClusterNodeDomain.of(seed.getRequiredHost());
		for (RedisNode node : nodes) {
			if (domain != null && !domain.contains(node.getRequiredHost())) {
				throw new InsecureConnectionException(beanName, Reason.NODE_OUTSIDE_CACHE_DOMAIN,
						"RedisConnectionFactory '" + beanName + "': the cluster topology of " + seed.asString()
								+ " names the node " + node.asString() + ", outside the cache's domain " + domain);
			}
		}
	}

	/**
	 * The seed URI as {@code LettuceConnectionFactory} builds a cluster node's: the
	 * factory's credentials (or its credentials provider), TLS settings and timeout.
	 */
	private static RedisURI uri(RedisNode seed, RedisClusterConfiguration cluster,
			LettuceClientConfiguration configuration) {
		RedisURI.Builder builder = RedisURI.Builder.redis(seed.getRequiredHost(), seed.getRequiredPort())
			.withSsl(configuration.isUseSsl())
			.withVerifyPeer(configuration.getVerifyMode())
			.withStartTls(configuration.isStartTls())
			.withTimeout(configuration.getCommandTimeout());
		char[] password = cluster.getPassword().toOptional().orElse(null);
		if (StringUtils.hasText(cluster.getUsername())) {
			builder.withAuthentication(cluster.getUsername(), (password != null) ? password : new char[0]);
		}
		else if (password != null) {
			builder.withPassword(password);
		}
		configuration.getRedisCredentialsProviderFactory()
			.ifPresent((factory) -> builder.withAuthentication(factory.createCredentialsProvider(cluster)));
		return builder.build();
	}

	/**
	 * One connection through a client configured as the factory's.
	 */
	private static List<RedisNode> ask(RedisURI seed, LettuceClientConfiguration configuration) {
		return FactoryClient.use(configuration, (client) -> {
			try (StatefulRedisConnection<String, String> connection = client.connect(seed)) {
				return ClusterPartitionParser.parse(connection.sync().clusterNodes())
					.stream()
					.filter(ClusterTopologyNodes::isUsable)
					.map((node) -> new RedisNode(node.getUri().getHost(), node.getUri().getPort()))
					.toList();
			}
		});
	}

	private static boolean matches(TlsProbeResult result, RedisNode node) {
		return result.host().equals(node.getHost()) && result.port() == node.getPort();
	}

	// A node still in its handshake has not joined yet: the guard probes only members.
	private static boolean isUsable(RedisClusterNode node) {
		return ClusterNodes.isUsable(node) && !node.is(NodeFlag.HANDSHAKE);
	}

	/**
	 * What the seeds answered.
	 *
	 * @param nodes the nodes of the topology, empty when no seed answered
	 * @param asked the last seed asked, {@code null} when none was verified
	 * @param failure why no seed answered, {@code null} when one did
	 */
	record Answer(List<RedisNode> nodes, @Nullable RedisNode asked, @Nullable String failure) {

		/**
		 * @return what announced the nodes, for reports
		 */
		String announcedBy() {
			return "the cluster topology (CLUSTER NODES) of " + ((this.asked != null) ? this.asked.asString() : "?");
		}

	}

}
