package io.github.elasticachesecure.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.guard.AuthenticationRejectedException;
import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.iam.ElastiCacheIamTokenGenerator;
import io.github.elasticachesecure.iam.IamTokenStatus;
import io.github.elasticachesecure.testkit.IamFront;
import io.github.elasticachesecure.testkit.MutableClock;
import io.github.elasticachesecure.testkit.SigV4Reference;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.lettuce.core.event.connection.ReauthenticationFailedEvent;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import io.lettuce.core.resource.ClientResources;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import reactor.core.Disposable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.core.StringRedisTemplate;

import static io.github.elasticachesecure.autoconfigure.TestConditions.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * IAM authentication end to end against a real TLS server that accepts only the token the
 * test computes on its own: the app connects, serves traffic across a token rotation,
 * re-authenticates its live connection, reconnects with the current token after its
 * connections are killed, never meets WRONGPASS, and never logs a token, with every
 * logger at TRACE.
 */
@ExtendWith(OutputCaptureExtension.class)
class IamAuthenticationIntegrationTests {

	static final String USER_ID = "iam-app-user";

	static final String CACHE_NAME = "my-cache";

	static final String REGION = "us-east-1";

	static final String ACCESS_KEY_ID = "AKIDEXAMPLEINTEGRATION";

	static final String SECRET_KEY = "integration-secret-key-that-is-never-logged";

	private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

	private static final MutableClock clock = new MutableClock(T0);

	@AfterEach
	void resetLogLevel() {
		RedisTestContexts.resetRootLogLevel();
	}

	@BeforeEach
	void turnTheCredentialsSourceOn() {
		IamApplication.credentialsFail = false;
	}

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls();

	@Test
	void connectsWithTheIndependentlyComputedTokenAndStaysConnectedAcrossRotations(CapturedOutput output)
			throws Exception {
		String firstToken = expectedToken(clock.instant());
		resetUserAccepting(firstToken);
		List<String> tokens = new ArrayList<>(List.of(firstToken));
		try (ConfigurableApplicationContext context = runIamApplication(IamApplication.class,
				iamArguments("--logging.level.root=TRACE"))) {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			ElastiCacheIamCredentialsProvider provider = context.getBean(ElastiCacheIamCredentialsProvider.class);
			template.opsForValue().set("iam", "first");
			assertThat(template.opsForValue().get("iam")).isEqualTo("first");
			// A new connection authenticates once (HELLO … AUTH), not once more when it
			// subscribes to new tokens.
			long beforeReconnect = authenticationCalls();
			redis.process().killClientsOf(USER_ID);
			// A replayed token would be sent while Lettuce activates the new connection,
			// before the GET it had queued:
			// the server has counted it by the time the GET is answered.
			assertThat(template.opsForValue().get("iam")).isEqualTo("first");
			assertThat(authenticationCalls() - beforeReconnect).isOne();
			for (int rotation = 1; rotation <= 3; rotation++) {
				clock.advance(Duration.ofMinutes(5));
				String nextToken = expectedToken(clock.instant());
				tokens.add(nextToken);
				// As ElastiCache does, the server accepts the new token before the old
				// one stops working.
				redis.adminCommand("ACL", "SETUSER", USER_ID, ">" + nextToken);
				long authCallsBefore = authenticationCalls();
				provider.refreshNow().get();
				awaitUntil(() -> authenticationCalls() > authCallsBefore, "live connection re-authenticated");
				redis.adminCommand("ACL", "SETUSER", USER_ID, "<" + tokens.get(rotation - 1));
				assertThat(template.opsForValue().get("iam"))
					.isEqualTo((rotation == 1) ? "first" : "rotation-" + (rotation - 1));
				template.opsForValue().set("iam", "rotation-" + rotation);
				// Connections killed by the server reconnect with the current token,
				// never the removed one.
				assertThat(redis.process().killClientsOf(USER_ID)).isPositive();
				assertThat(template.opsForValue().get("iam")).isEqualTo("rotation-" + rotation);
			}
		}
		assertThat(output.getAll()).doesNotContain("WRONGPASS").doesNotContain("NOAUTH");
		assertThat(output.getOut()).contains("TRACE").contains("io.lettuce.core");
		String everything = output.getAll();
		assertThat(tokens.stream().filter(everything::contains).count()).as("tokens in the log").isZero();
		assertThat(everything.contains("X-Amz-Signature=")).as("a presigned URL in the log").isFalse();
		assertThat(everything.contains(SECRET_KEY)).as("the secret key in the log").isFalse();
	}

	@Test
	void aTokenTheServerRejectsAtStartupStopsTheStartWithTheIamAction() {
		// The user exists but accepts no token of these credentials: the startup PING
		// meets WRONGPASS.
		resetUserAccepting("not-a-token-of-these-credentials");
		Throwable failure = catchThrowable(() -> runIamApplication(IamApplication.class, iamArguments()).close());
		AuthenticationRejectedException rejection = (AuthenticationRejectedException) NestedExceptionUtils
			.getMostSpecificCause(failure);
		assertThat(rejection.getAuthMode()).isEqualTo(AuthMode.IAM);
		assertThat(rejection).hasMessageContaining("rejected the credentials of user '" + USER_ID + "'");
		assertThat(StartupFailures.analyze(rejection).getAction())
			.contains("'elasticache:Connect' on both the cache ARN and the user ARN");
	}

	@Test
	void aRejectedTokenIsReplacedByAFreshlySignedOne() throws Exception {
		clock.advance(Duration.ofHours(1));
		resetUserAccepting(expectedToken(clock.instant()));
		try (ConfigurableApplicationContext context = runIamApplication(IamApplication.class, iamArguments())) {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			ElastiCacheIamCredentialsProvider provider = context.getBean(ElastiCacheIamCredentialsProvider.class);
			template.opsForValue().set("rejected", "before");
			long successfulRefreshes = provider.status().refreshSuccessCount();
			// The server stops accepting the cached token (as after a credentials
			// revocation) and drops the connection: the reconnect is refused with
			// WRONGPASS, which makes the provider sign a fresh token.
			clock.advance(Duration.ofMinutes(1));
			redis.adminCommand("ACL", "SETUSER", USER_ID, "resetpass", ">" + expectedToken(clock.instant()));
			redis.process().killClientsOf(USER_ID);
			awaitUntil(() -> provider.status().refreshSuccessCount() > successfulRefreshes, "fresh token signed");
			awaitUntil(() -> reads(template, "rejected", "before"), "reconnected with the fresh token");
		}
	}

	@Test
	void aReauthenticationRefusedWithWrongpassMakesTheProviderSignAFreshToken() throws Exception {
		clock.advance(Duration.ofHours(2));
		resetUserAccepting(expectedToken(clock.instant()));
		try (ConfigurableApplicationContext context = runIamApplication(IamApplication.class, iamArguments())) {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			ElastiCacheIamCredentialsProvider provider = context.getBean(ElastiCacheIamCredentialsProvider.class);
			template.opsForValue().set("reauth", "live");
			AtomicInteger refusedReauthentications = new AtomicInteger();
			Disposable events = context.getBean(ClientResources.class).eventBus().get().subscribe((event) -> {
				if (event instanceof ReauthenticationFailedEvent failed
						&& AuthenticationRejectedException.findServerRejection(failed.getCause()) != null) {
					refusedReauthentications.incrementAndGet();
				}
			});
			try {
				long refreshes = provider.status().refreshSuccessCount();
				// A token the server does not accept: the live connection's re-AUTH with
				// it meets WRONGPASS.
				clock.advance(Duration.ofMinutes(1));
				provider.refreshNow().get();
				awaitUntil(() -> refusedReauthentications.get() > 0, "re-authentication refused with WRONGPASS");
				awaitUntil(() -> provider.status().refreshSuccessCount() >= refreshes + 2,
						"a fresh token signed after the refusal");
				// The connection stays authenticated with the token it had.
				assertThat(template.opsForValue().get("reauth")).isEqualTo("live");
			}
			finally {
				events.dispose();
			}
		}
	}

	@Test
	void aFailingCredentialsSourceKeepsConnectionsWorkingAndRecovers() throws Exception {
		resetUserAccepting(expectedToken(clock.instant()));
		try (ConfigurableApplicationContext context = runIamApplication(FrequentlyRefreshingIamApplication.class,
				iamArguments())) {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			ElastiCacheIamCredentialsProvider provider = context.getBean(ElastiCacheIamCredentialsProvider.class);
			template.opsForValue().set("source", "up");
			IamApplication.credentialsFail = true;
			long failuresBefore = provider.status().refreshFailureCount();
			awaitUntil(() -> provider.status().refreshFailureCount() > failuresBefore, "scheduled refresh failed");
			assertThat(provider.status().lastRefreshError()).contains("credentials endpoint unavailable")
				.doesNotContain(SECRET_KEY);
			// The last good token keeps serving: live and new connections work while the
			// source is down.
			assertThat(template.opsForValue().get("source")).isEqualTo("up");
			redis.process().killClientsOf(USER_ID);
			assertThat(template.opsForValue().get("source")).isEqualTo("up");
			IamApplication.credentialsFail = false;
			long successesBefore = provider.status().refreshSuccessCount();
			awaitUntil(() -> provider.status().refreshSuccessCount() > successesBefore, "source recovered");
			assertThat(provider.status().consecutiveFailures()).isZero();
			assertThat(template.opsForValue().get("source")).isEqualTo("up");
		}
	}

	@Test
	void aPermissionErrorOnReconnectKeepsTheTokenInsteadOfSigningANewOne() throws Exception {
		resetUserAccepting(expectedToken(clock.instant()));
		try (ConfigurableApplicationContext context = runIamApplication(IamApplication.class,
				iamArguments("--spring.data.redis.database=1", "--spring.data.redis.timeout=2s"))) {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			ElastiCacheIamCredentialsProvider provider = context.getBean(ElastiCacheIamCredentialsProvider.class);
			template.opsForValue().set("kept", "yes");
			IamTokenStatus before = provider.status();
			// From here on a forced refresh fails: the application recovers only if the
			// token was kept.
			IamApplication.credentialsFail = true;
			AtomicInteger refusals = new AtomicInteger();
			Disposable events = context.getBean(ClientResources.class).eventBus().get().subscribe((event) -> {
				if (event instanceof ReconnectFailedEvent failed
						&& AuthenticationRejectedException.findPermissionRefusal(failed.getCause()) != null) {
					refusals.incrementAndGet();
				}
			});
			try {
				// The user may no longer SELECT its database: reconnects are refused with
				// NOPERM after AUTH.
				redis.adminCommand("ACL", "SETUSER", USER_ID, "-select");
				redis.process().killClientsOf(USER_ID);
				// After a forced refresh (with the source down) reconnects would fail for
				// want of a token instead.
				awaitUntil(() -> refusals.get() >= 2, "reconnects refused with NOPERM, not for want of a token");
				redis.adminCommand("ACL", "SETUSER", USER_ID, "+select");
				awaitUntil(() -> reads(template, "kept", "yes"), "reconnected with the kept token");
			}
			finally {
				events.dispose();
			}
			IamTokenStatus after = provider.status();
			assertThat(after.refreshSuccessCount()).isEqualTo(before.refreshSuccessCount());
			assertThat(after.refreshFailureCount()).isZero();
			assertThat(after.tokenIssuedAt()).isEqualTo(before.tokenIssuedAt());
		}
	}

	@Test
	void theProviderBuiltFromPropertiesAuthenticatesAndReauthenticatesThroughAnIamFront() throws Throwable {
		try (IamFront front = RedisTestContexts.iamFront(IamFront.forServer(redis.process())).start()) {
			withAwsSystemProperties(SECRET_KEY, () -> {
				try (ConfigurableApplicationContext context = runIamApplication(PropertiesOnlyIamApplication.class,
						frontArguments(front))) {
					ElastiCacheIamCredentialsProvider provider = context
						.getBean(ElastiCacheIamCredentialsProvider.class);
					StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
					template.opsForValue().set("front", "signed");
					assertThat(template.opsForValue().get("front")).isEqualTo("signed");
					assertThat(front.acceptedTokens()).as("tokens accepted by the front").isPositive();
					int accepted = front.acceptedTokens();
					provider.refreshNow().get();
					awaitUntil(() -> front.acceptedTokens() > accepted,
							"live connection re-authenticated through the front");
					assertThat(template.opsForValue().get("front")).isEqualTo("signed");
					assertThat(front.refusedTokens()).as("tokens refused by the front").isZero();
				}
			});
		}
	}

	@Test
	void theIamFrontRefusesATokenSignedWithAnotherSecret() throws Throwable {
		try (IamFront front = RedisTestContexts.iamFront(IamFront.forServer(redis.process())).start()) {
			withAwsSystemProperties("another-secret-key", () -> {
				Throwable failure = catchThrowable(
						() -> runIamApplication(PropertiesOnlyIamApplication.class, frontArguments(front)).close());
				assertThat(NestedExceptionUtils.getMostSpecificCause(failure))
					.isInstanceOf(AuthenticationRejectedException.class)
					.hasMessageContaining("WRONGPASS");
			});
			assertThat(front.refusedTokens()).isPositive();
			assertThat(front.acceptedTokens()).isZero();
		}
	}

	/**
	 * The application's arguments: the endpoint is the front; nothing but properties and
	 * the AWS SDK's own credentials chain (system properties) configures IAM.
	 */
	private static String[] frontArguments(IamFront front) {
		return new String[] { "--elasticache.secure.endpoint=localhost:" + front.port(),
				"--elasticache.secure.tls.bundle=test",
				"--spring.ssl.bundle.pem.test.truststore.certificate=file:"
						+ TestPki.get().trustedCa().certificatePem(),
				"--elasticache.secure.auth.mode=iam", "--elasticache.secure.auth.username=" + USER_ID,
				"--elasticache.secure.cache-name=" + CACHE_NAME, "--elasticache.secure.iam.region=" + REGION };
	}

	/**
	 * Runs with the AWS SDK's credentials system properties set to the test key, and
	 * restores them after.
	 */
	private static void withAwsSystemProperties(String secretKey, Executable action) throws Throwable {
		String previousKey = System.getProperty("aws.accessKeyId");
		String previousSecret = System.getProperty("aws.secretAccessKey");
		System.setProperty("aws.accessKeyId", ACCESS_KEY_ID);
		System.setProperty("aws.secretAccessKey", secretKey);
		try {
			action.execute();
		}
		finally {
			restore("aws.accessKeyId", previousKey);
			restore("aws.secretAccessKey", previousSecret);
		}
	}

	private static void restore(String name, @Nullable String value) {
		if (value != null) {
			System.setProperty(name, value);
		}
		else {
			System.clearProperty(name);
		}
	}

	/**
	 * The IAM user exists, enabled, with all permissions, and accepts only the given
	 * password (or token).
	 */
	private static void resetUserAccepting(String password) {
		redis.adminCommand("ACL", "SETUSER", USER_ID, "reset", "on", ">" + password, "~*", "&*", "+@all");
	}

	private static ConfigurableApplicationContext runIamApplication(Class<?> application, String... arguments) {
		return new SpringApplicationBuilder(application).web(WebApplicationType.NONE).run(arguments);
	}

	private static String[] iamArguments(String... more) {
		List<String> arguments = new ArrayList<>(
				List.of("--elasticache.secure.auth.mode=iam", "--elasticache.secure.auth.username=" + USER_ID,
						"--elasticache.secure.cache-name=" + CACHE_NAME, "--elasticache.secure.iam.region=" + REGION));
		arguments.addAll(List.of(more));
		return RedisTestContexts.applicationArguments(redis, arguments.toArray(String[]::new));
	}

	private static long authenticationCalls() {
		// Lettuce authenticates new connections with HELLO 3 AUTH and re-authenticates
		// live ones with AUTH.
		return redis.process().commandCalls("auth") + redis.process().commandCalls("hello");
	}

	/**
	 * The token as the test computes it: SigV4 by hand ({@link SigV4Reference}), in the
	 * parameter order the generator emits, which SigV4 leaves free.
	 */
	private static String expectedToken(Instant time) {
		Map<String, String> expected = SigV4Reference.presignedParameters(CACHE_NAME,
				Map.of("Action", "connect", "User", USER_ID), REGION, "elasticache", time, ACCESS_KEY_ID, SECRET_KEY,
				null, 900);
		String generated = new ElastiCacheIamTokenGenerator(CACHE_NAME, USER_ID, REGION, false,
				java.time.Clock.fixed(time, java.time.ZoneOffset.UTC))
			.generate(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_KEY))
			.value();
		Map<String, String> ordered = new LinkedHashMap<>();
		for (String pair : URI.create("https://" + generated).getRawQuery().split("&")) {
			String name = pair.substring(0, pair.indexOf('='));
			ordered.put(name, expected.get(name));
		}
		assertThat(ordered.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
		return CACHE_NAME + "/?" + ordered.entrySet()
			.stream()
			.map((entry) -> SigV4Reference.uriEncode(entry.getKey()) + "=" + SigV4Reference.uriEncode(entry.getValue()))
			.collect(Collectors.joining("&"));
	}

	/**
	 * Whether the key reads the value now; {@code false} while the application cannot
	 * reach the server.
	 */
	private static boolean reads(StringRedisTemplate template, String key, String value) {
		try {
			return value.equals(template.opsForValue().get(key));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * An application that configures IAM through properties only: the auto-configured
	 * provider, the SDK's default credentials chain, the system clock.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class PropertiesOnlyIamApplication {

	}

	/**
	 * Signs with the fixed test clock and the default refresh interval, from a
	 * credentials source that the test turns off and on.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class IamApplication {

		static volatile boolean credentialsFail;

		@Bean
		AwsCredentialsProvider switchableCredentials() {
			return () -> {
				if (credentialsFail) {
					throw SdkClientException.create("credentials endpoint unavailable");
				}
				return AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_KEY);
			};
		}

		@Bean(destroyMethod = "close")
		ElastiCacheIamCredentialsProvider fixedClockIamCredentialsProvider(AwsCredentialsProvider credentials) {
			return refreshSchedule(ElastiCacheIamCredentialsProvider
				.builder(new ElastiCacheIamTokenGenerator(CACHE_NAME, USER_ID, REGION, false, clock), credentials)
				.clock(clock)).build();
		}

		/**
		 * The refresh schedule: the provider's defaults.
		 */
		ElastiCacheIamCredentialsProvider.Builder refreshSchedule(ElastiCacheIamCredentialsProvider.Builder builder) {
			return builder;
		}

	}

	/**
	 * The same, signing every 200 ms (with the fixed test clock, always the same token).
	 */
	@Configuration(proxyBeanMethods = false)
	static class FrequentlyRefreshingIamApplication extends IamApplication {

		@Override
		ElastiCacheIamCredentialsProvider.Builder refreshSchedule(ElastiCacheIamCredentialsProvider.Builder builder) {
			return builder.refreshInterval(Duration.ofMillis(200))
				.retryBackoff(Duration.ofMillis(100), Duration.ofMillis(200));
		}

	}

}
