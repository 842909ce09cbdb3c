package io.github.elasticachesecure.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.github.elasticachesecure.autoconfigure.caching.ElastiCacheSecureCacheAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.guard.ElastiCacheSecureGuardAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.health.ElastiCacheSecureHealthAutoConfiguration;
import io.github.elasticachesecure.health.ElastiCacheHealthIndicator;
import io.github.elasticachesecure.health.ElastiCacheReactiveHealthIndicator;
import io.github.elasticachesecure.testkit.IamFront;
import io.github.elasticachesecure.testkit.TestAwsCredentials;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.lettuce.core.resource.ClientResources;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.beans.factory.config.BeanDefinitionCustomizer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Context runners wired to a real test server: the starter, Boot's Redis support, and an
 * SSL bundle "test" that trusts the test kit's CA.
 */
public final class RedisTestContexts {

	public static final String USER = "app";

	public static final String PASSWORD = "app-Secret-7c1f9a";

	/** The AWS key the IAM tests sign with. */
	public static final TestAwsCredentials IAM_CREDENTIALS = new TestAwsCredentials(
			IamAuthenticationIntegrationTests.ACCESS_KEY_ID, IamAuthenticationIntegrationTests.SECRET_KEY);

	/**
	 * The starter, Boot's Redis support (blocking and reactive), SSL bundles and caching.
	 */
	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(
			ElastiCacheSecureAutoConfiguration.class, ElastiCacheSecureGuardAutoConfiguration.class,
			ElastiCacheSecureHealthAutoConfiguration.class, DataRedisAutoConfiguration.class,
			DataRedisReactiveAutoConfiguration.class, SslAutoConfiguration.class, CacheAutoConfiguration.class,
			ElastiCacheSecureCacheAutoConfiguration.class);

	private RedisTestContexts() {
	}

	/**
	 * Undo {@code logging.level.root=TRACE} of a test that ran a whole application, so
	 * that later tests in the same JVM log as usual.
	 */
	public static void resetRootLogLevel() {
		LoggingSystem.get(RedisTestContexts.class.getClassLoader())
			.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
	}

	/**
	 * Command-line arguments for a whole application secured by the given server and
	 * trusting the test CA, followed by the given ones.
	 */
	public static String[] applicationArguments(RedisServerExtension redis, String... more) {
		List<String> arguments = new ArrayList<>(List.of("--elasticache.secure.endpoint=localhost:" + redis.port(),
				"--elasticache.secure.tls.bundle=test", "--spring.ssl.bundle.pem.test.truststore.certificate=file:"
						+ TestPki.get().trustedCa().certificatePem()));
		arguments.addAll(List.of(more));
		return arguments.toArray(String[]::new);
	}

	public static ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(CONFIGURATIONS).withPropertyValues(trustAndProbe());
	}

	/**
	 * The same as {@link #runner()}, for a reactive web application: the health indicator
	 * is the reactive one.
	 */
	public static ReactiveWebApplicationContextRunner reactiveRunner() {
		return new ReactiveWebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues(trustAndProbe());
	}

	private static String[] trustAndProbe() {
		return new String[] {
				"spring.ssl.bundle.pem.test.truststore.certificate=file:" + TestPki.get().trustedCa().certificatePem(),
				"elasticache.secure.guard.probe-timeout=1s" };
	}

	/**
	 * A runner authenticating with IAM as {@link IamAuthenticationIntegrationTests}'
	 * user, with the test AWS key (for an {@link #iamFront IAM front} to check); the
	 * endpoint is left to the caller.
	 */
	public static ApplicationContextRunner iamRunner() {
		return runner().withBean(AwsCredentialsProvider.class, IAM_CREDENTIALS::awsCredentialsProvider)
			.withPropertyValues("elasticache.secure.tls.bundle=test", "elasticache.secure.auth.mode=iam",
					"elasticache.secure.auth.username=" + IamAuthenticationIntegrationTests.USER_ID,
					"elasticache.secure.cache-name=" + IamAuthenticationIntegrationTests.CACHE_NAME,
					"elasticache.secure.iam.region=" + IamAuthenticationIntegrationTests.REGION);
	}

	/**
	 * The front configured for {@link #iamRunner()}'s user, cache, region and key: the
	 * front creates the user on its server unless given its password.
	 */
	public static IamFront.Builder iamFront(IamFront.Builder front) {
		return front.userId(IamAuthenticationIntegrationTests.USER_ID)
			.cacheName(IamAuthenticationIntegrationTests.CACHE_NAME)
			.region(IamAuthenticationIntegrationTests.REGION)
			.credentials(IAM_CREDENTIALS);
	}

	public static ApplicationContextRunner securedBy(RedisServerExtension redis) {
		return runner().withPropertyValues(securedProperties(redis));
	}

	/**
	 * The same as {@link #securedBy}, for a reactive web application.
	 */
	public static ReactiveWebApplicationContextRunner reactiveSecuredBy(RedisServerExtension redis) {
		return reactiveRunner().withPropertyValues(securedProperties(redis));
	}

	private static String[] securedProperties(RedisServerExtension redis) {
		return new String[] { "elasticache.secure.endpoint=" + redis.host() + ":" + redis.port(),
				"elasticache.secure.tls.bundle=test", "elasticache.secure.auth.username=" + USER,
				"elasticache.secure.auth.password=" + PASSWORD };
	}

	/**
	 * A bean registered when the runner's initializers run (in their order, after
	 * {@code withBean} registrations), made from the context: for a factory an
	 * application builds on the context's {@link ClientResources}.
	 */
	public static <T> ApplicationContextInitializer<ConfigurableApplicationContext> contextBean(String name,
			Class<T> type, Function<ApplicationContext, T> bean, BeanDefinitionCustomizer... customizers) {
		return (context) -> ((GenericApplicationContext) context).registerBean(name, type, () -> bean.apply(context),
				customizers);
	}

	/**
	 * The context's client resources, which carry the starter's wire check.
	 */
	public static ClientResources clientResources(ApplicationContext context) {
		return context.getBean(ClientResources.class);
	}

	/**
	 * The starter's health indicator in a context.
	 * @param context the context
	 * @return the {@code elasticache} health indicator
	 */
	public static ElastiCacheHealthIndicator healthIndicator(ApplicationContext context) {
		return context.getBean("elasticacheHealthIndicator", ElastiCacheHealthIndicator.class);
	}

	/**
	 * The starter's health indicator in a reactive web application's context.
	 * @param context the context
	 * @return the {@code elasticache} reactive health indicator
	 */
	public static ElastiCacheReactiveHealthIndicator reactiveHealthIndicator(ApplicationContext context) {
		return context.getBean("elasticacheHealthIndicator", ElastiCacheReactiveHealthIndicator.class);
	}

}
