package io.github.elasticachesecure.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.iam.ElastiCacheIamTokenGenerator;
import io.github.elasticachesecure.testkit.IamFront;
import io.github.elasticachesecure.testkit.MutableClock;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.event.connection.ReauthenticationFailedEvent;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Transports;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.HdrHistogram.ConcurrentHistogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static io.github.elasticachesecure.autoconfigure.TestConditions.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * IAM faults against a real TLS server behind an {@link IamFront} that verifies every
 * token's SigV4 signature and age on a clock the test controls, as ElastiCache does: a
 * credentials outage longer than a token's life, token rotation under load on many
 * connections, and the logs and meters of re-authentication failures.
 */
@ExtendWith(OutputCaptureExtension.class)
class IamReliabilityIntegrationTests {

	private static final String USER_ID = IamAuthenticationIntegrationTests.USER_ID;

	private static final String ACL_PASSWORD = "acl-password-behind-the-iam-front";

	private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls();

	private IamFront front;

	@BeforeEach
	void startTheFront() {
		redis.adminCommand("ACL", "SETUSER", USER_ID, "reset", "on", ">" + ACL_PASSWORD, "~*", "&*", "+@all");
		ReliabilityApplication.credentialsFail = false;
		// The front checks each token's age on the clock the application signs with,
		// which each test sets.
		this.front = RedisTestContexts.iamFront(IamFront.forServer(redis.process()))
			.aclPassword(ACL_PASSWORD)
			.clock(new ApplicationClock())
			.start();
	}

	@AfterEach
	void stopTheFront() {
		this.front.close();
	}

	@Test
	void aCredentialsOutageLongerThanATokensLifeKeepsLiveConnectionsAndRecoversWithoutARestart() {
		MutableClock clock = new MutableClock(T0);
		ReliabilityApplication.clock = clock;
		ReliabilityApplication.refreshInterval = Duration.ofSeconds(1);
		try (ConfigurableApplicationContext context = run()) {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			ElastiCacheIamCredentialsProvider provider = context.getBean(ElastiCacheIamCredentialsProvider.class);
			HealthIndicator health = context.getBean("elasticacheHealthIndicator", HealthIndicator.class);
			template.opsForValue().set("outage", "before");
			assertThat(transaction(template, "outage-tx")).isEqualTo(1L);
			String liveConnection = clientId(template);

			// The source fails for 20 minutes of simulated time, refresh after refresh.
			ReliabilityApplication.credentialsFail = true;
			for (int minutes = 5; minutes <= 20; minutes += 5) {
				long failures = provider.status().refreshFailureCount();
				clock.advance(Duration.ofMinutes(5));
				awaitUntil(() -> provider.status().refreshFailureCount() > failures, "a failed refresh");
			}
			assertThat(provider.status().tokenUsable()).isFalse();

			// The live connection stays authenticated and serves.
			assertThat(template.opsForValue().get("outage")).isEqualTo("before");
			assertThat(clientId(template)).isEqualTo(liveConnection);
			// A new connection fails with a clear, secret-free error.
			String chain = refusedConnection(context);
			assertThat(chain).contains("No usable ElastiCache IAM token for user '" + USER_ID + "'")
				.contains("credentials endpoint unavailable");
			assertThat(isSecretFree(chain)).as("the error is free of secrets").isTrue();
			// Health says why.
			Health down = health.health();
			assertThat(down.getStatus()).isEqualTo(Status.DOWN);
			assertThat(down.getDetails().get("reason")).asString()
				.startsWith("no usable IAM token: the last refresh failed (")
				.contains("credentials endpoint unavailable");
			assertThat(isSecretFree(down.toString())).as("health is free of secrets").isTrue();

			// The source comes back: no restart needed.
			int acceptedBefore = this.front.acceptedTokens();
			ReliabilityApplication.credentialsFail = false;
			long recoveryStart = System.nanoTime();
			awaitUntil(() -> provider.status().tokenUsable(), "a usable token again");
			long tokenBack = System.nanoTime();
			awaitUntil(() -> this.front.acceptedTokens() > acceptedBefore, "the live connection re-authenticated");
			System.out.printf(
					"IAM credentials outage: %d failed refreshes over 20 simulated minutes; after the source "
							+ "returned: usable token in %d ms, live connection re-authenticated in %d ms%n",
					provider.status().refreshFailureCount(), (tokenBack - recoveryStart) / 1_000_000,
					(System.nanoTime() - recoveryStart) / 1_000_000);
			assertThat(clientId(template)).isEqualTo(liveConnection);
			assertThat(template.opsForValue().get("outage")).isEqualTo("before");
			try (StatefulRedisConnection<String, String> connection = newConnection(context)) {
				assertThat(connection.sync().ping()).isEqualTo("PONG");
			}
			assertThat(transaction(template, "outage-tx")).isEqualTo(2L);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			assertThat(this.front.refusedTokens()).as("tokens refused by the front").isZero();
		}
	}

	@Test
	void tokenRotationUnderLoadOnManyConnectionsMeetsNoAuthenticationErrorAndNoFailedCommand() throws Exception {
		// 60 times real time: a token's 15 minutes of validity pass in 15 s; a new one is
		// signed every 2 s.
		ReliabilityApplication.clock = MutableClock.accelerated(T0, 60);
		ReliabilityApplication.refreshInterval = Duration.ofSeconds(2);
		int clients = 64;
		Duration run = Duration.ofSeconds(Long.getLong("iam.rotation.seconds", 25));
		try (ConfigurableApplicationContext context = run("--spring.data.redis.lettuce.pool.enabled=true",
				"--spring.data.redis.lettuce.pool.max-active=" + clients,
				"--spring.data.redis.lettuce.pool.max-idle=" + clients, "--spring.data.redis.lettuce.pool.max-wait=30s",
				"--spring.data.redis.timeout=30s")) {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			ElastiCacheIamCredentialsProvider provider = context.getBean(ElastiCacheIamCredentialsProvider.class);
			String firstToken = new String(provider.resolveCredentials().block().getPassword());
			long refreshesBefore = provider.status().refreshSuccessCount();
			long authBefore = redis.process().commandCalls("auth");
			ConcurrentHistogram latencies = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
			AtomicLong operations = new AtomicLong();
			Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
			AtomicBoolean running = new AtomicBoolean(true);
			List<Thread> threads = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				String key = "rotation-" + i;
				Thread thread = new Thread(() -> {
					long transactions = 0;
					for (long n = 0; running.get(); n++) {
						long start = System.nanoTime();
						try {
							// A transaction takes a pooled connection of its own; SET and
							// GET share one.
							if (n % 2 == 0) {
								if (transaction(template, key) != ++transactions) {
									throw new IllegalStateException("lost increment");
								}
							}
							else {
								template.opsForValue().set(key + "-value", Long.toString(n));
								if (!Long.toString(n).equals(template.opsForValue().get(key + "-value"))) {
									throw new IllegalStateException("lost write");
								}
							}
							operations.incrementAndGet();
							latencies.recordValue(System.nanoTime() - start);
						}
						catch (RuntimeException ex) {
							failures
								.computeIfAbsent(ex.getClass().getSimpleName() + ": " + ex.getMessage(),
										(name) -> new AtomicLong())
								.incrementAndGet();
							return;
						}
					}
				}, "rotation-client-" + i);
				threads.add(thread);
				thread.start();
			}
			int mostConnections = 0;
			long end = System.nanoTime() + run.toNanos();
			while (System.nanoTime() < end && failures.isEmpty()) {
				mostConnections = Math.max(mostConnections, connectionsOf(USER_ID));
				Thread.sleep(500);
			}
			running.set(false);
			for (Thread thread : threads) {
				thread.join(TimeUnit.SECONDS.toMillis(60));
			}
			long rotations = provider.status().refreshSuccessCount() - refreshesBefore;
			long reauthentications = redis.process().commandCalls("auth") - authBefore;
			System.out.printf(
					"IAM rotation under load: %d clients, %d s, %d operations, %d failed (%s), %d tokens signed, "
							+ "%d AUTH at the server, %d tokens accepted and %d refused by the front, "
							+ "up to %d connections, latency p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
					clients, run.toSeconds(), operations.get(),
					failures.values().stream().mapToLong(AtomicLong::get).sum(), failures, rotations, reauthentications,
					this.front.acceptedTokens(), this.front.refusedTokens(), mostConnections,
					latencies.getValueAtPercentile(50) / 1e6, latencies.getValueAtPercentile(99) / 1e6,
					latencies.getMaxValue() / 1e6);
			assertThat(failures).as("failed commands").isEmpty();
			assertThat(this.front.refusedTokens()).as("tokens refused by the front").isZero();
			assertThat(operations.get()).isPositive();
			assertThat(mostConnections).as("connections under load").isGreaterThanOrEqualTo(16);
			assertThat(rotations).as("tokens signed during the run").isGreaterThanOrEqualTo(run.toSeconds() / 4);
			// Every rotation re-authenticated the live connections, the shared one at
			// least.
			assertThat(reauthentications).isGreaterThanOrEqualTo(rotations);
			// The front is strict: the first token, now older than its 15 minutes, is
			// refused.
			assertThat(authenticateThroughTheFront(firstToken)).startsWith("-WRONGPASS");
		}
	}

	@Test
	void aTokenRefreshMeetingAClosingConnectionLogsNoErrorAndCountsNoFailure(CapturedOutput output) throws Exception {
		ReliabilityApplication.clock = new MutableClock(T0);
		ReliabilityApplication.refreshInterval = Duration.ofMinutes(5);
		try (ConfigurableApplicationContext context = run()) {
			ElastiCacheIamCredentialsProvider provider = context.getBean(ElastiCacheIamCredentialsProvider.class);
			ClientResources resources = context.getBean(ClientResources.class);
			context.getBean(StringRedisTemplate.class).opsForValue().set("race", "shared connection open");
			List<Throwable> failedReauthentications = new CopyOnWriteArrayList<>();
			Disposable events = resources.eventBus().get().subscribe((event) -> {
				if (event instanceof ReauthenticationFailedEvent failed) {
					failedReauthentications.add(failed.getCause());
				}
			});
			StatefulRedisConnection<String, String> closing = newConnection(context);
			assertThat(closing.sync().ping()).isEqualTo("PONG");
			// The race made certain: the connection is closing (its close is still queued
			// on its I/O thread) when the new token reaches it.
			EventLoopGroup ioThreads = resources.eventLoopGroupProvider().allocate(Transports.eventLoopGroupClass());
			CountDownLatch release = new CountDownLatch(1);
			try {
				holdEvery(ioThreads, release);
				closing.closeAsync();
				provider.refreshNow().get(10, TimeUnit.SECONDS);
				awaitUntil(() -> !failedReauthentications.isEmpty(), "the re-authentication of the closing connection");
			}
			finally {
				release.countDown();
				resources.eventLoopGroupProvider().release(ioThreads, 0, 0, TimeUnit.SECONDS);
				events.dispose();
			}
			assertThat(failedReauthentications).singleElement()
				.extracting(Throwable::getMessage)
				.isEqualTo("Connection is closed");
			assertThat(reauthenticationFailures(context)).as("re-authentication failures counted").isZero();
		}
		assertThat(output.getAll()).doesNotContain("Re-authentication failed").doesNotContain(" ERROR ");
	}

	@Test
	void aReauthenticationRefusedOnALiveConnectionIsLoggedAndCounted(CapturedOutput output) throws Exception {
		ReliabilityApplication.clock = new MutableClock(T0);
		ReliabilityApplication.refreshInterval = Duration.ofMinutes(5);
		try (ConfigurableApplicationContext context = run()) {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			ElastiCacheIamCredentialsProvider provider = context.getBean(ElastiCacheIamCredentialsProvider.class);
			template.opsForValue().set("refused", "live");
			// The user's ACL changes while the connection lives: its next AUTH is
			// refused.
			redis.adminCommand("ACL", "SETUSER", USER_ID, "resetpass", ">a-password-the-front-does-not-know");
			provider.refreshNow().get(10, TimeUnit.SECONDS);
			awaitUntil(() -> reauthenticationFailures(context) > 0, "the refused re-authentication counted");
			assertThat(template.opsForValue().get("refused")).isEqualTo("live");
		}
		String log = output.getAll();
		assertThat(log).contains("Re-authentication failed").contains("WRONGPASS");
		assertThat(isSecretFree(log)).as("the log is free of secrets").isTrue();
	}

	/**
	 * A new connection of the application's client (its TLS and client options),
	 * authenticated by the application's IAM provider.
	 */
	/**
	 * The messages of a new connection's failure. Lettuce checks for its handshake
	 * handler in a listener that the connecting thread adds after {@code connect()}: when
	 * that thread is held up (a loaded machine) past the TLS handshake and the immediate
	 * failure of AUTH, the failed channel has already lost its handlers and Lettuce
	 * reports "RedisHandshakeHandler not registered", or only that the connection closed
	 * prematurely, instead of the cause. Such an attempt is made again, a few times at
	 * most.
	 */
	private String refusedConnection(ConfigurableApplicationContext context) {
		String chain = "";
		for (int attempt = 0; attempt < 5; attempt++) {
			Throwable refused = catchThrowable(() -> newConnection(context).close());
			assertThat(refused).as("a new connection without a usable token").isNotNull();
			chain = messages(refused);
			if (!chain.contains("RedisHandshakeHandler not registered")
					&& !chain.contains("Connection closed prematurely")) {
				return chain;
			}
		}
		return chain;
	}

	private StatefulRedisConnection<String, String> newConnection(ConfigurableApplicationContext context) {
		RedisClient client = (RedisClient) context.getBean(LettuceConnectionFactory.class).getNativeClient();
		return client.connect(RedisURI.builder()
			.withHost("localhost")
			.withPort(this.front.port())
			.withSsl(true)
			.withVerifyPeer(SslVerifyMode.FULL)
			.withAuthentication(context.getBean(ElastiCacheIamCredentialsProvider.class))
			.build());
	}

	/**
	 * Occupies every I/O thread of the group until {@code release}, and returns once all
	 * are occupied.
	 */
	private static void holdEvery(EventLoopGroup group, CountDownLatch release) throws InterruptedException {
		List<EventExecutor> executors = new ArrayList<>();
		group.forEach(executors::add);
		CountDownLatch held = new CountDownLatch(executors.size());
		for (EventExecutor executor : executors) {
			executor.execute(() -> {
				held.countDown();
				try {
					release.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
		}
		assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
	}

	private static double reauthenticationFailures(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class)
			.get("elasticache.reauthentications")
			.tag("result", "failure")
			.functionCounter()
			.count();
	}

	/**
	 * MULTI, INCR, EXEC on a connection of its own (Spring Data takes a dedicated
	 * connection for a transaction).
	 */
	@SuppressWarnings("unchecked")
	private static Long transaction(StringRedisTemplate template, String key) {
		List<Object> results = template.execute(new SessionCallback<List<Object>>() {
			@Override
			public <K, V> List<Object> execute(RedisOperations<K, V> operations) {
				RedisOperations<String, String> strings = (RedisOperations<String, String>) operations;
				strings.multi();
				strings.opsForValue().increment(key);
				return strings.exec();
			}
		});
		return (Long) results.get(0);
	}

	/**
	 * The server's id of the application's shared connection, from {@code CLIENT INFO}
	 * ("id=7 addr=…").
	 */
	private static String clientId(StringRedisTemplate template) {
		Object info = template.execute((RedisCallback<Object>) (connection) -> connection.execute("CLIENT",
				"INFO".getBytes(StandardCharsets.US_ASCII)));
		String text = (info instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(info);
		return text.substring(0, text.indexOf(' '));
	}

	private static int connectionsOf(String user) {
		return (int) redis.process()
			.clientList()
			.lines()
			.filter((line) -> line.contains(" user=" + user + " "))
			.count();
	}

	/**
	 * Sends {@code AUTH <user> <token>} to the front on a connection of its own and
	 * returns the reply line.
	 */
	private String authenticateThroughTheFront(String token) throws IOException {
		try (Socket socket = TestPki.get()
			.trustedCa()
			.sslContext()
			.getSocketFactory()
			.createSocket("localhost", this.front.port())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("*3\r\n$4\r\nAUTH\r\n$" + USER_ID.length() + "\r\n" + USER_ID + "\r\n$"
					+ token.getBytes(StandardCharsets.UTF_8).length + "\r\n" + token + "\r\n")
				.getBytes(StandardCharsets.UTF_8));
			out.flush();
			return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
				.readLine();
		}
	}

	private static String messages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause.getClass().getName()).append(": ").append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

	private static boolean isSecretFree(String text) {
		return !text.contains(IamAuthenticationIntegrationTests.SECRET_KEY) && !text.contains("X-Amz-Signature")
				&& !text.contains(ACL_PASSWORD);
	}

	private ConfigurableApplicationContext run(String... more) {
		List<String> arguments = new ArrayList<>(List.of("--elasticache.secure.endpoint=localhost:" + this.front.port(),
				"--elasticache.secure.tls.bundle=test",
				"--spring.ssl.bundle.pem.test.truststore.certificate=file:"
						+ TestPki.get().trustedCa().certificatePem(),
				"--elasticache.secure.auth.mode=iam", "--elasticache.secure.auth.username=" + USER_ID,
				"--elasticache.secure.cache-name=" + IamAuthenticationIntegrationTests.CACHE_NAME,
				"--elasticache.secure.iam.region=" + IamAuthenticationIntegrationTests.REGION));
		arguments.addAll(List.of(more));
		return new SpringApplicationBuilder(ReliabilityApplication.class).web(WebApplicationType.NONE)
			.run(arguments.toArray(String[]::new));
	}

	/**
	 * Signs with the test's clock and refresh interval, from a credentials source the
	 * test turns off and on.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ReliabilityApplication {

		static volatile boolean credentialsFail;

		static volatile Clock clock = Clock.systemUTC();

		static volatile Duration refreshInterval = Duration.ofMinutes(5);

		@Bean
		AwsCredentialsProvider switchableCredentials() {
			return () -> {
				if (credentialsFail) {
					throw SdkClientException.create("credentials endpoint unavailable");
				}
				return AwsBasicCredentials.create(IamAuthenticationIntegrationTests.ACCESS_KEY_ID,
						IamAuthenticationIntegrationTests.SECRET_KEY);
			};
		}

		@Bean(destroyMethod = "close")
		ElastiCacheIamCredentialsProvider testClockIamCredentialsProvider(AwsCredentialsProvider credentials) {
			return ElastiCacheIamCredentialsProvider
				.builder(new ElastiCacheIamTokenGenerator(IamAuthenticationIntegrationTests.CACHE_NAME, USER_ID,
						IamAuthenticationIntegrationTests.REGION, false, clock), credentials)
				.clock(clock)
				.refreshInterval(refreshInterval)
				.retryBackoff(Duration.ofMillis(100), Duration.ofMillis(500))
				.build();
		}

	}

	/** Whichever clock the test gave the application, read at each check. */
	private static final class ApplicationClock extends Clock {

		@Override
		public Instant instant() {
			return ReliabilityApplication.clock.instant();
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

	}

}
