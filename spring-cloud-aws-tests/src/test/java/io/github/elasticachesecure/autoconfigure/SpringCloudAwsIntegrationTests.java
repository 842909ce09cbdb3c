package io.github.elasticachesecure.autoconfigure;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration;
import io.github.elasticachesecure.testkit.SigV4Reference;
import io.lettuce.core.RedisCredentials;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureOrder;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.Ordered;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter beside Spring Cloud AWS 4.0: {@code spring.cloud.aws.credentials.*} and
 * {@code spring.cloud.aws.region.static} sign the IAM token, through Spring Cloud AWS's
 * own beans, whatever order the auto-configurations would have by name alone. Nothing
 * reaches for the network: the credentials are static and the token is only signed.
 * Tokens and secret keys are compared, never printed.
 */
class SpringCloudAwsIntegrationTests {

	// Example values in the shape of AWS keys, not real credentials.
	private static final String ACCESS_KEY = "AKIDSPRINGCLOUDAWSEXAMPLE";

	private static final String SECRET_KEY = "spring-cloud-aws-secret-key-that-is-never-printed";

	private static final String REGION = "eu-west-3";

	private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withPropertyValues(
			"spring.cloud.aws.credentials.access-key=" + ACCESS_KEY,
			"spring.cloud.aws.credentials.secret-key=" + SECRET_KEY, "spring.cloud.aws.region.static=" + REGION,
			"elasticache.secure.endpoint=localhost:1", "elasticache.secure.auth.mode=iam",
			"elasticache.secure.auth.username=app-user", "elasticache.secure.cache-name=my-cache",
			"elasticache.secure.guard.probe-timeout=300ms");

	@Test
	void springCloudAwsCredentialsAndRegionSignTheToken() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(CredentialsProviderAutoConfiguration.class,
					RegionProviderAutoConfiguration.class, ElastiCacheSecureAutoConfiguration.class,
					DataRedisAutoConfiguration.class, SslAutoConfiguration.class))
			.run(SpringCloudAwsIntegrationTests::assertTokenSignedWithSpringCloudAwsCredentials);
	}

	@Test
	void springCloudAwsCredentialsWinWhenAnotherAutoConfigurationPullsTheStarterAheadOfThem() {
		// Sorted by name alone, io.awspring comes before io.github; an auto-configuration
		// that runs early and after DataRedisAutoConfiguration pulls the starter (which
		// runs before DataRedisAutoConfiguration) ahead of every auto-configuration the
		// starter does not name.
		this.contextRunner.withConfiguration(AutoConfigurations.of(EarlyRedisLibraryAutoConfiguration.class,
				CredentialsProviderAutoConfiguration.class, RegionProviderAutoConfiguration.class,
				ElastiCacheSecureAutoConfiguration.class, DataRedisAutoConfiguration.class, SslAutoConfiguration.class))
			.run(SpringCloudAwsIntegrationTests::assertTokenSignedWithSpringCloudAwsCredentials);
	}

	private static void assertTokenSignedWithSpringCloudAwsCredentials(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		assertThat(context).hasSingleBean(AwsCredentialsProvider.class);
		assertThat(context).getBean("credentialsProvider").isInstanceOf(StaticCredentialsProvider.class);
		Map<String, String> parameters = parameters(token(context));
		assertThat(parameters.containsKey("X-Amz-Date")).as("token has X-Amz-Date").isTrue();
		String date = parameters.get("X-Amz-Date");
		assertThat(parameters.get("X-Amz-Credential"))
			.isEqualTo(ACCESS_KEY + "/" + date.substring(0, 8) + "/" + REGION + "/elasticache/aws4_request");
		Map<String, String> expected = SigV4Reference.presignedParameters("my-cache",
				Map.of("Action", "connect", "User", "app-user"), REGION, "elasticache",
				AMZ_DATE.parse(date, Instant::from), ACCESS_KEY, SECRET_KEY, null, 900);
		assertThat(parameters.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
		// Compared as booleans so that a mismatch does not print the signature.
		for (String name : expected.keySet()) {
			assertThat(expected.get(name).equals(parameters.get(name))).as("parameter %s matches", name).isTrue();
		}
	}

	/**
	 * The password Lettuce sends with AUTH, taken where Lettuce takes it: from the
	 * connection factory's credentials.
	 */
	private static String token(AssertableApplicationContext context) {
		LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
		RedisCredentials credentials = factory.getClientConfiguration()
			.getRedisCredentialsProviderFactory()
			.orElseThrow()
			.createCredentialsProvider(factory.getStandaloneConfiguration())
			.resolveCredentials()
			.block();
		assertThat(credentials).isNotNull();
		assertThat(credentials.hasPassword()).isTrue();
		return new String(credentials.getPassword());
	}

	private static Map<String, String> parameters(String token) {
		assertThat(token.startsWith("my-cache/?")).as("token names the cache").isTrue();
		Map<String, String> parameters = new LinkedHashMap<>();
		for (String pair : token.substring(token.indexOf('?') + 1).split("&")) {
			int equals = pair.indexOf('=');
			parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
					URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		return parameters;
	}

	/**
	 * Stands in for a library's auto-configuration that uses Redis and asks to run early.
	 */
	@AutoConfiguration(after = DataRedisAutoConfiguration.class)
	@AutoConfigureOrder(Ordered.HIGHEST_PRECEDENCE)
	static class EarlyRedisLibraryAutoConfiguration {

	}

}
