package io.github.elasticachesecure.iam;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.lettuce.core.RedisCredentials;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ElastiCacheIamCredentialsProvider}. Tokens and secrets are compared, never printed.
 */
class ElastiCacheIamCredentialsProviderTests {

	// AWS documentation example secret, not a real credential.
	private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

	private static final String OUTAGE = "simulated STS outage";

	private final TestCredentials credentials = new TestCredentials();

	private @Nullable ElastiCacheIamCredentialsProvider provider;

	@AfterEach
	void close() {
		if (this.provider != null) {
			this.provider.close();
		}
	}

	@Test
	void cachedTokenIsReturnedWithoutSigning() {
		MutableClock clock = new MutableClock(Instant.parse("2024-05-17T10:00:00Z"));
		ElastiCacheIamCredentialsProvider provider = build(clock, ElastiCacheIamCredentialsProvider.builder(
				generator(clock), this.credentials));
		RedisCredentials first = resolve(provider);
		assertThat(first.getUsername()).isEqualTo("app-user");
		for (int i = 0; i < 100; i++) {
			clock.advance(Duration.ofSeconds(1));
			assertThat(sameSecret(resolve(provider), first)).isTrue();
		}
		assertThat(this.credentials.calls.get()).isEqualTo(1);
		assertThat(provider.status().refreshSuccessCount()).isOne();
	}

	@Test
	void refreshesAheadOfExpiryEveryInterval() {
		ElastiCacheIamCredentialsProvider provider = build(Clock.systemUTC(),
				ElastiCacheIamCredentialsProvider.builder(generator(Clock.systemUTC()), this.credentials)
					.refreshInterval(Duration.ofMillis(200)));
		await().atMost(Duration.ofSeconds(2)).until(() -> provider.status().refreshSuccessCount() >= 3);
		assertThat(this.credentials.calls.get()).isGreaterThanOrEqualTo(3);
		assertThat(provider.status().consecutiveFailures()).isZero();
	}

	@Test
	void credentialsExpiringSoonScheduleAnEarlyRefresh() {
		MutableClock clock = new MutableClock(Instant.parse("2024-05-17T10:00:00Z"));
		// STS credentials that expire in 2 minutes: the token is usable for 1 minute only.
		this.credentials.expiry.set(clock.instant().plus(Duration.ofMinutes(2)));
		ElastiCacheIamCredentialsProvider provider = build(clock,
				ElastiCacheIamCredentialsProvider.builder(generator(clock), this.credentials));
		resolve(provider);
		IamTokenStatus status = provider.status();
		assertThat(status.tokenUsableUntil()).isEqualTo(Instant.parse("2024-05-17T10:01:00Z"));
		assertThat(status.nextRefreshAt()).isEqualTo(Instant.parse("2024-05-17T10:00:45Z"));
		// Never handed out past usableUntil, even if the refresh did not happen.
		this.credentials.failing.set(true);
		clock.advance(Duration.ofSeconds(60));
		assertThatExceptionOfType(IamTokenUnavailableException.class).isThrownBy(() -> resolve(provider));
	}

	@Test
	void credentialsExpiringSoonAreRefreshedBeforeTheyExpire() {
		Clock clock = Clock.systemUTC();
		// Usable for 1.2 s past the margin: the refresh must come well before the 5-minute interval.
		this.credentials.expiry.set(clock.instant()
			.plus(ElastiCacheIamTokenGenerator.CREDENTIALS_EXPIRY_MARGIN)
			.plusMillis(1200));
		ElastiCacheIamCredentialsProvider provider = build(clock,
				ElastiCacheIamCredentialsProvider.builder(generator(clock), this.credentials));
		RedisCredentials first = resolve(provider);
		Instant firstUsableUntil = provider.status().tokenUsableUntil();
		this.credentials.expiry.set(null);
		assertThat(provider.status().nextRefreshAt()).isBefore(firstUsableUntil);
		await().atMost(Duration.ofSeconds(2)).until(() -> provider.status().refreshSuccessCount() >= 2);
		assertThat(provider.status().lastRefreshSuccess()).isBefore(firstUsableUntil);
		RedisCredentials second = resolve(provider);
		assertThat(sameSecret(first, second)).isFalse();
		assertThat(provider.status().tokenUsableUntil()).isAfter(firstUsableUntil);
		assertThat(provider.status().refreshFailureCount()).isZero();
	}

	@Test
	void concurrentCallersBeforeTheFirstTokenShareOneSigning() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		this.credentials.gate.set(release);
		ElastiCacheIamCredentialsProvider provider = build(Clock.systemUTC(),
				ElastiCacheIamCredentialsProvider.builder(generator(Clock.systemUTC()), this.credentials));
		ExecutorService callers = Executors.newFixedThreadPool(16);
		try {
			CountDownLatch ready = new CountDownLatch(16);
			List<Future<RedisCredentials>> results = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
				results.add(callers.submit(() -> {
					ready.countDown();
					return provider.resolveCredentials().block(Duration.ofSeconds(2));
				}));
			}
			ready.await(1, TimeUnit.SECONDS);
			Thread.sleep(100);
			release.countDown();
			Set<String> secrets = ConcurrentHashMap.newKeySet();
			for (Future<RedisCredentials> result : results) {
				secrets.add(new String(result.get(2, TimeUnit.SECONDS).getPassword()));
			}
			assertThat(secrets).hasSize(1);
			assertThat(this.credentials.calls.get()).isOne();
		}
		finally {
			callers.shutdownNow();
		}
	}

	@Test
	void failingCredentialsKeepTheLastGoodTokenAndRecover() {
		MutableClock clock = new MutableClock(Instant.parse("2024-05-17T10:00:00Z"));
		AtomicInteger failures = new AtomicInteger();
		AtomicReference<@Nullable Throwable> reported = new AtomicReference<>();
		ElastiCacheIamCredentialsProvider provider = build(clock,
				ElastiCacheIamCredentialsProvider.builder(generator(clock), this.credentials)
					.refreshInterval(Duration.ofMillis(100))
					.retryBackoff(Duration.ofMillis(20), Duration.ofMillis(50))
					.listener(new IamTokenListener() {

						@Override
						public void onRefreshFailure(IamTokenStatus status, Throwable cause) {
							failures.incrementAndGet();
							reported.set(cause);
						}

					}));
		RedisCredentials good = resolve(provider);
		this.credentials.failing.set(true);
		await().atMost(Duration.ofSeconds(2)).until(() -> provider.status().consecutiveFailures() >= 3);
		assertThat(sameSecret(resolve(provider), good)).isTrue();
		IamTokenStatus status = provider.status();
		assertThat(status.tokenUsable()).isTrue();
		assertThat(status.lastRefreshError()).contains(OUTAGE);
		assertThat(status.lastRefreshFailure()).isNotNull();
		assertThat(failures.get()).isGreaterThanOrEqualTo(3);
		assertThat(reported.get()).hasMessage(OUTAGE);
		assertNoSecrets(status.toString(), good);
		assertNoSecrets(provider.toString(), good);
		this.credentials.failing.set(false);
		await().atMost(Duration.ofSeconds(2)).until(() -> provider.status().consecutiveFailures() == 0);
		assertThat(sameSecret(resolve(provider), good)).isFalse();
		assertThat(provider.status().refreshFailureCount()).isGreaterThanOrEqualTo(3);
	}

	@Test
	void noUsableTokenLeftFailsClearlyAndRecovers() {
		MutableClock clock = new MutableClock(Instant.parse("2024-05-17T10:00:00Z"));
		ElastiCacheIamCredentialsProvider provider = build(clock,
				ElastiCacheIamCredentialsProvider.builder(generator(clock), this.credentials));
		RedisCredentials good = resolve(provider);
		this.credentials.failing.set(true);
		clock.advance(Duration.ofMinutes(14));
		assertThat(provider.status().tokenUsable()).isFalse();
		assertThatExceptionOfType(IamTokenUnavailableException.class).isThrownBy(() -> resolve(provider))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).contains("No usable ElastiCache IAM token")
					.contains("app-user")
					.contains("my-cache")
					.contains(OUTAGE);
				assertNoSecrets(ex.getMessage(), good);
			});
		// The stale token is not replayed to new subscribers either.
		assertThat(provider.credentials().take(Duration.ofMillis(100)).collectList().block()).isEmpty();
		this.credentials.failing.set(false);
		assertThat(sameSecret(resolve(provider), good)).isFalse();
	}

	@Test
	void firstSigningFailureIsReported() {
		this.credentials.failing.set(true);
		ElastiCacheIamCredentialsProvider provider = build(Clock.systemUTC(),
				ElastiCacheIamCredentialsProvider.builder(generator(Clock.systemUTC()), this.credentials));
		assertThatExceptionOfType(IamTokenUnavailableException.class).isThrownBy(() -> resolve(provider))
			.withMessageContaining(OUTAGE)
			.satisfies((ex) -> assertThat(ex.getMessage().contains(SECRET_KEY)).isFalse());
	}

	@Test
	void refreshNowSignsAFreshToken() throws Exception {
		ElastiCacheIamCredentialsProvider provider = build(Clock.systemUTC(),
				ElastiCacheIamCredentialsProvider.builder(generator(Clock.systemUTC()), this.credentials));
		RedisCredentials first = resolve(provider);
		IamAuthToken fresh = provider.refreshNow().get(2, TimeUnit.SECONDS);
		RedisCredentials next = resolve(provider);
		assertThat(new String(next.getPassword()).equals(fresh.value())).isTrue();
		assertThat(sameSecret(first, next)).isFalse();
		assertThat(this.credentials.calls.get()).isEqualTo(2);
	}

	@Test
	void credentialsStreamEmitsOnlyTokensSignedAfterSubscription() throws Exception {
		ElastiCacheIamCredentialsProvider provider = build(Clock.systemUTC(),
				ElastiCacheIamCredentialsProvider.builder(generator(Clock.systemUTC()), this.credentials));
		assertThat(provider.supportsStreaming()).isTrue();
		RedisCredentials first = resolve(provider);
		List<RedisCredentials> received = new java.util.concurrent.CopyOnWriteArrayList<>();
		Disposable subscription = provider.credentials().subscribe(received::add);
		try {
			// The current token is not replayed: a new connection just authenticated with it.
			Thread.sleep(100);
			assertThat(received).isEmpty();
			provider.refreshNow().get(2, TimeUnit.SECONDS);
			provider.refreshNow().get(2, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(1)).until(() -> received.size() == 2);
			assertThat(received.stream().map((c) -> new String(c.getPassword())).distinct()).hasSize(2);
			assertThat(received).noneMatch((c) -> sameSecret(c, first));
			assertThat(sameSecret(received.get(1), resolve(provider))).isTrue();
		}
		finally {
			subscription.dispose();
		}
	}

	@Test
	void closeStopsTheRefreshThread() throws Exception {
		ElastiCacheIamCredentialsProvider provider = build(Clock.systemUTC(),
				ElastiCacheIamCredentialsProvider.builder(generator(Clock.systemUTC()), this.credentials));
		resolve(provider);
		Thread thread = this.credentials.lastThread.get();
		assertThat(thread).isNotNull();
		assertThat(thread.getName()).startsWith("elasticache-iam-token-refresh-");
		assertThat(thread.isDaemon()).isTrue();
		AtomicBoolean completed = new AtomicBoolean();
		provider.credentials().subscribe((c) -> {
		}, (ex) -> {
		}, () -> completed.set(true));
		provider.close();
		thread.join(1000);
		assertThat(thread.isAlive()).isFalse();
		assertThat(completed).isTrue();
		assertThatExceptionOfType(IamTokenUnavailableException.class).isThrownBy(() -> resolve(provider))
			.withMessageContaining("closed");
		assertThat(provider.refreshNow()).isCompletedExceptionally();
		assertThat(this.credentials.calls.get()).isOne();
	}

	@Test
	@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void hungCredentialsSourceIsAbandonedAtTheTimeoutReportedAndRetriedUntilItAnswers() {
		AtomicBoolean answering = new AtomicBoolean();
		AtomicInteger calls = new AtomicInteger();
		AtomicInteger interrupted = new AtomicInteger();
		CountDownLatch never = new CountDownLatch(1);
		// As SDK providers do: the call blocks inside resolveIdentity(), which returns a completed future.
		AwsCredentialsProvider hanging = () -> {
			calls.incrementAndGet();
			try {
				while (!answering.get()) {
					never.await();
				}
			}
			catch (InterruptedException ex) {
				interrupted.incrementAndGet();
				throw new IllegalStateException("interrupted", ex);
			}
			return this.credentials.resolveCredentials();
		};
		MutableClock clock = new MutableClock(Instant.parse("2024-05-17T10:00:00Z"));
		ElastiCacheIamCredentialsProvider provider = build(clock,
				ElastiCacheIamCredentialsProvider.builder(generator(clock), hanging)
					.credentialsTimeout(Duration.ofMillis(200))
					.retryBackoff(Duration.ofMillis(20), Duration.ofMillis(50)));
		await().atMost(Duration.ofSeconds(20)).until(() -> provider.status().consecutiveFailures() >= 2);
		IamTokenStatus status = provider.status();
		assertThat(status.tokenUsable()).isFalse();
		assertThat(status.refreshSuccessCount()).isZero();
		assertThat(status.lastRefreshError()).contains("did not answer within 200 ms");
		assertThat(status.nextRefreshAt()).isNotNull();
		assertThatExceptionOfType(IamTokenUnavailableException.class).isThrownBy(() -> resolve(provider))
			.withMessageContaining("did not answer within 200 ms");
		// Each abandoned call was interrupted, so no thread is left blocked behind it.
		await().atMost(Duration.ofSeconds(10)).until(() -> interrupted.get() >= 2);
		answering.set(true);
		await().atMost(Duration.ofSeconds(20)).until(() -> provider.status().refreshSuccessCount() == 1);
		assertThat(resolve(provider).getUsername()).isEqualTo("app-user");
		assertThat(provider.status().consecutiveFailures()).isZero();
		assertThat(provider.status().refreshFailureCount()).isGreaterThanOrEqualTo(2);
		assertThat(calls.get()).isGreaterThanOrEqualTo(3);
	}

	@Test
	@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void callsStuckInNonInterruptibleIoDoNotBlockRetriesNorPileUp() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger calls = new AtomicInteger();
		Set<Thread> stuck = ConcurrentHashMap.newKeySet();
		// The first two calls ignore interrupts until released, as a read on a socket does.
		AwsCredentialsProvider stuckTwice = () -> {
			if (calls.incrementAndGet() <= 2) {
				stuck.add(Thread.currentThread());
				awaitUninterruptibly(release);
			}
			return this.credentials.resolveCredentials();
		};
		MutableClock clock = new MutableClock(Instant.parse("2024-05-17T10:00:00Z"));
		ElastiCacheIamCredentialsProvider provider = build(clock,
				ElastiCacheIamCredentialsProvider.builder(generator(clock), stuckTwice)
					.credentialsTimeout(Duration.ofMillis(200))
					.retryBackoff(Duration.ofMillis(20), Duration.ofMillis(50)));
		// The second attempt ran while the first was still stuck; the next ones are refused without a call.
		await().atMost(Duration.ofSeconds(20)).until(() -> provider.status().consecutiveFailures() >= 5);
		assertThat(calls.get()).isEqualTo(ElastiCacheIamCredentialsProvider.MAX_CREDENTIALS_CALLS);
		assertThat(provider.status().lastRefreshError()).contains("did not answer within 200 ms")
			.contains("2 calls to it are still blocked");
		assertThat(stuck).hasSize(2).allSatisfy((thread) -> {
			assertThat(thread.isDaemon()).isTrue();
			assertThat(thread.getName()).startsWith(ElastiCacheIamCredentialsProvider.THREAD_NAME_PREFIX)
				.endsWith(ElastiCacheIamCredentialsProvider.CREDENTIALS_THREAD_NAME_SUFFIX);
		});
		release.countDown();
		await().atMost(Duration.ofSeconds(20)).until(() -> provider.status().refreshSuccessCount() == 1);
		assertThat(calls.get()).isEqualTo(3);
		for (Thread thread : stuck) {
			thread.join(10_000);
			assertThat(thread.isAlive()).isFalse();
		}
	}

	@Test
	@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void closeStopsEveryThreadOfTheProviderWhileACallIsBlocked() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		AtomicReference<@Nullable Thread> caller = new AtomicReference<>();
		AtomicBoolean interrupted = new AtomicBoolean();
		AwsCredentialsProvider blocked = () -> {
			caller.set(Thread.currentThread());
			entered.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				interrupted.set(true);
			}
			throw new IllegalStateException("interrupted");
		};
		ElastiCacheIamCredentialsProvider provider = build(Clock.systemUTC(),
				ElastiCacheIamCredentialsProvider.builder(generator(Clock.systemUTC()), blocked)
					.credentialsTimeout(Duration.ofMinutes(5)));
		assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
		String callerName = caller.get().getName();
		assertThat(callerName).endsWith(ElastiCacheIamCredentialsProvider.CREDENTIALS_THREAD_NAME_SUFFIX);
		// The refresh thread's name, which every thread of this provider starts with.
		String providerThreads = callerName.substring(0,
				callerName.length() - ElastiCacheIamCredentialsProvider.CREDENTIALS_THREAD_NAME_SUFFIX.length());
		assertThat(liveThreadsNamed(providerThreads)).hasSize(2);
		provider.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> liveThreadsNamed(providerThreads).isEmpty());
		assertThat(interrupted).isTrue();
	}

	@Test
	void credentialsTimeoutIsValidated() {
		ElastiCacheIamCredentialsProvider.Builder builder = ElastiCacheIamCredentialsProvider
			.builder(generator(Clock.systemUTC()), this.credentials);
		builder.credentialsTimeout(Duration.ofMillis(1));
		assertThatExceptionOfType(InvalidIamSettingException.class)
			.isThrownBy(() -> builder.credentialsTimeout(Duration.ZERO))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo(IamSetting.CREDENTIALS_TIMEOUT))
			.withMessageContaining("must be positive");
		assertThatExceptionOfType(InvalidIamSettingException.class)
			.isThrownBy(() -> builder.credentialsTimeout(Duration.ofSeconds(-1)))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo(IamSetting.CREDENTIALS_TIMEOUT));
	}

	@Test
	void refreshIntervalIsValidated() {
		ElastiCacheIamCredentialsProvider.Builder builder = ElastiCacheIamCredentialsProvider
			.builder(generator(Clock.systemUTC()), this.credentials);
		builder.refreshInterval(Duration.ofMinutes(14));
		assertThatExceptionOfType(InvalidIamSettingException.class)
			.isThrownBy(() -> builder.refreshInterval(Duration.ofMinutes(14).plusSeconds(1)))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo(IamSetting.REFRESH_INTERVAL));
		assertThatExceptionOfType(InvalidIamSettingException.class)
			.isThrownBy(() -> builder.refreshInterval(Duration.ZERO))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo(IamSetting.REFRESH_INTERVAL));
		assertThatExceptionOfType(InvalidIamSettingException.class)
			.isThrownBy(() -> builder.refreshInterval(Duration.ofSeconds(-1)));
	}

	private ElastiCacheIamCredentialsProvider build(Clock clock, ElastiCacheIamCredentialsProvider.Builder builder) {
		ElastiCacheIamCredentialsProvider provider = builder.clock(clock).build();
		this.provider = provider;
		return provider;
	}

	private static ElastiCacheIamTokenGenerator generator(Clock clock) {
		return new ElastiCacheIamTokenGenerator("my-cache", "app-user", "us-east-1", false, clock);
	}

	private static RedisCredentials resolve(ElastiCacheIamCredentialsProvider provider) {
		RedisCredentials credentials = provider.resolveCredentials().block(Duration.ofSeconds(2));
		assertThat(credentials).isNotNull();
		return credentials;
	}

	/**
	 * The live threads whose name is the given one or starts with it followed by a hyphen.
	 */
	private static List<Thread> liveThreadsNamed(String name) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive()
					&& (thread.getName().equals(name) || thread.getName().startsWith(name + "-")))
			.toList();
	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		boolean interrupted = false;
		while (latch.getCount() > 0) {
			try {
				latch.await();
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private static boolean sameSecret(RedisCredentials a, RedisCredentials b) {
		return java.util.Arrays.equals(a.getPassword(), b.getPassword());
	}

	private static void assertNoSecrets(String text, RedisCredentials token) {
		assertThat(text.contains(SECRET_KEY)).isFalse();
		assertThat(text.contains(new String(token.getPassword()))).isFalse();
		assertThat(text.contains("X-Amz-Signature")).isFalse();
	}

	/**
	 * Credentials source with a fresh access key per call (so every token differs), optional failure, expiry and gate.
	 */
	static final class TestCredentials implements AwsCredentialsProvider {

		final AtomicInteger calls = new AtomicInteger();

		final AtomicBoolean failing = new AtomicBoolean();

		final AtomicReference<@Nullable Instant> expiry = new AtomicReference<>();

		final AtomicReference<@Nullable CountDownLatch> gate = new AtomicReference<>();

		final AtomicReference<@Nullable Thread> lastThread = new AtomicReference<>();

		@Override
		public AwsCredentials resolveCredentials() {
			int call = this.calls.incrementAndGet();
			this.lastThread.set(Thread.currentThread());
			CountDownLatch latch = this.gate.get();
			if (latch != null) {
				try {
					latch.await(2, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			if (this.failing.get()) {
				throw new IllegalStateException(OUTAGE);
			}
			return AwsSessionCredentials.builder()
				.accessKeyId(String.format("AKIAEXAMPLE%08d", call))
				.secretAccessKey(SECRET_KEY)
				.sessionToken("session-" + call)
				.expirationTime(this.expiry.get())
				.build();
		}

	}

}
