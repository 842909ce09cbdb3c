package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.guard.AuthenticationRejectedException;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.github.elasticachesecure.testsupport.SilentTcpServer;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettucePoolingClientConfiguration;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The secured connection carries real traffic: templates and Spring Cache over TLS,
 * authenticated as an ACL user. The reactive templates are in
 * {@link ReactiveTemplatesIntegrationTests}.
 */
class SecureConnectionIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@Test
	void stringRedisTemplateWritesAndReadsOverTlsAsTheAclUser() {
		RedisTestContexts.securedBy(redis).run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("greeting", "hello over TLS");
			assertThat(template.opsForValue().get("greeting")).isEqualTo("hello over TLS");
			assertThat(redis.adminCommand("CLIENT", "LIST")).contains("user=" + RedisTestContexts.USER);
		});
	}

	@Test
	void springCacheStoresInTheSecuredRedis() {
		RedisTestContexts.securedBy(redis)
			.withUserConfiguration(CachingConfiguration.class)
			.withPropertyValues("spring.cache.type=redis")
			.run((context) -> {
				Cache cache = context.getBean(CacheManager.class).getCache("lookups");
				cache.put("answer", "42");
				// Spring Data Redis 4 may write cache entries asynchronously.
				long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
				while (!"1".equals(redis.adminCommand("EXISTS", "lookups::answer")) && System.nanoTime() < deadline) {
					Thread.sleep(20);
				}
				assertThat(redis.adminCommand("EXISTS", "lookups::answer")).as("entry written to the server")
					.isEqualTo("1");
				assertThat(cache.get("answer", String.class)).isEqualTo("42");
			});
	}

	@Test
	void springDataRedisPoolAndClientSettingsKeepWorking() {
		RedisTestContexts.securedBy(redis)
			.withPropertyValues("spring.data.redis.client-name=orders-service", "spring.data.redis.database=2")
			.run((context) -> {
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				template.opsForValue().set("in-db-2", "x");
				assertThat(redis.adminCommand("CLIENT", "LIST")).contains("name=orders-service").contains("db=2");
			});
	}

	@Test
	void wrongPasswordStopsTheStartWithAClearReport() {
		RedisTestContexts.securedBy(redis)
			.withPropertyValues("elasticache.secure.auth.password=not-the-password")
			.run((context) -> {
				AuthenticationRejectedException failure = StartupFailures.find(context,
						AuthenticationRejectedException.class);
				assertThat(failure).hasMessageContaining("rejected the credentials of user 'app'")
					.hasMessageContaining("WRONGPASS")
					.hasMessageNotContaining("not-the-password");
				assertThat(failure.getAuthMode()).isEqualTo(AuthMode.PASSWORD);
				FailureAnalysis analysis = StartupFailures.analyze(failure);
				assertThat(analysis.getAction()).contains("elasticache.secure.auth.password")
					.contains("elasticache.secure.auth.username");
			});
	}

	@Test
	void lettucePoolSettingsKeepWorking() {
		RedisTestContexts.securedBy(redis)
			.withPropertyValues("spring.data.redis.lettuce.pool.enabled=true",
					"spring.data.redis.lettuce.pool.max-active=3")
			.run((context) -> {
				LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
				assertThat(factory.getClientConfiguration()).isInstanceOfSatisfying(
						LettucePoolingClientConfiguration.class,
						(pooling) -> assertThat(pooling.getPoolConfig().getMaxTotal()).isEqualTo(3));
				assertThat(factory.getClientConfiguration().isUseSsl()).isTrue();
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				template.opsForValue().set("pooled", "yes");
				assertThat(template.opsForValue().get("pooled")).isEqualTo("yes");
			});
	}

	@Test
	void withoutCommonsPoolTheSharedConnectionIsUsed() {
		RedisTestContexts.securedBy(redis)
			.withClassLoader(new FilteredClassLoader("org.apache.commons.pool2"))
			.withPropertyValues("spring.data.redis.client-name=shared-connection-check")
			.run((context) -> {
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				// Between operations, each connection the template gets asks the server
				// for its id: one id, the shared connection's.
				Set<Long> connectionIds = new HashSet<>();
				for (int i = 0; i < 5; i++) {
					assertThat(template.hasKey("nothing")).isFalse();
					template.opsForValue().set("shared", Integer.toString(i));
					connectionIds.add(template.execute((RedisCallback<Long>) (
							connection) -> nativeCommands(connection).clientId().toCompletableFuture().join()));
				}
				assertThat(connectionIds).as("server-side ids of the connections the operations used").hasSize(1);
				assertThat(redis.process()
					.clientList()
					.lines()
					.filter((client) -> client.contains("name=shared-connection-check")))
					.as("the application's connections on the server")
					.singleElement(InstanceOfAssertFactories.STRING)
					.contains("id=" + connectionIds.iterator().next() + " ");
			});
	}

	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> nativeCommands(RedisConnection connection) {
		return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
	}

	@Test
	void aPeerThatNeverAnswersTheHandshakeFailsTheConnectionWithinTheHandshakeTimeout() throws Exception {
		try (RedisServerProcess server = RedisServerProcess.tls()
			.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD)
			.start()) {
			int port = server.port();
			RedisTestContexts.runner()
				.withPropertyValues("elasticache.secure.endpoint=localhost:" + port,
						"elasticache.secure.tls.bundle=test",
						"elasticache.secure.auth.username=" + RedisTestContexts.USER,
						"elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD,
						"elasticache.secure.tls.handshake-timeout=1s", "spring.data.redis.connect-timeout=1m",
						"spring.data.redis.timeout=1m")
				.run((context) -> {
					LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
					server.close();
					// The endpoint now accepts TCP and never answers the TLS handshake.
					try (SilentTcpServer silent = SilentTcpServer.start(port)) {
						// A connection of its own, so that the handshake is that of a new
						// connection.
						factory.setShareNativeConnection(false);
						long start = System.nanoTime();
						assertThatExceptionOfType(RedisConnectionFailureException.class).isThrownBy(() -> {
							try (RedisConnection connection = factory.getConnection()) {
								connection.ping();
							}
						});
						Duration took = Duration.ofNanos(System.nanoTime() - start);
						assertThat(silent.acceptedConnections()).isPositive();
						// 1 s, with a margin for a loaded machine below Lettuce's default
						// (10 s) and the timeouts (1 min).
						assertThat(took).isLessThan(Duration.ofSeconds(6));
					}
				});
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

}
