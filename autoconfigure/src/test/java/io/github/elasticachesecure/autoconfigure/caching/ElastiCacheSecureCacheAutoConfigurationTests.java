package io.github.elasticachesecure.autoconfigure.caching;

import java.time.Duration;

import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.RedisCacheManagerBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCache;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and settings of {@link ElastiCacheSecureCacheAutoConfiguration}, without a
 * server: the endpoint is a closed port and nothing is written.
 */
class ElastiCacheSecureCacheAutoConfigurationTests {

	private static final String ENDPOINT = "elasticache.secure.endpoint=localhost:1";

	private static final String PASSWORD = "elasticache.secure.auth.password=unused-Secret-1";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
				DataRedisAutoConfiguration.class, SslAutoConfiguration.class, CacheAutoConfiguration.class,
				ElastiCacheSecureCacheAutoConfiguration.class))
		.withUserConfiguration(Caching.class)
		.withPropertyValues("spring.cache.type=redis");

	@Test
	void theCacheWriterClearsWithScanInBatchesOfAThousandAndWritesImmediately() {
		this.contextRunner.withPropertyValues(ENDPOINT, PASSWORD).run((context) -> {
			assertThat(context).hasBean(ElastiCacheSecureCacheAutoConfiguration.CUSTOMIZER_BEAN_NAME);
			RedisCacheWriter writer = writer(context.getBean(RedisCacheManager.class));
			assertThat(ReflectionTestUtils.getField(writer, "batchStrategy")).hasToString("Scan[batchSize=1000]");
			assertThat(ReflectionTestUtils.getField(writer, "asynchronousWrites")).isEqualTo(false);
		});
	}

	@Test
	void bootsCacheSettingsKeepWorking() {
		this.contextRunner
			.withPropertyValues(ENDPOINT, PASSWORD, "spring.cache.redis.time-to-live=90s",
					"spring.cache.redis.key-prefix=orders:", "spring.cache.redis.enable-statistics=true")
			.run((context) -> {
				RedisCache cache = (RedisCache) context.getBean(RedisCacheManager.class).getCache("books");
				assertThat(cache.getCacheConfiguration().getTtlFunction().getTimeToLive("k", "v"))
					.isEqualTo(Duration.ofSeconds(90));
				assertThat(cache.getCacheConfiguration().getKeyPrefixFor("books")).isEqualTo("orders:books::");
				RedisCacheWriter writer = writer(context.getBean(RedisCacheManager.class));
				assertThat(ReflectionTestUtils.getField(writer, "batchStrategy")).hasToString("Scan[batchSize=1000]");
				assertThat(ReflectionTestUtils.getField(writer, "statistics").getClass().getSimpleName())
					.isEqualTo("DefaultCacheStatisticsCollector");
			});
	}

	@Test
	void anApplicationsCustomizerRunsAfterTheStartersAndWins() {
		RedisCacheWriter own = RedisCacheWriter
			.lockingRedisCacheWriter(new org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory());
		this.contextRunner.withPropertyValues(ENDPOINT, PASSWORD)
			.withBean("ownCustomizer", RedisCacheManagerBuilderCustomizer.class,
					() -> (builder) -> builder.cacheWriter(own))
			.run((context) -> assertThat(writer(context.getBean(RedisCacheManager.class))).isSameAs(own));
	}

	@Test
	void aBeanOfTheCustomizersNameReplacesIt() {
		this.contextRunner.withPropertyValues(ENDPOINT, PASSWORD)
			.withBean(ElastiCacheSecureCacheAutoConfiguration.CUSTOMIZER_BEAN_NAME,
					RedisCacheManagerBuilderCustomizer.class, () -> (builder) -> {
					})
			.run((context) -> assertThat(
					ReflectionTestUtils.getField(writer(context.getBean(RedisCacheManager.class)), "batchStrategy")
						.getClass()
						.getSimpleName())
				.isEqualTo("Keys"));
	}

	@Test
	void withoutTheStartersConnectionNothingIsCustomized() {
		this.contextRunner.withPropertyValues("spring.data.redis.port=1")
			.run((context) -> assertThat(context)
				.doesNotHaveBean(ElastiCacheSecureCacheAutoConfiguration.CUSTOMIZER_BEAN_NAME));
	}

	private static RedisCacheWriter writer(RedisCacheManager manager) {
		return (RedisCacheWriter) ReflectionTestUtils.getField(manager, "cacheWriter");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class Caching {

	}

}
