package io.github.elasticachesecure.cache;

import java.util.Set;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterNodesTests {

	@Test
	void mastersAndReplicasWithAnAddressAreUsable() {
		assertThat(ClusterNodes.isUsable(node(NodeFlag.UPSTREAM))).isTrue();
		assertThat(ClusterNodes.isUsable(node(NodeFlag.REPLICA))).isTrue();
		assertThat(ClusterNodes.isUsable(node(NodeFlag.MYSELF, NodeFlag.UPSTREAM))).isTrue();
	}

	@Test
	void failedSuspectedAndAddresslessNodesAreNot() {
		assertThat(ClusterNodes.isUsable(node(NodeFlag.UPSTREAM, NodeFlag.FAIL))).isFalse();
		assertThat(ClusterNodes.isUsable(node(NodeFlag.REPLICA, NodeFlag.EVENTUAL_FAIL))).isFalse();
		assertThat(ClusterNodes.isUsable(node(NodeFlag.UPSTREAM, NodeFlag.NOADDR))).isFalse();
		RedisClusterNode withoutUri = new RedisClusterNode();
		withoutUri.setFlags(Set.of(NodeFlag.UPSTREAM));
		assertThat(ClusterNodes.isUsable(withoutUri)).isFalse();
	}

	@Test
	void theFlagsAreThoseCLUSTER_NODESReports() {
		String nodes = """
				a1 127.0.0.1:7000@17000,n1.example master - 0 0 1 connected 0-5460
				b2 127.0.0.1:7001@17001,n2.example master,fail - 0 0 2 disconnected
				c3 127.0.0.1:7002@17002,n3.example slave,fail? a1 0 0 1 connected
				d4 :0@0 master,noaddr - 0 0 3 disconnected
				e5 127.0.0.1:7004@17004,n5.example slave a1 0 0 1 connected
				""";
		assertThat(ClusterPartitionParser.parse(nodes).stream().filter(ClusterNodes::isUsable))
			.extracting(RedisClusterNode::getNodeId)
			.containsExactly("a1", "e5");
	}

	private static RedisClusterNode node(NodeFlag... flags) {
		RedisClusterNode node = new RedisClusterNode();
		node.setUri(RedisURI.create("n1.example", 6379));
		node.setFlags(Set.of(flags));
		return node;
	}

}
