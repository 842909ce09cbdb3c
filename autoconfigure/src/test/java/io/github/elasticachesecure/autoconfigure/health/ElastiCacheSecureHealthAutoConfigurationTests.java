package io.github.elasticachesecure.autoconfigure.health;

import java.time.Duration;

import io.github.elasticachesecure.autoconfigure.ElastiCacheDescription;
import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureAutoConfiguration;
import io.github.elasticachesecure.health.ElastiCacheHealthCheck;
import io.github.elasticachesecure.health.ElastiCacheHealthIndicator;
import io.github.elasticachesecure.testkit.FreePorts;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions of {@link ElastiCacheSecureHealthAutoConfiguration}. No guard runs here, so
 * nothing connects to the free port the endpoint names.
 */
class ElastiCacheSecureHealthAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
				ElastiCacheSecureHealthAutoConfiguration.class, DataRedisAutoConfiguration.class,
				DataRedisHealthContributorAutoConfiguration.class))
		.withPropertyValues("elasticache.secure.endpoint=localhost:" + FreePorts.unusedLoopbackPort(),
				"elasticache.secure.auth.password=secret");

	@Test
	void indicatorTakesThePlaceOfBootsRedisIndicator() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean("elasticacheHealthIndicator")).isInstanceOf(ElastiCacheHealthIndicator.class);
			assertThat(context.getBean("redisHealthContributor"))
				.isInstanceOf(ElastiCacheSecureHealthAutoConfiguration.BootRedisHealthContributorPlaceholder.class);
			assertThat(context.getBeansOfType(HealthContributor.class)).containsOnlyKeys("elasticacheHealthIndicator");
		});
	}

	@Test
	void eachCheckIsBoundedByTwoSecondsUnlessSetOtherwise() {
		this.contextRunner.run((context) -> assertThat(context.getBean(ElastiCacheHealthCheck.class).timeout())
			.isEqualTo(Duration.ofSeconds(2)));
		this.contextRunner.withPropertyValues("elasticache.secure.health.timeout=700ms")
			.run((context) -> assertThat(context.getBean(ElastiCacheHealthCheck.class).timeout())
				.isEqualTo(Duration.ofMillis(700)));
	}

	@Test
	void noIndicatorWithoutAConnectionFactory() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
					ElastiCacheSecureHealthAutoConfiguration.class))
			.withPropertyValues("elasticache.secure.endpoint=localhost:1", "elasticache.secure.auth.password=secret")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ElastiCacheDescription.class)
				.doesNotHaveBean(ElastiCacheHealthCheck.class)
				.doesNotHaveBean("redisHealthContributor"));
	}

	@Test
	void noIndicatorWithoutTheStartersEndpoint() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
					ElastiCacheSecureHealthAutoConfiguration.class, DataRedisAutoConfiguration.class,
					DataRedisHealthContributorAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ElastiCacheHealthCheck.class);
				assertThat(context.getBean("redisHealthContributor")).isInstanceOf(HealthContributor.class);
			});
	}

	@Test
	void disabledIndicatorLeavesBootsIndicator() {
		this.contextRunner.withPropertyValues("management.health.elasticache.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ElastiCacheHealthCheck.class);
			assertThat(context.getBean("redisHealthContributor")).isInstanceOf(HealthContributor.class);
		});
	}

	@Test
	void bootsIndicatorCanBeKeptBesideTheStartersOne() {
		this.contextRunner.withPropertyValues("elasticache.secure.health.replace-redis-indicator=false")
			.run((context) -> {
				assertThat(context).hasBean("elasticacheHealthIndicator");
				assertThat(context.getBean("redisHealthContributor")).isInstanceOf(HealthContributor.class);
			});
	}

}
