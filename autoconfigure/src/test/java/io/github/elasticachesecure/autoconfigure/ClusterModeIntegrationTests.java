package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.testkit.RedisClusterProcess;
import io.lettuce.core.cluster.ClusterClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster mode against a real three-master TLS cluster whose nodes announce their host
 * name, so that full host-name verification holds on every node the client is redirected
 * to.
 */
class ClusterModeIntegrationTests {

	private static RedisClusterProcess cluster;

	@BeforeAll
	static void startCluster() {
		cluster = RedisClusterProcess.tls().aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD).start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void readsAndWritesAcrossAllNodesWithFullVerification() {
		RedisTestContexts.runner()
			.withPropertyValues("elasticache.secure.endpoint=" + cluster.host() + ":" + cluster.ports().get(0),
					"elasticache.secure.topology=cluster", "elasticache.secure.tls.bundle=test",
					"elasticache.secure.auth.username=" + RedisTestContexts.USER,
					"elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
				assertThat(factory.getClusterConfiguration()).isNotNull();
				assertThat(factory.getClientConfiguration().getClientOptions().orElseThrow())
					.isInstanceOf(ClusterClientOptions.class);
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				for (int i = 0; i < 50; i++) {
					template.opsForValue().set("key-" + i, "value-" + i);
				}
				for (int i = 0; i < 50; i++) {
					assertThat(template.opsForValue().get("key-" + i)).isEqualTo("value-" + i);
				}
				// Fifty keys spread over the slots of all three masters: every node was
				// reached over verified TLS.
				assertThat(cluster.adminCommandOnAllNodes("DBSIZE"))
					.allSatisfy((size) -> assertThat(Long.parseLong(size)).isPositive());
			});
	}

}
