package io.github.elasticachesecure.autoconfigure.caching;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.elasticachesecure.autoconfigure.RedisTestContexts;
import io.github.elasticachesecure.testkit.ElastiCacheRestrictions.Flavour;
import io.github.elasticachesecure.testkit.LocalElastiCache;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.cache.autoconfigure.RedisCacheManagerBuilderCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spring Cache through the starter against TLS servers that refuse what ElastiCache
 * Serverless refuses ({@code KEYS} among them): get, put, evict and evict-all work, on
 * one node and on a cluster, and a failed write reaches the caller. Without the starter's
 * customizer (replaced by a bean of its name that does nothing) Spring Data Redis'
 * defaults leave the entries after an evict-all and drop the failures.
 */
class SpringCacheIntegrationTests {

	@RegisterExtension
	static final LocalElastiCache serverless = LocalElastiCache.standalone()
		.elastiCacheRestrictions(Flavour.SERVERLESS);

	@Test
	void getPutEvictAndEvictAllWorkWithScanAgainstAServerThatRefusesKeys() {
		run(serverless).run((context) -> {
			Books books = context.getBean(Books.class);
			RedisServerProcess node = serverless.nodes().get(0);
			assertThat(books.title(1)).isEqualTo("title 1");
			assertThat(books.title(1)).as("served from the cache").isEqualTo("title 1");
			assertThat(books.loads()).isEqualTo(1);
			assertThat(books.rename(2, "renamed")).isEqualTo("renamed");
			assertThat(books.title(2)).as("put by @CachePut").isEqualTo("renamed");
			books.forget(1);
			assertThat(node.adminCommand("EXISTS", "books::1")).as("evicted at once").isEqualTo("0");
			for (int id = 10; id < 40; id++) {
				books.title(id);
			}
			assertThat(Long.parseLong(node.adminCommand("TTL", "books::10"))).as("Boot's time to live")
				.isBetween(1L, 600L);
			node.adminCommand("SET", "other", "kept");
			long scansBefore = node.commandCalls("scan");
			books.forgetAll();
			assertThat(entries(List.of(node))).as("entries left after evict-all").isZero();
			assertThat(node.commandCalls("scan")).as("SCAN calls of the clear").isGreaterThan(scansBefore);
			assertThat(node.adminCommand("EXISTS", "other")).isEqualTo("1");
		});
	}

	@Test
	void withoutTheStartersWriterAnEvictAllLeavesTheEntriesAndNothingFails() {
		run(serverless).withBean(ElastiCacheSecureCacheAutoConfiguration.CUSTOMIZER_BEAN_NAME,
				RedisCacheManagerBuilderCustomizer.class, () -> (builder) -> {
				})
			.run((context) -> {
				Books books = context.getBean(Books.class);
				RedisServerProcess node = serverless.nodes().get(0);
				for (int id = 100; id < 110; id++) {
					books.title(id);
				}
				awaitEntries(node, 10);
				books.forgetAll();
				Thread.sleep(500);
				assertThat(entries(List.of(node))).as("entries left, without an error").isEqualTo(10);
				node.adminCommand("FLUSHALL");
			});
	}

	@Test
	void aFailedEvictReachesTheCaller() {
		run(serverless).run((context) -> {
			Books books = context.getBean(Books.class);
			RedisServerProcess node = serverless.nodes().get(0);
			books.title(7);
			node.adminCommand("ACL", "SETUSER", serverless.username(), "-del", "-unlink");
			try {
				assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> books.forget(7))
					.withStackTraceContaining("NOPERM");
			}
			finally {
				node.adminCommand("ACL", "SETUSER", serverless.username(), "+del", "+unlink");
			}
			assertThat(node.adminCommand("EXISTS", "books::7")).isEqualTo("1");
		});
	}

	@Test
	void evictAllClearsEveryMasterOfACluster() {
		try (LocalElastiCache cluster = LocalElastiCache.cluster(3, 0)
			.elastiCacheRestrictions(Flavour.SERVERLESS)
			.start()) {
			run(cluster).run((context) -> {
				Books books = context.getBean(Books.class);
				for (int id = 0; id < 60; id++) {
					books.title(id);
				}
				assertThat(cluster.nodes())
					.allSatisfy((node) -> assertThat(entries(List.of(node))).as("entries on %s", node).isPositive());
				books.forget(0);
				assertThat(entries(cluster.nodes())).isEqualTo(59);
				books.forgetAll();
				assertThat(entries(cluster.nodes())).as("entries left after evict-all").isZero();
			});
		}
	}

	private static ApplicationContextRunner run(LocalElastiCache cache) {
		return RedisTestContexts.runner()
			.withUserConfiguration(CachingConfiguration.class)
			.withPropertyValues("spring.cache.type=redis", "spring.cache.redis.time-to-live=10m")
			.withPropertyValues(cache.connectionProperties()
				.entrySet()
				.stream()
				.map((property) -> property.getKey() + "=" + property.getValue())
				.toArray(String[]::new));
	}

	/** The cache's entries on the nodes (the kit's admin may still run KEYS). */
	private static long entries(List<RedisServerProcess> nodes) {
		return nodes.stream()
			.map((node) -> node.adminCommand("KEYS", "books::*"))
			.filter((keys) -> keys != null && !keys.isEmpty())
			.mapToLong((keys) -> keys.split("\n").length)
			.sum();
	}

	private static void awaitEntries(RedisServerProcess node, long expected) throws InterruptedException {
		long deadline = System.nanoTime() + 5_000_000_000L;
		while (entries(List.of(node)) < expected && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

		@Bean
		Books books() {
			return new Books();
		}

	}

	static class Books {

		private final AtomicInteger loads = new AtomicInteger();

		public int loads() {
			return this.loads.get();
		}

		@Cacheable("books")
		public String title(int id) {
			this.loads.incrementAndGet();
			return "title " + id;
		}

		@CachePut(cacheNames = "books", key = "#id")
		public String rename(int id, String title) {
			return title;
		}

		@CacheEvict("books")
		public void forget(int id) {
		}

		@CacheEvict(cacheNames = "books", allEntries = true)
		public void forgetAll() {
		}

	}

}
