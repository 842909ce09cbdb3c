package io.github.elasticachesecure.autoconfigure;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.sun.net.httpserver.HttpServer;
import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.iam.ElastiCacheIamTokenGenerator;
import io.github.elasticachesecure.testkit.MutableClock;
import io.github.elasticachesecure.testsupport.FakeAwsApi;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whole authenticated sessions with every logger at TRACE never print a password, an IAM
 * token, its signature or the AWS credentials it was signed with: also when Lettuce's
 * wire dump ({@code CommandEncoder} at TRACE) is switched on at runtime through
 * {@code /actuator/loggers}, and connections killed by the server reconnect and
 * re-authenticate. The posture audit and its credentials fetch with the AWS SDK's and the
 * JDK HTTP client's loggers at TRACE print no {@code Authorization} header, signature,
 * session token or secret key either.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsInLogsIntegrationTests {

	private static final String COMMAND_ENCODER = "io.lettuce.core.protocol.CommandEncoder";

	/**
	 * The AWS SDK's loggers, the JDK's {@code HttpURLConnection} and the Apache clients
	 * (for an application that brings the SDK's Apache client).
	 */
	private static final List<String> HTTP_LOGGERS = List.of("software.amazon.awssdk",
			"sun.net.www.protocol.http.HttpURLConnection", "org.apache.http", "org.apache.hc.client5.http");

	private static final String IAM_USER = "iam-logged";

	/**
	 * Temporary credentials, as on EC2, ECS or EKS: the session token is signed into the
	 * IAM token.
	 */
	private static final AwsSessionCredentials AWS_CREDENTIALS = AwsSessionCredentials.create("ASIAEXAMPLELOGS",
			"logs-secret-key-that-is-never-logged", "logs-session-token-that-is-never-logged");

	private static final String CONTAINER_AUTHORIZATION_TOKEN = "container-authorization-token-never-logged";

	private static final String CONTAINER_SECRET_KEY = "container-secret-key-never-logged";

	private static final String CONTAINER_SESSION_TOKEN = "container-session-token-never-logged";

	private static final Instant NOW = Instant.now();

	private static final String TOKEN = tokenGenerator(new MutableClock(NOW)).generate(AWS_CREDENTIALS).value();

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD)
		.aclUser(IAM_USER, TOKEN);

	@RegisterExtension
	final FakeAwsApi aws = FakeAwsApi.forEachTest();

	@AfterEach
	void resetLogLevels() {
		RedisTestContexts.resetRootLogLevel();
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.setLogLevel(COMMAND_ENCODER, null);
		HTTP_LOGGERS.forEach((logger) -> logging.setLogLevel(logger, null));
	}

	@Test
	void passwordNeverAppearsInTraceLogs(CapturedOutput output) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TraceApplication.class)
			.web(WebApplicationType.NONE)
			.run(RedisTestContexts.applicationArguments(redis, "--logging.level.root=TRACE",
					"--elasticache.secure.auth.username=" + RedisTestContexts.USER,
					"--elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD))) {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("traced", "value");
			assertThat(template.opsForValue().get("traced")).isEqualTo("value");
		}
		// The session was really logged at TRACE, down to Lettuce's protocol handling.
		assertThat(output.getOut()).contains("TRACE").contains("io.lettuce.core");
		assertThat(output.getAll().contains(RedisTestContexts.PASSWORD)).as("password in the log").isFalse();
	}

	@Test
	void passwordNeverAppearsWhenTheWireDumpIsSwitchedOnAtRuntime(CapturedOutput output) throws Exception {
		fullSessionWithTheWireDumpOn(output, TraceApplication.class, RedisTestContexts.USER, (context) -> {
		}, "--elasticache.secure.auth.username=" + RedisTestContexts.USER,
				"--elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD);
		assertThat(output.getAll().contains(RedisTestContexts.PASSWORD)).as("password in the log").isFalse();
	}

	@Test
	void iamTokenNeverAppearsWhenTheWireDumpIsSwitchedOnAtRuntime(CapturedOutput output) throws Exception {
		fullSessionWithTheWireDumpOn(output, IamApplication.class, IAM_USER, (context) -> {
			// Live connections re-authenticate (AUTH) with the refreshed token.
			long authCallsBefore = redis.authCalls();
			context.getBean(ElastiCacheIamCredentialsProvider.class).refreshNow().join();
			await().atMost(Duration.ofSeconds(30)).until(() -> redis.authCalls() > authCallsBefore);
		}, "--elasticache.secure.auth.mode=iam", "--elasticache.secure.auth.username=" + IAM_USER,
				"--elasticache.secure.cache-name=my-cache", "--elasticache.secure.iam.region=us-east-1");
		String everything = output.getAll();
		assertThat(everything.contains(TOKEN)).as("the token in the log").isFalse();
		assertThat(everything.contains("X-Amz-Signature=")).as("a presigned URL in the log").isFalse();
		assertThat(everything.contains(AWS_CREDENTIALS.secretAccessKey())).as("the secret key in the log").isFalse();
		assertThat(everything.contains(AWS_CREDENTIALS.sessionToken())).as("the session token in the log").isFalse();
	}

	/**
	 * The posture audit with every logger at TRACE, the loggers that dump credentials set
	 * to TRACE one by one (over the starter's level defaults), and container credentials:
	 * the credentials fetch sends the container's {@code Authorization} token, and each
	 * {@code Describe*} call a SigV4 {@code Authorization} header and the session token,
	 * all through the JDK's {@code HttpURLConnection}.
	 */
	@Test
	void postureAuditAndItsCredentialsFetchNeverLogHeadersOrCredentials(CapturedOutput output) throws Exception {
		HttpServer credentialsEndpoint = containerCredentialsEndpoint();
		System.setProperty("aws.containerCredentialsFullUri",
				"http://127.0.0.1:" + credentialsEndpoint.getAddress().getPort() + "/credentials");
		System.setProperty("aws.containerAuthorizationToken", CONTAINER_AUTHORIZATION_TOKEN);
		List<String> arguments = new ArrayList<>(
				List.of("--logging.level.root=TRACE", "--elasticache.secure.auth.username=" + RedisTestContexts.USER,
						"--elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD,
						"--elasticache.secure.audit.mode=warn", "--elasticache.secure.cache-name=orders",
						"--elasticache.secure.iam.region=us-east-1"));
		for (String logger : HTTP_LOGGERS) {
			arguments.add("--logging.level." + logger + "=TRACE");
		}
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(AuditApplication.class)
			.web(WebApplicationType.NONE)
			.run(RedisTestContexts.applicationArguments(redis, arguments.toArray(String[]::new)))) {
			assertThat(this.aws.actions()).contains("DescribeReplicationGroups");
		}
		finally {
			System.clearProperty("aws.containerCredentialsFullUri");
			System.clearProperty("aws.containerAuthorizationToken");
			credentialsEndpoint.stop(0);
		}
		String everything = output.getAll();
		// The calls were logged at DEBUG and TRACE, by the SDK's request logger among
		// others.
		assertThat(everything).contains("TRACE").contains("Sending Request: DefaultSdkHttpFullRequest");
		assertThat(everything).doesNotContain("Authorization: ")
			.doesNotContain("AWS4-HMAC-SHA256 Credential")
			.doesNotContain("Signature=")
			.doesNotContainIgnoringCase("X-Amz-Security-Token:")
			.doesNotContainIgnoringCase("X-Amz-Security-Token=");
		assertThat(everything.contains(CONTAINER_AUTHORIZATION_TOKEN)).as("the container's token in the log").isFalse();
		assertThat(everything.contains(CONTAINER_SECRET_KEY)).as("the secret key in the log").isFalse();
		assertThat(everything.contains(CONTAINER_SESSION_TOKEN)).as("the session token in the log").isFalse();
	}

	/**
	 * The ECS/EKS container credentials endpoint: temporary credentials for a request
	 * that carries the token.
	 */
	private static HttpServer containerCredentialsEndpoint() throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.createContext("/credentials", (exchange) -> {
			boolean authorized = CONTAINER_AUTHORIZATION_TOKEN
				.equals(exchange.getRequestHeaders().getFirst("Authorization"));
			byte[] body = (authorized ? "{\"AccessKeyId\":\"ASIACONTAINERLOGS\",\"SecretAccessKey\":\""
					+ CONTAINER_SECRET_KEY + "\",\"Token\":\"" + CONTAINER_SESSION_TOKEN + "\",\"Expiration\":\""
					+ Instant.now().plus(Duration.ofHours(6)).truncatedTo(ChronoUnit.SECONDS) + "\"}" : "{}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(authorized ? 200 : 401, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		server.start();
		return server;
	}

	/**
	 * Runs a web application with every logger at TRACE, switches the
	 * {@code CommandEncoder} logger to TRACE through {@code /actuator/loggers} (which a
	 * lowest-precedence level default cannot stop), then has the server kill the user's
	 * connections twice, with the given re-authentication in between, so that new
	 * connections (whose encoders read the new level) authenticate, re-authenticate and
	 * reconnect.
	 */
	private static void fullSessionWithTheWireDumpOn(CapturedOutput output, Class<?> application, String user,
			Consumer<ConfigurableApplicationContext> reauthentication, String... authArguments) throws Exception {
		List<String> arguments = new ArrayList<>(List.of("--logging.level.root=TRACE", "--server.port=0",
				"--server.address=127.0.0.1", "--management.endpoints.web.exposure.include=loggers"));
		arguments.addAll(List.of(authArguments));
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
			.run(RedisTestContexts.applicationArguments(redis, arguments.toArray(String[]::new)))) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("session", "before");
			HttpResponse<String> configured = send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/loggers/" + COMMAND_ENCODER))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"configuredLevel\":\"TRACE\"}")));
			assertThat(configured.statusCode()).isEqualTo(204);
			assertThat(send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/loggers/" + COMMAND_ENCODER))
				.GET()).body()).contains("\"configuredLevel\":\"TRACE\"");
			assertThat(redis.process().killClientsOf(user)).isPositive();
			assertThat(template.opsForValue().get("session")).isEqualTo("before");
			reauthentication.accept(context);
			template.opsForValue().set("session", "after");
			assertThat(redis.process().killClientsOf(user)).isPositive();
			assertThat(template.opsForValue().get("session")).isEqualTo("after");
		}
		// The new level reached the encoders of the new connections: their DEBUG line is
		// there.
		assertThat(output.getOut()).contains("TRACE").contains("CommandEncoder").contains("writing command");
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return HttpClient.newHttpClient()
			.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static ElastiCacheIamTokenGenerator tokenGenerator(MutableClock clock) {
		return new ElastiCacheIamTokenGenerator("my-cache", IAM_USER, "us-east-1", false, clock);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TraceApplication {

	}

	/**
	 * The posture audit signing its calls with container credentials, as on ECS or EKS.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class AuditApplication {

		@Bean
		AwsCredentialsProvider containerCredentials() {
			return ContainerCredentialsProvider.builder().build();
		}

	}

	/**
	 * IAM with static credentials and a clock that stands still: every token is the one
	 * the server accepts.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class IamApplication {

		@Bean
		AwsCredentialsProvider staticCredentials() {
			return StaticCredentialsProvider.create(AWS_CREDENTIALS);
		}

		@Bean(destroyMethod = "close")
		ElastiCacheIamCredentialsProvider fixedClockIamCredentialsProvider(AwsCredentialsProvider credentials) {
			MutableClock clock = new MutableClock(NOW);
			return ElastiCacheIamCredentialsProvider.builder(tokenGenerator(clock), credentials).clock(clock).build();
		}

	}

}
