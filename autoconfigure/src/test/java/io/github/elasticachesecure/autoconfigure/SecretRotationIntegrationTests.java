package io.github.elasticachesecure.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.elasticachesecure.health.ElastiCacheActuatorEndpoint;
import io.github.elasticachesecure.metrics.ElastiCacheMetrics;
import io.github.elasticachesecure.secret.RotatingCredentialsProvider;
import io.github.elasticachesecure.secret.SecretStatus;
import io.github.elasticachesecure.testkit.LocalSecretsManager;
import io.github.elasticachesecure.testsupport.PooledConnectionsOnly;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.lettuce.core.ClientOptions.ReauthenticateBehavior;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The password from AWS Secrets Manager (the test kit's {@link LocalSecretsManager}, read
 * through the SDK's own client) rotated under a steady write load from several threads on
 * several pooled connections to a real TLS {@code redis-server}: with an overlap as
 * ElastiCache's {@code ROTATE} strategy or an ACL user with two passwords gives, without
 * one, and with the secret unreadable for a while; no password in logs at TRACE, in
 * actuator output or in a failure report.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretRotationIntegrationTests {

	private static final String USER = "rotating";

	private static final String SECRET = "app/elasticache";

	private static final Duration REFRESH_INTERVAL = Duration.ofSeconds(1);

	private static final int THREADS = 4;

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls();

	@RegisterExtension
	static final LocalSecretsManager secrets = LocalSecretsManager.create("us-east-1");

	private final String first = "first-" + UUID.randomUUID();

	private final String second = "second-" + UUID.randomUUID();

	@BeforeEach
	void userWithTheFirstPassword() {
		redis.adminCommand("ACL", "SETUSER", USER, "reset", "on", ">" + this.first, "~*", "&*", "+@all");
		redis.adminCommand("ACL", "LOG", "RESET");
		secrets.putSecretValue(SECRET, json(this.first));
	}

	@AfterEach
	void resetLogLevels() {
		RedisTestContexts.resetRootLogLevel();
		LoggingSystem.get(getClass().getClassLoader()).setLogLevel("software.amazon.awssdk", null);
	}

	@Test
	void theSecretsCredentialsAreStreamedToLettuceWithReauthentication() {
		// Named by its ARN, whose region is the one read: no other region is set.
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SecretApplication.class)
			.web(WebApplicationType.NONE)
			.run(RedisTestContexts.applicationArguments(redis,
					"--elasticache.secure.auth.secret=" + secrets.arn(SECRET)))) {
			RotatingCredentialsProvider provider = context.getBean(RotatingCredentialsProvider.class);
			LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
			assertThat(factory.getClientConfiguration()
				.getRedisCredentialsProviderFactory()
				.orElseThrow()
				.createCredentialsProvider(factory.getStandaloneConfiguration())).isSameAs(provider);
			assertThat(factory.getClientConfiguration().getClientOptions().orElseThrow().getReauthenticateBehaviour())
				.isEqualTo(ReauthenticateBehavior.ON_NEW_CREDENTIALS);
			// auth.username is unset: the secret's user name is sent.
			assertThat(provider.resolveCredentials().block().getUsername()).isEqualTo(USER);
			assertThat(provider.status().source()).isEqualTo("secret '" + secrets.arn(SECRET) + "'");
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("from-the-secret", "ok");
			assertThat(template.opsForValue().get("from-the-secret")).isEqualTo("ok");
			assertThat(connectionsOfTheUser()).isPositive();
		}
	}

	@Test
	void rotationWithOverlapReachesEveryConnectionWithoutAFailedCommand() throws Exception {
		try (ConfigurableApplicationContext context = run()) {
			RotatingCredentialsProvider provider = context.getBean(RotatingCredentialsProvider.class);
			WriteLoad load = new WriteLoad(context.getBean(StringRedisTemplate.class), THREADS);
			long reauthenticatedMillis;
			try {
				awaitWrites(load, 200);
				long t0 = System.nanoTime();
				long connections = connectionsOfTheUser();
				long authCalls = redis.authCalls();
				// ElastiCache's ROTATE: the new password is added on the server first...
				redis.adminCommand("ACL", "SETUSER", USER, ">" + this.second);
				String version = secrets.putSecretValue(SECRET, json(this.second));
				await().atMost(Duration.ofSeconds(10)).until(() -> version.equals(provider.status().version()));
				// ...every live connection re-authenticates with it...
				await().atMost(Duration.ofSeconds(10)).until(() -> redis.authCalls() - authCalls >= connections);
				reauthenticatedMillis = (System.nanoTime() - t0) / 1_000_000;
				// ...then the old one is removed and the server drops the connections.
				redis.adminCommand("ACL", "SETUSER", USER, "<" + this.first);
				assertThat(redis.process().killClientsOf(USER)).isPositive();
				awaitWrites(load, 200);
			}
			finally {
				assertThat(load.stop()).as("every write returned").isTrue();
			}
			assertThat(load.failures()).as("failed writes %s", load.failureKinds()).isZero();
			assertThat(connectionsOfTheUser()).isPositive();
			// The server never refused an AUTH: every connection opened after the old
			// password was removed authenticated with the new one.
			assertThat((List<?>) redis.process().command("ACL", "LOG")).as("refused authentications").isEmpty();
			System.out.printf("Secret rotation with overlap: %d writes from %d threads on %d connections, 0 failed; "
					+ "every live connection re-authenticated %d ms after the secret changed (refresh interval %d ms)%n",
					load.successes(), THREADS, connectionsOfTheUser(), reauthenticatedMillis,
					REFRESH_INTERVAL.toMillis());
		}
	}

	@Test
	void changeWithoutOverlapRecoversWithinOneRefreshIntervalAndASecond() throws Exception {
		try (ConfigurableApplicationContext context = run()) {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			WriteLoad load = new WriteLoad(template, THREADS);
			long recoveryMillis;
			try {
				awaitWrites(load, 200);
				// Server and secret at once, then the server drops the connections.
				redis.adminCommand("ACL", "SETUSER", USER, "resetpass", ">" + this.second);
				secrets.putSecretValue(SECRET, json(this.second));
				long changed = System.nanoTime();
				redis.process().killClientsOf(USER);
				await().atMost(REFRESH_INTERVAL.plusSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() -> {
					try {
						template.opsForValue().set("after-the-change", "ok");
						return true;
					}
					catch (RuntimeException ex) {
						return false;
					}
				});
				recoveryMillis = (System.nanoTime() - changed) / 1_000_000;
				awaitWrites(load, 200);
			}
			finally {
				assertThat(load.stop()).as("every write returned").isTrue();
			}
			assertThat(template.opsForValue().get("after-the-change")).isEqualTo("ok");
			System.out.printf(
					"Secret change without overlap: writes succeeded again %d ms after it (bound %d ms); "
							+ "%d writes failed meanwhile %s%n",
					recoveryMillis, REFRESH_INTERVAL.plusSeconds(1).toMillis(), load.failures(), load.failureKinds());
		}
	}

	@Test
	void anUnreadableSecretKeepsTheLastGoodPasswordAndShowsTheOutage() throws Exception {
		try (ConfigurableApplicationContext context = run()) {
			RotatingCredentialsProvider provider = context.getBean(RotatingCredentialsProvider.class);
			String versionInUse = provider.status().version();
			WriteLoad load = new WriteLoad(context.getBean(StringRedisTemplate.class), THREADS);
			try {
				awaitWrites(load, 200);
				secrets.failWith(SECRET, "AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/app "
						+ "is not authorized to perform: secretsmanager:GetSecretValue on resource: " + SECRET);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> "AccessDeniedException".equals(provider.status().lastOutcome()));
				// Reconnections authenticate with the last good password.
				assertThat(redis.process().killClientsOf(USER)).isPositive();
				awaitWrites(load, 200);
				Health health = RedisTestContexts.healthIndicator(context).health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				// auth.username is unset: the user is the secret's.
				assertThat(health.getDetails().get("username")).isEqualTo(USER);
				Map<?, ?> secret = (Map<?, ?>) health.getDetails().get("secret");
				assertThat(secret.get("source")).isEqualTo("secret '" + SECRET + "'");
				assertThat(secret.get("versionId")).isEqualTo(versionInUse);
				assertThat(secret.get("lastRefreshOutcome")).isEqualTo("AccessDeniedException");
				assertThat(secret.get("lastRefresh")).isNotNull();
				assertThat((List<?>) health.getDetails().get("warnings"))
					.anySatisfy((warning) -> assertThat(warning).asString()
						.contains("AccessDeniedException")
						.contains("version " + versionInUse + " stays in use"));
				assertThat(context.getBean(MeterRegistry.class)
					.get(ElastiCacheMetrics.SECRET_REFRESHES)
					.tag("result", "failure")
					.functionCounter()
					.count()).isPositive();
				secrets.restore(SECRET);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> SecretStatus.OK.equals(provider.status().lastOutcome()));
			}
			finally {
				secrets.restore(SECRET);
				assertThat(load.stop()).as("every write returned").isTrue();
			}
			assertThat(load.failures()).as("failed writes %s", load.failureKinds()).isZero();
		}
	}

	@Test
	void noPasswordInTraceLogsActuatorOutputOrFailureReports(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = run("--logging.level.root=TRACE",
				"--logging.level.software.amazon.awssdk=TRACE")) {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("traced", "value");
			redis.adminCommand("ACL", "SETUSER", USER, ">" + this.second);
			long authCalls = redis.authCalls();
			String version = secrets.putSecretValue(SECRET, json(this.second));
			await().atMost(Duration.ofSeconds(10)).until(() -> redis.authCalls() > authCalls);
			assertThat(template.opsForValue().get("traced")).isEqualTo("value");
			String actuator = context.getBean(ElastiCacheActuatorEndpoint.class).state().toString();
			assertThat(actuator).contains(version);
			assertThat(actuator).doesNotContain(this.first).doesNotContain(this.second);
		}
		RedisTestContexts.resetRootLogLevel();
		// The secret was read (the SDK's request logger names each call to the stand-in),
		// and the session logged, at TRACE.
		assertThat(output.getOut()).contains("TRACE")
			.contains("Sending Request: DefaultSdkHttpFullRequest(httpMethod=POST, protocol=http, host=127.0.0.1, port="
					+ URI.create(secrets.endpointUrl()).getPort() + ",")
			.contains("io.lettuce.core");
		// A secret without a password key, and one the application may not read.
		secrets.putSecretValue(SECRET, "{\"pass\":\"" + this.first + "\"}");
		FailureAnalysis malformed = StartupFailures.analyze(catchThrowable(this::run));
		assertThat(malformed.getDescription()).contains("'" + SECRET + "'").contains("[pass]");
		secrets.failWith(SECRET, "AccessDeniedException", "not authorized to perform: secretsmanager:GetSecretValue");
		FailureAnalysis denied;
		try {
			denied = StartupFailures.analyze(catchThrowable(this::run));
		}
		finally {
			secrets.restore(SECRET);
		}
		assertThat(denied.getDescription()).contains("'" + SECRET + "'").contains("AccessDeniedException");
		assertThat(denied.getAction()).contains("secretsmanager:GetSecretValue").contains("kms:Decrypt");
		// A secret whose password the server refuses: the report names the secret, and
		// shows neither password.
		String refusedPassword = "refused-" + UUID.randomUUID();
		secrets.putSecretValue(SECRET, json(refusedPassword));
		FailureAnalysis refused = StartupFailures.analyze(catchThrowable(this::run),
				new MockEnvironment().withProperty("elasticache.secure.auth.secret", SECRET));
		assertThat(refused.getDescription()).contains("rejected the credentials of user '" + USER + "'");
		assertThat(refused.getAction()).contains("Secrets Manager secret '" + SECRET + "'");
		assertThat((refused.getDescription() + refused.getAction()).contains(refusedPassword))
			.as("the refused password shown")
			.isFalse();
		for (String text : List.of(output.getAll(), malformed.getDescription() + malformed.getAction(),
				denied.getDescription() + denied.getAction(), refused.getDescription() + refused.getAction())) {
			assertThat(text.contains(this.first)).as("the first password shown").isFalse();
			assertThat(text.contains(this.second)).as("the second password shown").isFalse();
		}
	}

	private ConfigurableApplicationContext run(String... arguments) {
		return new SpringApplicationBuilder(SecretApplication.class).web(WebApplicationType.NONE)
			.run(RedisTestContexts
				.applicationArguments(redis,
						concat(arguments, "--elasticache.secure.auth.secret=" + SECRET,
								"--elasticache.secure.auth.secret-refresh-interval=" + REFRESH_INTERVAL.toMillis()
										+ "ms",
								"--elasticache.secure.iam.region=us-east-1",
								"--spring.data.redis.lettuce.pool.enabled=true",
								"--spring.data.redis.lettuce.pool.max-active=" + THREADS,
								"--spring.data.redis.lettuce.pool.max-idle=" + THREADS,
								"--management.endpoints.web.exposure.include=elasticache")));
	}

	private static String[] concat(String[] first, String... more) {
		String[] all = new String[first.length + more.length];
		System.arraycopy(first, 0, all, 0, first.length);
		System.arraycopy(more, 0, all, first.length, more.length);
		return all;
	}

	private static String json(String password) {
		return "{\"username\":\"" + USER + "\",\"password\":\"" + password + "\"}";
	}

	private static long connectionsOfTheUser() {
		return redis.process().clientList().lines().filter((line) -> line.contains(" user=" + USER + " ")).count();
	}

	private static void awaitWrites(WriteLoad load, long more) {
		long target = load.successes() + more;
		await().atMost(Duration.ofSeconds(30)).until(() -> load.successes() >= target);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(PooledConnectionsOnly.class)
	static class SecretApplication {

		@Bean
		AwsCredentialsProvider awsCredentialsProvider() {
			return RedisTestContexts.IAM_CREDENTIALS.awsCredentialsProvider();
		}

	}

}
