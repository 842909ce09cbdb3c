package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.github.elasticachesecure.autoconfigure.ElastiCacheFailoverConfiguration.BothNettyCustomizers;
import io.github.elasticachesecure.cache.RefusedCommandLog;
import io.github.elasticachesecure.failover.FailoverClientResources;
import io.github.elasticachesecure.failover.ReadOnlyReplicaReconnector;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client resources Boot builds with the starter: short-lived DNS answers, jittered
 * reconnects, the explanation of refused commands and, outside cluster mode, the
 * reconnect on {@code READONLY}; each replaceable by the application.
 */
class ElastiCacheFailoverConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
				DataRedisAutoConfiguration.class, SslAutoConfiguration.class))
		.withPropertyValues("elasticache.secure.endpoint=localhost:1", "elasticache.secure.auth.mode=none");

	@Test
	void clientResourcesResolveBrieflyReconnectWithJitterAndReconnectOnReadOnly() {
		this.contextRunner.run((context) -> {
			ClientResources resources = context.getBean(ClientResources.class);
			assertThat(resources.addressResolverGroup()).isSameAs(FailoverClientResources.addressResolverGroup());
			assertThat(resources.reconnectDelay().createDelay(1)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
			BothNettyCustomizers customizers = (BothNettyCustomizers) resources.nettyCustomizer();
			assertThat(customizers.first()).isSameAs(context.getBean(ReadOnlyReplicaReconnector.class));
			assertThat(customizers.second()).isSameAs(context.getBean(RefusedCommandLog.class));
		});
	}

	@Test
	void reconnectsWaitAtMostHalfASecondAtFirstAndNeverMoreThanFiveSeconds() {
		this.contextRunner.run((context) -> {
			Delay delay = context.getBean(ClientResources.class).reconnectDelay();
			for (int i = 0; i < 50; i++) {
				assertThat(delay.createDelay(1)).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
				assertThat(delay.createDelay(40)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
			}
		});
	}

	@Test
	void clusterModeKeepsLettucesOwnRedirectHandling() {
		this.contextRunner.withPropertyValues("elasticache.secure.topology=cluster").run((context) -> {
			ClientResources resources = context.getBean(ClientResources.class);
			assertThat(resources.nettyCustomizer()).isSameAs(context.getBean(RefusedCommandLog.class));
			assertThat(resources.addressResolverGroup()).isSameAs(FailoverClientResources.addressResolverGroup());
			assertThat(resources.reconnectDelay().createDelay(1)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
		});
	}

	@Test
	void applicationCustomizersAndReconnectorWin() {
		this.contextRunner.withUserConfiguration(ApplicationResources.class).run((context) -> {
			ClientResources resources = context.getBean(ClientResources.class);
			assertThat(resources.reconnectDelay().createDelay(1)).isEqualTo(Duration.ofMillis(42));
			assertThat(((BothNettyCustomizers) resources.nettyCustomizer()).first())
				.isInstanceOf(ApplicationReconnector.class);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationResources {

		@Bean
		ClientResourcesBuilderCustomizer constantReconnectDelay() {
			return (builder) -> builder.reconnectDelay(Delay.constant(Duration.ofMillis(42)));
		}

		@Bean
		ReadOnlyReplicaReconnector applicationReconnector() {
			return new ApplicationReconnector();
		}

	}

	static class ApplicationReconnector extends ReadOnlyReplicaReconnector {

	}

}
