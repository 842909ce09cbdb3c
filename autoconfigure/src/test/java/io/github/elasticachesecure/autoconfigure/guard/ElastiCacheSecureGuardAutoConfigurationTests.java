package io.github.elasticachesecure.autoconfigure.guard;

import java.time.Clock;
import java.time.Duration;

import io.github.elasticachesecure.autoconfigure.StartupFailures;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.guard.InsecureConnectionException;
import io.github.elasticachesecure.guard.RedisConnectionGuard;
import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.testkit.FreePorts;
import io.github.elasticachesecure.tls.TlsEndpointProbe;
import io.github.elasticachesecure.tls.TlsSessionPolicy;
import io.github.elasticachesecure.tls.WireCheck;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SslVerifyMode;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Conditions of {@link ElastiCacheSecureGuardAutoConfiguration}.
 */
class ElastiCacheSecureGuardAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ElastiCacheSecureGuardAutoConfiguration.class));

	@Test
	void guardIsDefinedWithoutTheStartersEndpoint() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RedisConnectionGuard.class).hasSingleBean(StartupGuardReport.class);
			assertThat(context).hasBean(RedisConnectionGuardPostProcessor.BEAN_NAME);
		});
	}

	@Test
	void guardBacksOffFromAUserGuard() {
		WireCheck wireCheck = new WireCheck(new TlsSessionPolicy("TLSv1.2", SslVerifyMode.FULL), Clock.systemUTC());
		RedisConnectionGuard custom = new RedisConnectionGuard(SslVerifyMode.FULL, true,
				new TlsEndpointProbe(Duration.ofSeconds(1)), wireCheck);
		this.contextRunner.withBean(WireCheck.class, () -> wireCheck)
			.withBean(RedisConnectionGuard.class, () -> custom)
			.run((context) -> assertThat(context.getBean(RedisConnectionGuard.class)).isSameAs(custom));
	}

	@Test
	void anEndpointWithoutLettuceOnTheClasspathIsRefusedBeforeAnyBeanExists() {
		GenericApplicationContext context = new GenericApplicationContext();
		context.setClassLoader(new FilteredClassLoader(RedisClient.class));
		TestPropertyValues.of("elasticache.secure.endpoint=localhost:6379").applyTo(context);
		assertThatExceptionOfType(ElastiCacheConfigurationException.class)
			.isThrownBy(() -> new RedisConnectionGuardInitializer().initialize(context))
			.satisfies((failure) -> {
				assertThat(failure.getProperty()).isEqualTo("elasticache.secure.endpoint");
				assertThat(StartupFailures.analyze(failure).getAction())
					.contains("Remove the exclusion of io.lettuce:lettuce-core");
			});
		assertThat(context.getBeanFactory().getBeanPostProcessorCount()).isZero();
	}

	// Spring Boot applies the AOT-generated initializer first: it registers the check's
	// definition, as the initializer did at build time, and the guard's post-processor,
	// which is no bean, must still be added.
	@Test
	void theInitializerAddsTheGuardAfterTheDefinitionsOfSpringAotWereRegistered() {
		GenericApplicationContext context = new GenericApplicationContext();
		context.registerBeanDefinition(ConnectionFactoryBeanCheck.BEAN_NAME,
				new RootBeanDefinition(ConnectionFactoryBeanCheck.class));
		RedisConnectionGuardInitializer initializer = new RedisConnectionGuardInitializer();
		initializer.initialize(context);
		initializer.initialize(context);
		assertThat(context.getDefaultListableBeanFactory().getBeanPostProcessors())
			.filteredOn(RedisConnectionGuardPostProcessor.class::isInstance)
			.hasSize(1);
		assertThat(context.getDefaultListableBeanFactory().getBeanNamesForType(ConnectionFactoryBeanCheck.class))
			.hasSize(1);
	}

	@Test
	void noGuardWithoutLettuce() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RedisClient.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisConnectionGuard.class));
	}

	@Test
	void guardOrderedAfterBootsRedisConfigurationStillChecksBootsFactoryBeforeItConnects() {
		// Boot's plaintext factory is refused by the configuration check, before any
		// probe or connection.
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + FreePorts.unusedLoopbackPort(),
					"spring.data.redis.lettuce.eager-initialization=true")
			.run((context) -> assertThat(StartupFailures.find(context, InsecureConnectionException.class))
				.hasMessageContaining("'redisConnectionFactory'"));
	}

}
