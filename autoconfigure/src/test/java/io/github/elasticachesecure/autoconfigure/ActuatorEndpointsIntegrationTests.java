package io.github.elasticachesecure.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A web application with the actuator: {@code /actuator/health} shows the
 * {@code elasticache} details and no {@code redis} entry, {@code /actuator/metrics} lists
 * the meters, and no endpoint shows the password or the AWS credentials.
 */
class ActuatorEndpointsIntegrationTests {

	private static final String NUMERIC_USER = "numeric";

	/** A password that YAML reads as a number. */
	private static final int NUMERIC_PASSWORD = 73914682;

	private static final String AWS_SECRET_KEY = "wJalrXUtnFEMI-actuator-secret-key";

	private static final String AWS_SESSION_TOKEN = "IQoJb3JpZ2luX2Vj-actuator-session-token";

	private static final String SPRING_CLOUD_AWS_SECRET_KEY = "spring-cloud-aws-actuator-secret-key";

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls()
		.serverCertificate(TestPki.get().localhostValidFor(Duration.ofDays(90)))
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD)
		.aclUser(NUMERIC_USER, String.valueOf(NUMERIC_PASSWORD));

	@Test
	void endpointsShowHealthAndMetersButNoSecret() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApplication.class).run(
				"--server.port=0", "--server.address=127.0.0.1",
				"--management.endpoints.web.exposure.include=health,env,configprops,metrics",
				"--management.endpoint.health.show-details=always",
				"--elasticache.secure.endpoint=localhost:" + redis.port(), "--elasticache.secure.tls.bundle=test",
				"--spring.ssl.bundle.pem.test.truststore.certificate=file:"
						+ TestPki.get().trustedCa().certificatePem(),
				"--elasticache.secure.auth.username=" + RedisTestContexts.USER,
				"--elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD)) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			String health = get(port, "/actuator/health");
			assertThat(health).contains("\"elasticache\":{\"details\":{\"endpoint\":\"localhost:" + redis.port())
				.contains("\"latencyMillis\":")
				.contains("},\"status\":\"UP\"},\"livenessState\"")
				.contains("\"protocol\":\"TLSv1.")
				.contains("\"username\":\"app\"")
				.doesNotContain("\"redis\"");
			Files.writeString(Path.of("target", "actuator-health-example.json"), health);
			// Steady state, for the documentation's latency figures.
			StringBuilder samples = new StringBuilder();
			for (int i = 0; i < 20; i++) {
				samples.append(get(port, "/actuator/health/elasticache")).append('\n');
			}
			Files.writeString(Path.of("target", "actuator-health-elasticache-samples.json"), samples);
			String metrics = get(port, "/actuator/metrics");
			assertThat(metrics).contains("elasticache.reauthentications")
				.contains("elasticache.guard.checks")
				.contains("elasticache.tls.certificate.expiry");
			assertThat(get(port, "/actuator/metrics/elasticache.guard.checks?tag=outcome:secure"))
				.contains("\"value\":1.0");
			for (String path : new String[] { "/actuator/health", "/actuator/env", "/actuator/configprops",
					"/actuator/env/elasticache.secure.auth.password" }) {
				assertThat(get(port, path)).as(path).doesNotContain(RedisTestContexts.PASSWORD);
			}
		}
	}

	@Test
	void credentialsStayMaskedWhenValuesAreShown() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApplication.class)
			.run(RedisTestContexts.applicationArguments(redis, "--server.port=0", "--server.address=127.0.0.1",
					"--management.endpoints.web.exposure.include=env,configprops",
					"--management.endpoint.env.show-values=always",
					"--management.endpoint.configprops.show-values=always",
					"--elasticache.secure.auth.username=" + RedisTestContexts.USER,
					"--elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD))) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			String env = get(port, "/actuator/env");
			// Values are shown: the endpoint is there in clear, the password is not.
			assertThat(env).contains("localhost:" + redis.port()).doesNotContain(RedisTestContexts.PASSWORD);
			assertThat(get(port, "/actuator/configprops")).contains("\"username\":\"app\"")
				.doesNotContain(RedisTestContexts.PASSWORD);
			assertThat(get(port, "/actuator/env/elasticache.secure.auth.password"))
				.doesNotContain(RedisTestContexts.PASSWORD);
		}
	}

	@Test
	void secretsAreMaskedUnderEveryKeyThatCarriesOrFeedsThemWhenValuesAreShown() throws Exception {
		String head = "app-Secret-";
		String tail = "7c1f9a";
		assertThat(head + tail).isEqualTo(RedisTestContexts.PASSWORD);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApplication.class)
			// Fed through placeholders from another property source, as from environment
			// variables.
			.properties("SECRET_HEAD=" + head, "SECRET_TAIL=" + tail, "WHOLE_SECRET=" + RedisTestContexts.PASSWORD)
			.run(RedisTestContexts.applicationArguments(redis, "--server.port=0", "--server.address=127.0.0.1",
					"--management.endpoints.web.exposure.include=env,configprops",
					"--management.endpoint.env.show-values=always",
					"--management.endpoint.configprops.show-values=always",
					"--elasticache.secure.auth.username=" + RedisTestContexts.USER,
					"--elasticache.secure.auth.password=${SECRET_HEAD}${SECRET_TAIL}",
					// Equal to the starter's password, so the conflict check accepts it.
					"--spring.data.redis.password=" + RedisTestContexts.PASSWORD))) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			for (String path : new String[] { "/actuator/env", "/actuator/configprops",
					"/actuator/env/spring.data.redis.password", "/actuator/env/SECRET_TAIL",
					"/actuator/env/WHOLE_SECRET" }) {
				String body = get(port, path);
				assertThat(body.contains(RedisTestContexts.PASSWORD) || body.contains(head) || body.contains(tail))
					.as("secret or a part of it in " + path)
					.isFalse();
			}
			// Values are shown: the endpoint is there in clear.
			assertThat(get(port, "/actuator/env").contains("\"localhost:" + redis.port() + "\"")).as("endpoint shown")
				.isTrue();
		}
	}

	/**
	 * The AWS SDK's names, as environment variables (a property source of the same names
	 * here) and system properties, Spring Cloud AWS's secret key, and a password that
	 * YAML reads as a number, in {@code application.yml}.
	 */
	@Test
	void awsCredentialsAndANumericYamlPasswordAreMaskedWhenValuesAreShown(@TempDir Path config) throws Exception {
		Path yaml = config.resolve("application.yml");
		Files.writeString(yaml, """
				elasticache:
				  secure:
				    auth:
				      username: %s
				      password: %d
				copy:
				  of-password: %d
				""".formatted(NUMERIC_USER, NUMERIC_PASSWORD, NUMERIC_PASSWORD));
		System.setProperty("aws.secretAccessKey", AWS_SECRET_KEY);
		System.setProperty("aws.sessionToken", AWS_SESSION_TOKEN);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApplication.class)
			.properties("AWS_SECRET_ACCESS_KEY=" + AWS_SECRET_KEY, "AWS_SESSION_TOKEN=" + AWS_SESSION_TOKEN,
					"AWS_ACCESS_KEY_ID=ASIAACTUATOREXAMPLE")
			.run(RedisTestContexts.applicationArguments(redis, "--server.port=0", "--server.address=127.0.0.1",
					"--spring.config.additional-location=file:" + yaml,
					"--management.endpoints.web.exposure.include=env,configprops",
					"--management.endpoint.env.show-values=always",
					"--management.endpoint.configprops.show-values=always",
					"--spring.cloud.aws.credentials.secret-key=" + SPRING_CLOUD_AWS_SECRET_KEY))) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			String env = get(port, "/actuator/env");
			// The numeric password authenticated, and values are shown: the access key id
			// is there in clear.
			assertThat(env).contains("\"ASIAACTUATOREXAMPLE\"").contains("application.yml");
			for (String path : new String[] { "/actuator/env", "/actuator/configprops",
					"/actuator/env/AWS_SECRET_ACCESS_KEY", "/actuator/env/aws.sessionToken",
					"/actuator/env/spring.cloud.aws.credentials.secret-key", "/actuator/env/copy.of-password",
					"/actuator/env/elasticache.secure.auth.password" }) {
				String body = get(port, path);
				assertThat(body).as(path)
					.doesNotContain(String.valueOf(NUMERIC_PASSWORD))
					.doesNotContain(AWS_SECRET_KEY)
					.doesNotContain(AWS_SESSION_TOKEN)
					.doesNotContain(SPRING_CLOUD_AWS_SECRET_KEY);
			}
		}
		finally {
			System.clearProperty("aws.secretAccessKey");
			System.clearProperty("aws.sessionToken");
		}
	}

	private static String get(int port, String path) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class WebApplication {

	}

}
