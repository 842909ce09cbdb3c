package io.github.elasticachesecure.autoconfigure;

import java.lang.reflect.Method;

import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime hints the starter registers in {@code META-INF/spring/aot.factories}, as a
 * native image build loads them, checked with Spring's {@code RuntimeHintsPredicates} for
 * every reflective access of the starter. {@code ElastiCacheAotIntegrationTests} checks,
 * under Spring's agent, that no other one happens.
 */
class ElastiCacheRuntimeHintsTests {

	private final RuntimeHints hints = registeredHints();

	@Test
	void theGuardReadsTheFactorysPrivateConfigurationField() {
		assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(LettuceConnectionFactory.class, "configuration"))
			.accepts(this.hints);
	}

	@Test
	void optionalModulesLookedUpByNameAreReachable() {
		assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of(TlsEngine.TCNATIVE_CLASS)))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(TypeReference.of("org.springframework.cloud.context.environment.EnvironmentChangeEvent")))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.class)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.class)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(ch.qos.logback.classic.LoggerContext.class))
			.accepts(this.hints);
	}

	@Test
	void lettuce7sSwitchForTheAdaptiveTriggersMayBeInvoked() {
		assertThat(this.hints.reflection().getTypeHint(ClusterTopologyRefreshOptions.Builder.class))
			.satisfies((type) -> assertThat(type.methods()).anySatisfy((method) -> {
				assertThat(method.getName()).isEqualTo("disableAllAdaptiveRefreshTriggers");
				assertThat(method.getParameterTypes()).isEmpty();
				assertThat(method.getMode()).isEqualTo(ExecutableMode.INVOKE);
			}));
		// Lettuce 7 (Spring Boot 4.1) has the method; Lettuce 6 does not.
		Method method = ReflectionUtils.findMethod(ClusterTopologyRefreshOptions.Builder.class,
				"disableAllAdaptiveRefreshTriggers");
		if (method != null) {
			assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(method)).accepts(this.hints);
		}
	}

	private static RuntimeHints registeredHints() {
		RuntimeHints hints = new RuntimeHints();
		ClassLoader classLoader = ElastiCacheRuntimeHintsTests.class.getClassLoader();
		SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories", classLoader)
			.load(RuntimeHintsRegistrar.class)
			.forEach((registrar) -> registrar.registerHints(hints, classLoader));
		return hints;
	}

}
