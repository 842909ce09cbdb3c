package io.github.elasticachesecure.autoconfigure.health;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.guard.ElastiCacheSecureGuardAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.health.ElastiCacheSecureHealthAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.metrics.ElastiCacheSecureMetricsAutoConfiguration;
import io.github.elasticachesecure.health.ElastiCacheHealthIndicator;
import io.github.elasticachesecure.health.ElastiCacheReactiveHealthIndicator;
import io.github.elasticachesecure.iam.IamTokenListener;
import io.github.elasticachesecure.iam.IamTokenStatus;
import io.github.elasticachesecure.metrics.ElastiCacheMetrics;
import io.github.elasticachesecure.testkit.FreePorts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.ReactiveHealthContributor;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions of the health indicator and the meters. The endpoint is a free port: the
 * guard only warns about an unreachable endpoint, so the contexts start without a server.
 */
class ElastiCacheHealthAndMetricsAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(
			ElastiCacheSecureAutoConfiguration.class, ElastiCacheSecureGuardAutoConfiguration.class,
			ElastiCacheSecureHealthAutoConfiguration.class, ElastiCacheSecureMetricsAutoConfiguration.class,
			DataRedisAutoConfiguration.class, DataRedisReactiveAutoConfiguration.class,
			DataRedisHealthContributorAutoConfiguration.class,
			DataRedisReactiveHealthContributorAutoConfiguration.class);

	/**
	 * Boot's own metrics: the registry, and the post-processor that binds every
	 * {@code MeterBinder} bean to it.
	 */
	private static final AutoConfigurations BOOT_METRICS = AutoConfigurations.of(MetricsAutoConfiguration.class,
			SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class);

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
		.withPropertyValues("elasticache.secure.endpoint=localhost:" + FreePorts.unusedLoopbackPort(),
				"elasticache.secure.auth.password=whatever", "elasticache.secure.guard.probe-timeout=500ms");

	@Test
	void healthIndicatorReplacesBootsRedisIndicator() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("elasticacheHealthIndicator")).isInstanceOf(ElastiCacheHealthIndicator.class);
			assertThat(context).doesNotHaveBean(ReactiveHealthContributor.class);
		});
	}

	@Test
	void healthIndicatorCanBeDisabledAndBootsRedisIndicatorComesBack() {
		this.runner.withPropertyValues("management.health.elasticache.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean("elasticacheHealthIndicator")
				.doesNotHaveBean(ElastiCacheSecureHealthAutoConfiguration.BootRedisHealthContributorPlaceholder.class);
			assertThat(context.getBeansOfType(ReactiveHealthContributor.class))
				.containsOnlyKeys("redisHealthContributor");
		});
	}

	@Test
	void healthIndicatorBacksOffFromAUserBean() {
		HealthIndicator custom = () -> null;
		this.runner.withBean("elasticacheHealthIndicator", HealthIndicator.class, () -> custom)
			.run((context) -> assertThat(context.getBean("elasticacheHealthIndicator")).isSameAs(custom));
	}

	@Test
	void healthIndicatorBacksOffFromAUserIndicatorOfItsType() {
		this.runner
			.withBean("myIndicator", ElastiCacheHealthIndicator.class, () -> new ElastiCacheHealthIndicator(null))
			.run((context) -> assertThat(context).doesNotHaveBean("elasticacheHealthIndicator"));
	}

	@Test
	void withoutHealthModuleThereIsNoIndicator() {
		// Without Boot's health auto-configurations, which cannot load their conditions
		// either.
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
					ElastiCacheSecureGuardAutoConfiguration.class, ElastiCacheSecureHealthAutoConfiguration.class,
					DataRedisAutoConfiguration.class))
			.withPropertyValues("elasticache.secure.endpoint=localhost:" + FreePorts.unusedLoopbackPort(),
					"elasticache.secure.auth.password=whatever", "elasticache.secure.guard.probe-timeout=500ms")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("elasticacheHealthIndicator"));
	}

	@Test
	void withoutEndpointThereIsNoIndicatorAndBootsIndicatorStays() {
		new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues("spring.data.redis.ssl.enabled=true")
			.run((context) -> {
				assertThat(context).doesNotHaveBean("elasticacheHealthIndicator");
				assertThat(context.getBeansOfType(ReactiveHealthContributor.class))
					.containsOnlyKeys("redisHealthContributor");
			});
	}

	@Test
	void reactiveApplicationsGetAReactiveIndicator() {
		new ReactiveWebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues("elasticache.secure.endpoint=localhost:" + FreePorts.unusedLoopbackPort(),
					"elasticache.secure.auth.password=whatever", "elasticache.secure.guard.probe-timeout=500ms")
			.run((context) -> assertThat(context.getBean("elasticacheHealthIndicator"))
				.isInstanceOf(ElastiCacheReactiveHealthIndicator.class));
	}

	@Test
	void noMetricsWithoutMeterRegistry() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ElastiCacheMetrics.class));
	}

	@Test
	void noMetricsWithoutMicrometer() {
		this.runner.withBean(SimpleMeterRegistry.class)
			.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ElastiCacheMetrics.class));
	}

	@Test
	void metersAreBoundToBootsRegistryWithoutTheApplicationBindingThem() {
		this.runner.withConfiguration(BOOT_METRICS).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("elasticache.reauthentications").tag("result", "success").functionCounter().count())
				.isZero();
			assertThat(registry.get("elasticache.guard.checks").tag("outcome", "unreachable").functionCounter().count())
				.isEqualTo(1);
			assertThat(registry.get("elasticache.tls.certificate.expiry").gauge().value()).isNaN();
			// Password mode: no IAM meters.
			assertThat(registry.find("elasticache.iam.token.refreshes").meters()).isEmpty();
		});
	}

	@Test
	void iamTokenListenerBeansAreToldAboutRefreshes() {
		CountDownLatch refreshed = new CountDownLatch(1);
		IamTokenListener listener = new IamTokenListener() {
			@Override
			public void onRefreshSuccess(IamTokenStatus status) {
				refreshed.countDown();
			}
		};
		this.runner
			// IAM refuses a password: the shared one is emptied, which counts as unset.
			.withPropertyValues("elasticache.secure.auth.mode=iam", "elasticache.secure.auth.password=",
					"elasticache.secure.auth.username=app", "elasticache.secure.cache-name=my-cache",
					"elasticache.secure.iam.region=us-east-1")
			.withBean(AwsCredentialsProvider.class,
					() -> StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-secret")))
			.withBean(IamTokenListener.class, () -> listener)
			.withConfiguration(BOOT_METRICS)
			.run((context) -> {
				assertThat(refreshed.await(5, TimeUnit.SECONDS)).isTrue();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("elasticache.iam.token.refreshes")
					.tag("result", "success")
					.functionCounter()
					.count()).isEqualTo(1);
				assertThat(registry.get("elasticache.iam.token.expiry").gauge().value()).isBetween(60.0, 900.0);
			});
	}

}
