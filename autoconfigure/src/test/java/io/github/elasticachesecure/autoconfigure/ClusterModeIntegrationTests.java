package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.github.elasticachesecure.testkit.RedisClusterProcess;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
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

	@Test
	void theClusterClientConnectsWithinHalfTheCommandTimeout() {
		RedisTestContexts.runner()
			.withPropertyValues("elasticache.secure.endpoint=" + cluster.host() + ":" + cluster.ports().get(0),
					"elasticache.secure.topology=cluster", "elasticache.secure.tls.bundle=test",
					"elasticache.secure.auth.username=" + RedisTestContexts.USER,
					"elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD, "spring.data.redis.timeout=2s")
			.run((context) -> {
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				template.opsForValue().set("connect-timeout", "below the command timeout");
				// The live client's options, as the cluster's node connections use them.
				RedisClusterClient client = (RedisClusterClient) context.getBean(LettuceConnectionFactory.class)
					.getRequiredNativeClient();
				assertThat(client.getOptions().getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofSeconds(1));
				assertThat(template.opsForValue().get("connect-timeout")).isEqualTo("below the command timeout");
			});
	}

}
