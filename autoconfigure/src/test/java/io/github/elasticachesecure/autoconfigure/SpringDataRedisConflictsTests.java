package io.github.elasticachesecure.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.elasticachesecure.cache.ElastiCacheEndpoint;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MutuallyExclusiveConfigurationPropertiesException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for {@link SpringDataRedisConflicts}: the exception each conflict raises, and the
 * report Spring Boot's own failure analyzers (loaded as Boot loads them) make of it.
 */
class SpringDataRedisConflictsTests {

	private static final String ENDPOINT = "elasticache.secure.endpoint";

	@Test
	void aSecondPlaceToConnectIsMutuallyExclusiveWithTheEndpointAndItsUrlIsNotPrinted() {
		Throwable failure = check(settings("spring.data.redis.url", "rediss://app:S3cret-url@other.example:6379"));
		assertThat(failure).isInstanceOf(MutuallyExclusiveConfigurationPropertiesException.class);
		FailureAnalysis report = report(failure,
				settings("spring.data.redis.url", "rediss://app:S3cret-url@other.example:6379"));
		assertThat(report.getDescription()).contains("The following configuration properties are mutually exclusive:")
			.contains("\t" + ENDPOINT + "\n")
			.contains("\tspring.data.redis.url\n");
		assertThat(report.getAction()).isEqualTo(
				"Update your configuration so that only one of the mutually exclusive properties is configured.");
		assertNoSecret(failure, report);
	}

	@ParameterizedTest
	@ValueSource(strings = { "spring.data.redis.sentinel.master", "spring.data.redis.sentinel.nodes",
			"spring.data.redis.masterreplica.nodes", "spring.data.redis.cluster.nodes" })
	void everyOtherTopologyIsMutuallyExclusiveWithTheEndpoint(String property) {
		Map<String, Object> settings = settings(property, "other.example:26379");
		Throwable failure = check(settings);
		assertThat(failure).isInstanceOf(MutuallyExclusiveConfigurationPropertiesException.class);
		assertThat(((MutuallyExclusiveConfigurationPropertiesException) failure).getConfiguredNames())
			.containsExactly(property, ENDPOINT);
		assertThat(report(failure, settings).getDescription()).contains("\t" + property + "\n")
			.contains("\t" + ENDPOINT + "\n");
	}

	@Test
	void anIndexedListIsReportedWithTheNamesItIsSetUnder() {
		// As YAML writes a list.
		Map<String, Object> settings = settings("spring.data.redis.cluster.nodes[0]", "a.example:6379");
		settings.put("spring.data.redis.cluster.nodes[1]", "b.example:6379");
		Throwable failure = check(settings);
		assertThat(failure).isInstanceOf(MutuallyExclusiveConfigurationPropertiesException.class);
		assertThat(report(failure, settings).getDescription()).contains("\tspring.data.redis.cluster.nodes\n")
			.contains("\tspring.data.redis.cluster.nodes[0]\n")
			.contains("\tspring.data.redis.cluster.nodes[1]\n");
	}

	@Test
	void aContradictingHostFromTheEnvironmentIsReported() {
		Map<String, Object> settings = settings(null, null);
		Throwable failure = check(settings, new SystemEnvironmentPropertySource("systemEnvironment",
				Map.of("SPRING_DATA_REDIS_HOST", "other.example")));
		assertThat(failure).isInstanceOf(MutuallyExclusiveConfigurationPropertiesException.class);
		assertThat(report(failure, settings,
				new SystemEnvironmentPropertySource("systemEnvironment",
						Map.of("SPRING_DATA_REDIS_HOST", "other.example")))
			.getDescription()).contains("\tspring.data.redis.host\n").contains("\t" + ENDPOINT + "\n");
	}

	@Test
	void aContradictingPortIsMutuallyExclusiveWithTheEndpoint() {
		Map<String, Object> settings = settings("spring.data.redis.port", "6380");
		Throwable failure = check(settings);
		assertThat(failure).isInstanceOf(MutuallyExclusiveConfigurationPropertiesException.class);
		assertThat(((MutuallyExclusiveConfigurationPropertiesException) failure).getConfiguredNames())
			.containsExactly("spring.data.redis.port", ENDPOINT);
	}

	@Test
	void aSecondSslBundleIsMutuallyExclusiveWithTheStarters() {
		Map<String, Object> settings = settings("spring.data.redis.ssl.bundle", "other");
		settings.put("elasticache.secure.tls.bundle", "elasticache");
		Throwable failure = check(settings);
		assertThat(failure).isInstanceOf(MutuallyExclusiveConfigurationPropertiesException.class);
		assertThat(((MutuallyExclusiveConfigurationPropertiesException) failure).getConfiguredNames())
			.containsExactly("spring.data.redis.ssl.bundle", "elasticache.secure.tls.bundle");
	}

	@Test
	void aSecondPasswordIsMutuallyExclusiveWithTheStartersAndNeitherIsPrinted() {
		Map<String, Object> settings = settings("spring.data.redis.password", "S3cret-other");
		Throwable failure = check(settings);
		assertThat(failure).isInstanceOf(MutuallyExclusiveConfigurationPropertiesException.class);
		FailureAnalysis report = report(failure, settings);
		assertThat(report.getDescription()).contains("\telasticache.secure.auth.password\n")
			.contains("\tspring.data.redis.password\n");
		assertNoSecret(failure, report);
	}

	@Test
	void aUserNameWithoutTheStartersIsMutuallyExclusiveWithTheEndpoint() {
		Map<String, Object> settings = settings("spring.data.redis.username", "other");
		settings.remove("elasticache.secure.auth.username");
		Throwable failure = check(settings);
		assertThat(failure).isInstanceOf(MutuallyExclusiveConfigurationPropertiesException.class);
		assertThat(((MutuallyExclusiveConfigurationPropertiesException) failure).getConfiguredNames())
			.containsExactly("spring.data.redis.username", ENDPOINT);
		assertThat(report(failure, settings).getDescription()).contains("\tspring.data.redis.username\n");
	}

	@Test
	void plaintextIsAnInvalidValueWithTheFix() {
		Map<String, Object> settings = settings("spring.data.redis.ssl.enabled", "false");
		Throwable failure = check(settings);
		assertThat(failure).isInstanceOf(InvalidConfigurationPropertyValueException.class);
		assertThat(report(failure, settings).getDescription())
			.startsWith("Invalid value 'false' for configuration property 'spring.data.redis.ssl.enabled'")
			.contains("never makes a plaintext connection")
			.contains("Remove 'spring.data.redis.ssl.enabled'.");
	}

	@Test
	void anotherClientIsAnInvalidValueWithTheFix() {
		Map<String, Object> settings = settings("spring.data.redis.client-type", "jedis");
		Throwable failure = check(settings);
		assertThat(failure).isInstanceOf(InvalidConfigurationPropertyValueException.class);
		assertThat(report(failure, settings).getDescription())
			.startsWith("Invalid value 'jedis' for configuration property 'spring.data.redis.client-type'")
			.contains("Remove 'spring.data.redis.client-type' or set it to 'lettuce'.");
	}

	@Test
	void agreeingSettingsPass() {
		Map<String, Object> settings = settings("spring.data.redis.host", "cache.example");
		settings.put("spring.data.redis.port", "6379");
		settings.put("spring.data.redis.username", "app");
		settings.put("spring.data.redis.password", "S3cret-app");
		settings.put("spring.data.redis.ssl.enabled", "true");
		settings.put("spring.data.redis.client-type", "lettuce");
		settings.put("elasticache.secure.tls.bundle", "elasticache");
		settings.put("spring.data.redis.ssl.bundle", "elasticache");
		assertThat(check(settings)).isNull();
	}

	private static Map<String, Object> settings(String name, String value) {
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put(ENDPOINT, "cache.example:6379");
		settings.put("elasticache.secure.auth.username", "app");
		settings.put("elasticache.secure.auth.password", "S3cret-app");
		if (name != null) {
			settings.put(name, value);
		}
		return settings;
	}

	private static Throwable check(Map<String, Object> settings, PropertySource<?>... more) {
		StandardEnvironment environment = environment(settings, more);
		ElastiCacheSecureProperties properties = Binder.get(environment)
			.bindOrCreate("elasticache.secure", ElastiCacheSecureProperties.class);
		return catchThrowable(() -> new SpringDataRedisConflicts(environment).check(properties,
				ElastiCacheEndpoint.parse(properties.getEndpoint())));
	}

	/**
	 * The report of the first failure analyzer on the class path that analyzes the
	 * failure, as Spring Boot makes it.
	 */
	private static FailureAnalysis report(Throwable failure, Map<String, Object> settings, PropertySource<?>... more) {
		ArgumentResolver arguments = ArgumentResolver.of(Environment.class, environment(settings, more))
			.and(BeanFactory.class, new DefaultListableBeanFactory());
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, arguments,
					FailureHandler.logging(LogFactory.getLog(SpringDataRedisConflictsTests.class)));
		FailureAnalysis analysis = analyzers.stream()
			.map((analyzer) -> analyzer.analyze(failure))
			.filter(Objects::nonNull)
			.findFirst()
			.orElse(null);
		assertThat(analysis).as("a failure report").isNotNull();
		return analysis;
	}

	private static StandardEnvironment environment(Map<String, Object> settings, PropertySource<?>... more) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("application.properties", settings));
		for (PropertySource<?> source : more) {
			environment.getPropertySources().addFirst(source);
		}
		ConfigurationPropertySources.attach(environment);
		return environment;
	}

	private static void assertNoSecret(Throwable failure, FailureAnalysis report) {
		assertThat((failure.getMessage() + report.getDescription() + report.getAction()).contains("S3cret"))
			.as("a secret in the exception or the report")
			.isFalse();
	}

}
