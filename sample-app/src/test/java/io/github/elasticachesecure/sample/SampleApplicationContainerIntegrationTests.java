package io.github.elasticachesecure.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.testkit.ElastiCacheContainer;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.json.BasicJsonTester;
import org.springframework.boot.test.json.JsonContent;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an application's integration test looks like with the test kit: one annotated
 * field, no property. The application's own {@code elasticache.secure.endpoint} (the real
 * cache's, in {@code application.yml}) gives way to the container, as Boot's
 * {@code spring.data.redis.*} does.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Testcontainers
class SampleApplicationContainerIntegrationTests {

	@Container
	@ServiceConnection
	static ElastiCacheContainer cache = new ElastiCacheContainer(
			System.getProperty("testkit.image", "valkey/valkey:8"));

	@Autowired
	StringRedisTemplate redis;

	@LocalServerPort
	int port;

	@Autowired
	StartupGuardReport guardReport;

	@Test
	void redisTrafficGoesToTheContainer() {
		this.redis.opsForValue().set("greeting", "hello");
		assertThat(this.redis.opsForValue().get("greeting")).isEqualTo("hello");
		// Written through the container's own ACL user, which the connection details
		// named
		assertThat(
				this.redis.execute((RedisCallback<String>) (connection) -> connection.serverCommands().getClientName()))
			.isEqualTo("elasticache-secure-sample");
	}

	@Test
	void healthIsUpWithFullVerificationAndTheGuardPassed() throws Exception {
		assertThat(this.guardReport.resultFor(cache.getHost(), cache.getPort())).isNotNull()
			.satisfies((result) -> assertThat(result.outcome()).isEqualTo(TlsProbeOutcome.SECURE));
		String health = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/health")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		assertThat(health.contains(cache.getPassword())).as("password in the health output").isFalse();
		JsonContent<Object> json = new BasicJsonTester(getClass()).from(health);
		assertThat(json).extractingJsonPathStringValue("$.components.elasticache.status").isEqualTo("UP");
		assertThat(json).extractingJsonPathStringValue("$.components.elasticache.details.verifyMode").isEqualTo("FULL");
		assertThat(json).extractingJsonPathStringValue("$.components.elasticache.details.tlsProbe").isEqualTo("SECURE");
		assertThat(json).extractingJsonPathStringValue("$.components.elasticache.details.certificate.issuer")
			.isEqualTo(TestPki.get().trustedCa().subject());
	}

}
