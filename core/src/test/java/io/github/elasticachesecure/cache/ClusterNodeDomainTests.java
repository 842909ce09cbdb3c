package io.github.elasticachesecure.cache;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterNodeDomainTests {

	private static final String CONFIGURATION_ENDPOINT = "clustercfg.my-cache.abc123.use1.cache.amazonaws.com";

	@Test
	void nodesOfTheCacheLieInItsConfigurationEndpointsDomain() {
		ClusterNodeDomain domain = ClusterNodeDomain.of(CONFIGURATION_ENDPOINT);
		assertThat(domain).isNotNull().hasToString("*.my-cache.abc123.use1.cache.amazonaws.com");
		assertThat(domain.contains("my-cache-0001-001.my-cache.abc123.use1.cache.amazonaws.com")).isTrue();
		assertThat(domain.contains("MY-CACHE-0002-001.My-Cache.ABC123.use1.cache.amazonaws.com")).isTrue();
	}

	@Test
	void namesOutsideTheDomainAreNot() {
		ClusterNodeDomain domain = ClusterNodeDomain.of(CONFIGURATION_ENDPOINT);
		assertThat(domain).isNotNull();
		assertThat(domain.contains("cache.attacker.example")).isFalse();
		// the domain itself is no node, and a name that merely ends with its text is
		// another domain
		assertThat(domain.contains("my-cache.abc123.use1.cache.amazonaws.com")).isFalse();
		assertThat(domain.contains(".my-cache.abc123.use1.cache.amazonaws.com")).isFalse();
		assertThat(domain.contains("evilmy-cache.abc123.use1.cache.amazonaws.com")).isFalse();
		assertThat(domain.contains("other-cache-0001-001.other-cache.abc123.use1.cache.amazonaws.com")).isFalse();
		assertThat(domain.contains("10.0.0.12")).isFalse();
	}

	@Test
	void seedsThatAreNoElastiCacheConfigurationEndpointRestrictNothing() {
		assertThat(ClusterNodeDomain.of("localhost")).isNull();
		assertThat(ClusterNodeDomain.of("master.my-cache.abc123.use1.cache.amazonaws.com")).isNull();
		assertThat(ClusterNodeDomain.of("clustercfg.my-cache.internal.example")).isNull();
		assertThat(ClusterNodeDomain.of("clustercfg.my-cache.abc123.cnn1.cache.amazonaws.com.cn")).isNotNull();
	}

	@Test
	void theNodeFilterKeepsOnlyNodesInTheDomain() {
		ClusterNodeDomain domain = ClusterNodeDomain.of(CONFIGURATION_ENDPOINT);
		assertThat(domain).isNotNull();
		assertThat(domain.nodeFilter()).accepts(node("my-cache-0001-002.my-cache.abc123.use1.cache.amazonaws.com"))
			.rejects(node("cache.attacker.example"), new RedisClusterNode());
	}

	private static RedisClusterNode node(String host) {
		RedisClusterNode node = new RedisClusterNode();
		node.setUri(RedisURI.create(host, 6379));
		return node;
	}

}
