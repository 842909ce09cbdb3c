package io.github.elasticachesecure.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.github.elasticachesecure.testkit.LocalElastiCache;
import io.github.elasticachesecure.testkit.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.json.BasicJsonTester;
import org.springframework.boot.test.json.JsonContent;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application, as a user runs it, against the kit's ElastiCache stand-in on a
 * real TLS redis-server.
 */
// Through main, as a user runs it: with the startup steps it keeps for /actuator/startup.
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, useMainMethod = UseMainMethod.ALWAYS)
class SampleApplicationIntegrationTests {

	@RegisterExtension
	static final LocalElastiCache cache = LocalElastiCache.standalone().user("sample-app");

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newHttpClient();

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		cache.registerProperties(registry);
	}

	@Test
	void countsVisitsInRedis() throws Exception {
		assertThat(send("POST", "/visits/home").body()).contains("\"visits\":1");
		assertThat(send("POST", "/visits/home").body()).contains("\"visits\":2");
		assertThat(send("GET", "/visits/home").body()).contains("\"visits\":2");
		assertThat(cache.nodes().get(0).adminCommand("GET", "sample:visits:home")).isEqualTo("2");
	}

	@Test
	void cachesGreetingsInRedis() throws Exception {
		String first = send("GET", "/greetings/ada").body();
		assertThat(send("GET", "/greetings/ada").body()).isEqualTo(first);
		assertThat(cache.nodes().get(0).adminCommand("KEYS", "greetings::*")).contains("greetings::ada");
	}

	@Test
	void healthReportsTheSecuredConnectionWithoutSecrets() throws Exception {
		HttpResponse<String> health = send("GET", "/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body().contains(cache.password())).as("password in the health output").isFalse();
		JsonContent<Object> json = new BasicJsonTester(getClass()).from(health.body());
		assertThat(json).extractingJsonPathStringValue("$.status").isEqualTo("UP");
		// The starter's indicator, with the TLS it saw, in place of Boot's own 'redis'
		// indicator
		assertThat(json).extractingJsonPathMapValue("$.components")
			.containsKey("elasticache")
			.doesNotContainKey("redis");
		assertThat(json).extractingJsonPathStringValue("$.components.elasticache.status").isEqualTo("UP");
		assertThat(json).extractingJsonPathBooleanValue("$.components.elasticache.details.tls").isTrue();
		assertThat(json).extractingJsonPathStringValue("$.components.elasticache.details.protocol")
			.startsWith("TLSv1.");
		assertThat(json).extractingJsonPathStringValue("$.components.elasticache.details.verifyMode").isEqualTo("FULL");
		assertThat(json).extractingJsonPathStringValue("$.components.elasticache.details.tlsProbe").isEqualTo("SECURE");
		assertThat(json).extractingJsonPathStringValue("$.components.elasticache.details.certificate.issuer")
			.isEqualTo(TestPki.get().trustedCa().subject());
		assertThat(json).extractingJsonPathStringValue("$.components.elasticache.details.username")
			.isEqualTo("sample-app");
	}

	@Test
	void startupShowsWhatTheGuardsChecksCost() throws Exception {
		HttpResponse<String> startup = send("GET", "/actuator/startup");
		assertThat(startup.statusCode()).isEqualTo(200);
		JsonContent<Object> json = new BasicJsonTester(getClass()).from(startup.body());
		for (String check : new String[] { "elasticache.guard.check-tls", "elasticache.guard.check-authentication" }) {
			assertThat(json)
				.extractingJsonPathArrayValue("$.timeline.events[?(@.startupStep.name == '" + check
						+ "')].startupStep.tags[?(@.key == 'beanName')].value")
				.as(check)
				.containsExactly("redisConnectionFactory");
		}
		assertThat(startup.body().contains(cache.password())).as("password in the startup output").isFalse();
	}

	private HttpResponse<String> send(String method, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
