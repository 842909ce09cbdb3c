package io.github.elasticachesecure.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The process-based ElastiCache stand-in: standalone as a JUnit 5 extension, a
 * replication group and a cluster through the plain API, each reached with full TLS
 * verification as its generated (or given) user, and the properties that connect the
 * starter to it.
 */
class LocalElastiCacheIntegrationTests {

	@RegisterExtension
	static final LocalElastiCache cache = LocalElastiCache.standalone();

	@Test
	void standaloneServesItsGeneratedUserOverVerifiedTls() {
		RedisClient client = RedisClient.create(cache.redisUri());
		try {
			client.setOptions(ClientOptions.builder().sslOptions(cache.sslOptions()).build());
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				assertThat(connection.sync().aclWhoami()).isEqualTo("app");
			}
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
		assertThat(cache.password()).hasSizeGreaterThanOrEqualTo(32);
		assertThat(cache.toString().contains(cache.password())).as("the password appears in the description").isFalse();
		assertThat(cache.caCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
		assertThatIllegalStateException().isThrownBy(() -> cache.user("late", "too-late"));
	}

	@Test
	void registersTheStartersPropertiesForADynamicPropertySource() {
		Map<String, Object> registered = new LinkedHashMap<>();
		cache.registerProperties((name, value) -> registered.put(name, value.get()));
		assertThat(registered).containsEntry("elasticache.secure.endpoint", "localhost:" + cache.port())
			.containsEntry("elasticache.secure.auth.username", "app")
			.containsEntry("elasticache.secure.tls.bundle", LocalElastiCache.SSL_BUNDLE)
			.containsEntry("spring.ssl.bundle.pem.local-elasticache.truststore.certificate",
					"file:" + cache.caCertificateFile())
			.doesNotContainKeys("elasticache.secure.reader-endpoint", "elasticache.secure.topology");
		assertThat(cache.password().equals(registered.get("elasticache.secure.auth.password")))
			.as("the password is registered")
			.isTrue();
	}

	@Test
	void replicationGroupServesReadsOfWritesOnItsReaderEndpoint() {
		try (LocalElastiCache group = LocalElastiCache.replicationGroup(1)
			.user("reader-app", "reader-Secret-1")
			.start()) {
			assertThat(group.nodes()).hasSize(2);
			assertThat(group.connectionProperties()).containsEntry("elasticache.secure.reader-endpoint",
					group.readerEndpoint());
			RedisClient client = RedisClient.create();
			try {
				client.setOptions(ClientOptions.builder().sslOptions(group.sslOptions()).build());
				try (StatefulRedisConnection<String, String> primary = client.connect(group.redisUri());
						StatefulRedisConnection<String, String> reader = client.connect(
								RedisURI.builder(group.redisUri()).withPort(group.nodes().get(1).port()).build())) {
					primary.sync().set("greeting", "hello");
					await().atMost(Duration.ofSeconds(20)).until(() -> "hello".equals(reader.sync().get("greeting")));
					assertThat(reader.sync().info("replication")).contains("role:slave");
				}
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	@Test
	void clusterAnnouncesItsHostNameOnEveryNode() {
		try (LocalElastiCache cluster = LocalElastiCache.cluster(3, 0).start()) {
			assertThat(cluster.connectionProperties()).containsEntry("elasticache.secure.topology", "cluster");
			RedisClusterClient client = RedisClusterClient.create(List.of(cluster.redisUri()));
			try {
				client.setOptions(ClusterClientOptions.builder().sslOptions(cluster.sslOptions()).build());
				try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
					for (int i = 0; i < 20; i++) {
						connection.sync().set("key-" + i, "value-" + i);
					}
					assertThat(connection.getPartitions()).hasSize(3)
						.allSatisfy((node) -> assertThat(node.getUri().getHost()).isEqualTo("localhost"));
				}
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

}
