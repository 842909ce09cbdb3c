package io.github.elasticachesecure.iam;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.elasticachesecure.testkit.MutableClock;
import io.github.elasticachesecure.testsupport.Threads;
import io.lettuce.core.RedisCredentials;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import static io.github.elasticachesecure.iam.TestCredentials.OUTAGE;
import static io.github.elasticachesecure.iam.TestCredentials.SECRET_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ElastiCacheIamCredentialsProvider}. Tokens and secrets are compared,
 * never printed.
 */
class ElastiCacheIamCredentialsProviderTests {

	/**
	 * The longest wait for something that happens at once on an idle machine: generous
	 * for a loaded one.
	 */
	private static final Duration WAIT = Duration.ofSeconds(10);

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
		ElastiCacheIamCredentialsProvider provider = build(clock,
				ElastiCacheIamCredentialsProvider.builder(generator(clock), this.credentials));
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
	void concurrentCallersBeforeTheFirstTokenShareOneSigning() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		this.credentials.gate.set(release);
		ElastiCacheIamCredentialsProvider provider = build(Clock.systemUTC(),
				ElastiCacheIamCredentialsProvider.builder(generator(Clock.systemUTC()), this.credentials));
		ExecutorService callers = Executors.newFixedThreadPool(16);
		try {
			// Counted once a caller has joined the refresh: resolveCredentials()
			// subscribes to it before onSubscribe.
			CountDownLatch joined = new CountDownLatch(16);
			List<Future<RedisCredentials>> results = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
				results.add(callers.submit(() -> provider.resolveCredentials()
					.doOnSubscribe((subscription) -> joined.countDown())
					.block(WAIT)));
			}
			assertThat(joined.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			// Every caller came while the first signing was still held at the gate.
			assertThat(provider.status().refreshSuccessCount()).isZero();
			release.countDown();
			Set<String> secrets = ConcurrentHashMap.newKeySet();
			for (Future<RedisCredentials> result : results) {
				secrets.add(new String(result.get(WAIT.toSeconds(), TimeUnit.SECONDS).getPassword()));
			}
			assertThat(secrets).hasSize(1);
			assertThat(this.credentials.calls.get()).isOne();
		}
		finally {
			callers.shutdownNow();
		}
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
		assertNoSecrets(provider.toString(), good);
		// The stale token is not replayed to new subscribers either: a replay would come
		// during subscribe(), before the next token.
		List<RedisCredentials> received = new CopyOnWriteArrayList<>();
		Disposable subscription = provider.credentials().subscribe(received::add);
		try {
			assertThat(received).isEmpty();
			this.credentials.failing.set(false);
			RedisCredentials fresh = resolve(provider);
			assertThat(sameSecret(fresh, good)).isFalse();
			await().atMost(WAIT).until(() -> !received.isEmpty());
			assertThat(sameSecret(received.get(0), fresh)).isTrue();
		}
		finally {
			subscription.dispose();
		}
	}

	/**
	 * The race behind an intermittent failure of
	 * {@link #noUsableTokenLeftFailsClearlyAndRecovers()}: a caller saw the new token
	 * before its refresh had ended, the clock then passed the token's usable period, and
	 * the next caller joined that refresh and was handed the same token. The refresh
	 * thread is stopped at each clock read until its new token is visible, so that the
	 * next caller comes exactly while that refresh is finishing.
	 */
	@Test
	@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void tokenPastItsUsablePeriodIsNotHandedOutByTheRefreshStillFinishing() {
		SteppedClock clock = new SteppedClock(Instant.parse("2024-05-17T10:00:00Z"));
		try {
			ElastiCacheIamCredentialsProvider provider = build(clock,
					ElastiCacheIamCredentialsProvider.builder(generator(clock), this.credentials));
			int steps = 0;
			while (provider.status().tokenIssuedAt() == null) {
				int taken = steps;
				await().atMost(Duration.ofSeconds(20)).until(() -> clock.stops() > taken);
				if (provider.status().tokenIssuedAt() == null) {
					clock.step();
					steps++;
				}
			}
			this.credentials.failing.set(true);
			clock.advance(Duration.ofMinutes(14));
			CompletableFuture<RedisCredentials> next = provider.resolveCredentials().toFuture();
			clock.run();
			assertThat(next).failsWithin(Duration.ofSeconds(20))
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOf(IamTokenUnavailableException.class)
				.withMessageContaining(OUTAGE);
		}
		finally {
			clock.run();
		}
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
	void retryDelaysDefaultToOneSecondDoublingToThirtySeconds() {
		MutableClock clock = new MutableClock(Instant.parse("2024-05-17T10:00:00Z"));
		this.credentials.failing.set(true);
		// No retryBackoff: the documented default. A retry that runs by itself between
		// two refreshNow() calls only adds a failure, which the ceiling follows.
		ElastiCacheIamCredentialsProvider provider = build(clock,
				ElastiCacheIamCredentialsProvider.builder(generator(clock), this.credentials));
		for (int i = 0; i < 8; i++) {
			assertThat(provider.refreshNow()).failsWithin(WAIT);
			IamTokenStatus status = provider.status();
			int failures = status.consecutiveFailures();
			assertThat(status.nextRefreshAt()).isNotNull();
			Duration delay = Duration.between(clock.instant(), status.nextRefreshAt());
			Duration ceiling = Duration.ofSeconds(Math.min(1L << Math.min(failures - 1, 10), 30));
			assertThat(delay).as("delay after %d failures in a row", failures).isBetween(ceiling.dividedBy(2), ceiling);
			if (failures == 1) {
				assertThat(delay).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
			}
		}
		assertThat(provider.status().consecutiveFailures()).isGreaterThanOrEqualTo(6);
		assertThat(Duration.between(clock.instant(), provider.status().nextRefreshAt()))
			.isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
	}

	@Test
	void retryDelaysAreJitteredAndDoubleUpToTheMaximum() {
		MutableClock clock = new MutableClock(Instant.parse("2024-05-17T10:00:00Z"));
		this.credentials.failing.set(true);
		// Delays far longer than the test: no retry runs by itself, every failure comes
		// from refreshNow() and its delay is read from nextRefreshAt on the clock that
		// does not move.
		Duration initial = Duration.ofMinutes(10);
		Duration max = initial.multipliedBy(8);
		ElastiCacheIamCredentialsProvider provider = build(clock,
				ElastiCacheIamCredentialsProvider.builder(generator(clock), this.credentials)
					.retryBackoff(initial, max));
		Set<Duration> delaysAtTheMaximum = new HashSet<>();
		for (int i = 0; i < 40; i++) {
			assertThat(provider.refreshNow()).failsWithin(WAIT);
			IamTokenStatus status = provider.status();
			int failures = status.consecutiveFailures();
			assertThat(status.nextRefreshAt()).isNotNull();
			Duration delay = Duration.between(clock.instant(), status.nextRefreshAt());
			// Doubling from the initial delay up to the maximum, half of each delay fixed
			// and half random.
			Duration ceiling = initial.multipliedBy(1L << Math.min(failures - 1, 10));
			ceiling = (ceiling.compareTo(max) < 0) ? ceiling : max;
			assertThat(delay).as("delay after %d failures in a row", failures).isBetween(ceiling.dividedBy(2), ceiling);
			if (ceiling.equals(max)) {
				delaysAtTheMaximum.add(delay);
			}
		}
		assertThat(provider.status().consecutiveFailures()).isGreaterThanOrEqualTo(40);
		// Jittered: 36 or more delays drawn from 40 minutes of milliseconds are not all
		// the same.
		assertThat(delaysAtTheMaximum).hasSizeGreaterThan(1);
	}

	@Test
	void refreshNowSignsAFreshToken() throws Exception {
		ElastiCacheIamCredentialsProvider provider = build(Clock.systemUTC(),
				ElastiCacheIamCredentialsProvider.builder(generator(Clock.systemUTC()), this.credentials));
		RedisCredentials first = resolve(provider);
		IamAuthToken fresh = provider.refreshNow().get(WAIT.toSeconds(), TimeUnit.SECONDS);
		RedisCredentials next = resolve(provider);
		assertThat(new String(next.getPassword()).equals(fresh.value())).isTrue();
		assertThat(sameSecret(first, next)).isFalse();
		assertThat(this.credentials.calls.get()).isEqualTo(2);
	}

	/**
	 * After the server rejected the token ({@code WRONGPASS}), nothing hands it out
	 * again: neither a new connection nor the credentials stream to a subscriber that
	 * comes while the fresh token is being signed.
	 */
	@Test
	void refreshNowDropsTheRejectedTokenAtOnce() throws Exception {
		ElastiCacheIamCredentialsProvider provider = build(Clock.systemUTC(),
				ElastiCacheIamCredentialsProvider.builder(generator(Clock.systemUTC()), this.credentials));
		RedisCredentials rejected = resolve(provider);
		CountDownLatch signing = new CountDownLatch(1);
		this.credentials.gate.set(signing);
		CompletableFuture<IamAuthToken> fresh = provider.refreshNow();
		List<RedisCredentials> received = new CopyOnWriteArrayList<>();
		Disposable subscription = provider.credentials().subscribe(received::add);
		try {
			// Held at the gate: a connection opened now waits for the fresh token rather
			// than take the rejected one.
			CompletableFuture<RedisCredentials> next = provider.resolveCredentials().toFuture();
			assertThat(next).isNotDone();
			assertThat(provider.status().tokenUsable()).isFalse();
			assertThat(received).isEmpty();
			signing.countDown();
			IamAuthToken token = fresh.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			RedisCredentials connected = next.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(new String(connected.getPassword()).equals(token.value())).isTrue();
			assertThat(sameSecret(connected, rejected)).isFalse();
			await().atMost(WAIT).until(() -> !received.isEmpty());
			assertThat(received).hasSize(1).allMatch((credentials) -> sameSecret(credentials, connected));
		}
		finally {
			signing.countDown();
			subscription.dispose();
		}
	}

	@Test
	void descriptionNamesTheCacheUserAndSchedule() {
		MutableClock clock = new MutableClock(Instant.parse("2024-05-17T10:00:00Z"));
		ElastiCacheIamCredentialsProvider provider = build(clock,
				ElastiCacheIamCredentialsProvider.builder(generator(clock), this.credentials)
					.refreshInterval(Duration.ofMinutes(3)));
		RedisCredentials token = resolve(provider);
		assertThat(provider.toString()).startsWith("ElastiCacheIamCredentialsProvider[ElastiCacheIamTokenGenerator[")
			.contains("cacheName=my-cache")
			.contains("userId=app-user")
			.contains("refreshInterval=PT3M")
			.contains("nextRefreshAt=2024-05-17T10:03:00Z");
		assertNoSecrets(provider.toString(), token);
	}

	@Test
	void retryBackoffIsValidated() {
		ElastiCacheIamCredentialsProvider.Builder builder = ElastiCacheIamCredentialsProvider
			.builder(generator(Clock.systemUTC()), this.credentials);
		// The same initial and longest delay: a constant delay, still jittered.
		builder.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(2));
		builder.retryBackoff(Duration.ofMillis(1), Duration.ofMillis(2));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> builder.retryBackoff(Duration.ofSeconds(2), Duration.ofMillis(1999)))
			.withMessage("Backoff must be positive and 'max' at least 'initial'");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> builder.retryBackoff(Duration.ZERO, Duration.ofSeconds(1)));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> builder.retryBackoff(Duration.ofSeconds(-1), Duration.ofSeconds(1)));
	}

	@Test
	void credentialsStreamEmitsOnlyTokensSignedAfterSubscription() throws Exception {
		ElastiCacheIamCredentialsProvider provider = build(Clock.systemUTC(),
				ElastiCacheIamCredentialsProvider.builder(generator(Clock.systemUTC()), this.credentials));
		assertThat(provider.supportsStreaming()).isTrue();
		RedisCredentials first = resolve(provider);
		List<RedisCredentials> received = new CopyOnWriteArrayList<>();
		Disposable subscription = provider.credentials().subscribe(received::add);
		try {
			// The current token is not replayed: a new connection just authenticated with
			// it. A replay would come during subscribe().
			assertThat(received).isEmpty();
			provider.refreshNow().get(WAIT.toSeconds(), TimeUnit.SECONDS);
			provider.refreshNow().get(WAIT.toSeconds(), TimeUnit.SECONDS);
			await().atMost(WAIT).until(() -> received.size() >= 2);
			assertThat(received).hasSize(2);
			assertThat(received.stream().map((c) -> new String(c.getPassword())).distinct()).hasSize(2);
			assertThat(received).noneMatch((c) -> sameSecret(c, first));
			assertThat(sameSecret(received.get(1), resolve(provider))).isTrue();
		}
		finally {
			subscription.dispose();
		}
	}

	@Test
	void aNewTokenReachesEachSubscriberAtAMomentOfItsOwnWithinTheSpread() throws Exception {
		ElastiCacheIamCredentialsProvider provider = build(Clock.systemUTC(),
				ElastiCacheIamCredentialsProvider.builder(generator(Clock.systemUTC()), this.credentials)
					.reauthenticationSpread(Duration.ofSeconds(2)));
		resolve(provider);
		int subscribers = 20;
		long[] arrivals = new long[subscribers];
		CountDownLatch all = new CountDownLatch(subscribers);
		List<Disposable> subscriptions = new ArrayList<>();
		for (int i = 0; i < subscribers; i++) {
			int index = i;
			subscriptions.add(provider.credentials().subscribe((c) -> {
				arrivals[index] = System.nanoTime();
				all.countDown();
			}));
		}
		try {
			provider.refreshNow().get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(all.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("every subscriber got the new token").isTrue();
			long first = Arrays.stream(arrivals).min().orElseThrow();
			long last = Arrays.stream(arrivals).max().orElseThrow();
			// 20 uniform delays within 2 s all inside 200 ms of each other: odds below
			// 1e-15.
			assertThat(Duration.ofNanos(last - first)).as("spread of the arrivals")
				.isGreaterThan(Duration.ofMillis(200));
		}
		finally {
			subscriptions.forEach(Disposable::dispose);
		}
	}

	@Test
	void reauthenticationSpreadIsValidated() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ElastiCacheIamCredentialsProvider.builder(generator(Clock.systemUTC()), this.credentials)
				.reauthenticationSpread(Duration.ofSeconds(-1)));
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
		await().atMost(WAIT).until(() -> !thread.isAlive());
		assertThat(completed).isTrue();
		assertThatExceptionOfType(IamTokenUnavailableException.class).isThrownBy(() -> resolve(provider))
			.withMessageContaining("closed");
		assertThat(provider.refreshNow()).isCompletedExceptionally();
		assertThat(this.credentials.calls.get()).isOne();
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
		assertThat(callerName).endsWith(RefreshScheduler.CREDENTIALS_THREAD_NAME_SUFFIX);
		// The refresh thread's name, which every thread of this provider starts with.
		String providerThreads = callerName.substring(0,
				callerName.length() - RefreshScheduler.CREDENTIALS_THREAD_NAME_SUFFIX.length());
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
		return TestCredentials.generator(clock);
	}

	private static RedisCredentials resolve(ElastiCacheIamCredentialsProvider provider) {
		RedisCredentials credentials = provider.resolveCredentials().block(WAIT);
		assertThat(credentials).isNotNull();
		return credentials;
	}

	/**
	 * The live threads whose name is the given one or starts with it followed by a
	 * hyphen.
	 */
	private static List<Thread> liveThreadsNamed(String name) {
		return Threads.alive((thread) -> thread.getName().equals(name) || thread.getName().startsWith(name + "-"));
	}

	private static boolean sameSecret(RedisCredentials a, RedisCredentials b) {
		return java.util.Arrays.equals(a.getPassword(), b.getPassword());
	}

	/**
	 * A hand-moved clock that stops each read on a provider thread until the test lets it
	 * go on, one read at a time.
	 */
	static final class SteppedClock extends MutableClock {

		private final Semaphore steps = new Semaphore(0);

		private final AtomicInteger stops = new AtomicInteger();

		private volatile boolean stepping = true;

		SteppedClock(Instant instant) {
			super(instant);
		}

		@Override
		public Instant instant() {
			if (this.stepping && Thread.currentThread().getName().startsWith(RefreshScheduler.THREAD_NAME_PREFIX)) {
				this.stops.incrementAndGet();
				this.steps.acquireUninterruptibly();
			}
			return super.instant();
		}

		int stops() {
			return this.stops.get();
		}

		void step() {
			this.steps.release();
		}

		void run() {
			this.stepping = false;
			this.steps.release(Integer.MAX_VALUE / 2);
		}

	}

	private static void assertNoSecrets(String text, RedisCredentials token) {
		assertThat(text.contains(SECRET_KEY)).isFalse();
		assertThat(text.contains(new String(token.getPassword()))).isFalse();
		assertThat(text.contains("X-Amz-Signature")).isFalse();
	}

}
