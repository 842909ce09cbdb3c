package io.github.elasticachesecure.iam;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.github.elasticachesecure.testkit.MutableClock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.retries.api.BackoffStrategy;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.github.elasticachesecure.iam.TestCredentials.OUTAGE;
import static io.github.elasticachesecure.iam.TestCredentials.SECRET_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link IamTokenRefresher}: schedule, backoff, status and retries. Tokens and
 * secrets are compared, never printed.
 */
@ExtendWith(OutputCaptureExtension.class)
class IamTokenRefresherTests {

	private static final BackoffStrategy DEFAULT_BACKOFF = BackoffStrategy
		.exponentialDelayHalfJitter(Duration.ofSeconds(1), Duration.ofSeconds(30));

	private static final BackoffStrategy SHORT_BACKOFF = BackoffStrategy
		.exponentialDelayHalfJitter(Duration.ofMillis(20), Duration.ofMillis(50));

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final TestCredentials credentials = new TestCredentials();

	private @Nullable IamTokenRefresher refresher;

	@AfterEach
	void close() {
		if (this.refresher != null) {
			this.refresher.close();
		}
	}

	@Test
	void refreshesAheadOfExpiryEveryInterval() {
		IamTokenRefresher refresher = start(this.credentials, TIMEOUT, Clock.systemUTC(), Duration.ofMillis(200),
				DEFAULT_BACKOFF, new IamTokenListener() {
				});
		await().atMost(Duration.ofSeconds(10)).until(() -> refresher.status().refreshSuccessCount() >= 3);
		assertThat(this.credentials.calls.get()).isGreaterThanOrEqualTo(3);
		assertThat(refresher.status().consecutiveFailures()).isZero();
	}

	@Test
	void credentialsExpiringSoonScheduleAnEarlyRefresh() throws Exception {
		MutableClock clock = new MutableClock(Instant.parse("2024-05-17T10:00:00Z"));
		// STS credentials that expire in 2 minutes: the token is usable for 1 minute
		// only.
		this.credentials.expiry.set(clock.instant().plus(Duration.ofMinutes(2)));
		IamTokenRefresher refresher = start(clock);
		token(refresher);
		IamTokenStatus status = refresher.status();
		assertThat(status.tokenUsableUntil()).isEqualTo(Instant.parse("2024-05-17T10:01:00Z"));
		assertThat(status.nextRefreshAt()).isEqualTo(Instant.parse("2024-05-17T10:00:45Z"));
		// Never handed out past usableUntil, even if the refresh did not happen.
		this.credentials.failing.set(true);
		clock.advance(Duration.ofSeconds(60));
		assertThat(refresher.usableToken()).isNull();
		assertThat(refresher.refresh()).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IamTokenUnavailableException.class);
	}

	@Test
	void credentialsExpiringSoonAreRefreshedBeforeTheyExpire() throws Exception {
		// The clock stands still: the refresh is scheduled from it, and the scheduled run
		// must really come.
		MutableClock clock = new MutableClock(Instant.parse("2024-05-17T10:00:00Z"));
		// Usable for 1.2 s past the documented 60 s margin: the refresh must come well
		// before the 5-minute interval.
		this.credentials.expiry.set(clock.instant().plusSeconds(60).plusMillis(1200));
		IamTokenRefresher refresher = start(clock);
		IamAuthToken first = token(refresher);
		Instant firstUsableUntil = refresher.status().tokenUsableUntil();
		assertThat(firstUsableUntil).isEqualTo(clock.instant().plusMillis(1200));
		this.credentials.expiry.set(null);
		// Three quarters into the usable period.
		assertThat(refresher.status().nextRefreshAt()).isEqualTo(clock.instant().plusMillis(900));
		await().atMost(Duration.ofSeconds(20)).until(() -> refresher.status().refreshSuccessCount() >= 2);
		IamAuthToken second = token(refresher);
		assertThat(second.value().equals(first.value())).isFalse();
		assertThat(refresher.status().tokenUsableUntil()).isAfter(firstUsableUntil);
		assertThat(refresher.status().refreshFailureCount()).isZero();
	}

	@Test
	void failingCredentialsKeepTheLastGoodTokenAndRecover() throws Exception {
		MutableClock clock = new MutableClock(Instant.parse("2024-05-17T10:00:00Z"));
		AtomicInteger failures = new AtomicInteger();
		AtomicReference<@Nullable Throwable> reported = new AtomicReference<>();
		IamTokenRefresher refresher = start(this.credentials, TIMEOUT, clock, Duration.ofMillis(100), SHORT_BACKOFF,
				new IamTokenListener() {

					@Override
					public void onRefreshFailure(IamTokenStatus status, Throwable cause) {
						failures.incrementAndGet();
						reported.set(cause);
					}

				});
		IamAuthToken good = token(refresher);
		this.credentials.failing.set(true);
		await().atMost(Duration.ofSeconds(10)).until(() -> refresher.status().consecutiveFailures() >= 3);
		assertThat(token(refresher).value().equals(good.value())).isTrue();
		IamTokenStatus status = refresher.status();
		assertThat(status.tokenUsable()).isTrue();
		assertThat(status.lastRefreshError()).contains(OUTAGE);
		assertThat(status.lastRefreshFailure()).isNotNull();
		assertThat(failures.get()).isGreaterThanOrEqualTo(3);
		assertThat(reported.get()).hasMessage(OUTAGE);
		assertThat(status.toString().contains(SECRET_KEY)).isFalse();
		assertThat(status.toString().contains(good.value())).isFalse();
		this.credentials.failing.set(false);
		await().atMost(Duration.ofSeconds(10)).until(() -> refresher.status().consecutiveFailures() == 0);
		assertThat(token(refresher).value().equals(good.value())).isFalse();
		assertThat(refresher.status().refreshFailureCount()).isGreaterThanOrEqualTo(3);
	}

	@Test
	@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void hungCredentialsSourceIsAbandonedAtTheTimeoutReportedAndRetriedUntilItAnswers() throws Exception {
		AtomicBoolean answering = new AtomicBoolean();
		AtomicInteger calls = new AtomicInteger();
		AtomicInteger interrupted = new AtomicInteger();
		CountDownLatch never = new CountDownLatch(1);
		// As SDK providers do: the call blocks inside resolveIdentity(), which returns a
		// completed future.
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
		IamTokenRefresher refresher = start(hanging, Duration.ofMillis(200), clock, Duration.ofMinutes(5),
				SHORT_BACKOFF, new IamTokenListener() {
				});
		await().atMost(Duration.ofSeconds(20)).until(() -> refresher.status().consecutiveFailures() >= 2);
		IamTokenStatus status = refresher.status();
		assertThat(status.tokenUsable()).isFalse();
		assertThat(status.refreshSuccessCount()).isZero();
		assertThat(status.lastRefreshError()).contains("did not answer within 200 ms");
		assertThat(status.nextRefreshAt()).isNotNull();
		assertThat(refresher.refresh()).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(IamTokenUnavailableException.class)
			.withMessageContaining("did not answer within 200 ms");
		// Each abandoned call was interrupted, so no thread is left blocked behind it.
		await().atMost(Duration.ofSeconds(10)).until(() -> interrupted.get() >= 2);
		answering.set(true);
		await().atMost(Duration.ofSeconds(20)).until(() -> refresher.status().refreshSuccessCount() == 1);
		assertThat(token(refresher)).isNotNull();
		assertThat(refresher.status().consecutiveFailures()).isZero();
		assertThat(refresher.status().refreshFailureCount()).isGreaterThanOrEqualTo(2);
		assertThat(calls.get()).isGreaterThanOrEqualTo(3);
	}

	@Test
	void listenerIsToldOfEverySuccessWithTheStatusAfterIt() throws Exception {
		MutableClock clock = new MutableClock(Instant.parse("2024-05-17T10:00:00Z"));
		List<IamTokenStatus> successes = new CopyOnWriteArrayList<>();
		IamTokenRefresher refresher = start(this.credentials, TIMEOUT, clock, Duration.ofMinutes(5), DEFAULT_BACKOFF,
				new IamTokenListener() {

					@Override
					public void onRefreshSuccess(IamTokenStatus status) {
						successes.add(status);
					}

				});
		token(refresher);
		// Told after the token was handed over: wait for it before the next refresh drops
		// that token.
		await().atMost(Duration.ofSeconds(10)).until(() -> successes.size() == 1);
		refresher.refreshNow().get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> successes.size() == 2);
		assertThat(successes).extracting(IamTokenStatus::refreshSuccessCount).containsExactly(1L, 2L);
		assertThat(successes).allSatisfy((status) -> assertThat(status.tokenUsable()).isTrue());
	}

	@Test
	void failureIsLoggedWithWhatStillServes(CapturedOutput output) throws Exception {
		MutableClock clock = new MutableClock(Instant.parse("2024-05-17T10:00:00Z"));
		this.credentials.failing.set(true);
		IamTokenRefresher refresher = start(clock);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> output.getOut().contains("refresh failed (1 in a row, no usable token, retrying in "));
		this.credentials.failing.set(false);
		refresher.refreshNow().get(10, TimeUnit.SECONDS);
		this.credentials.failing.set(true);
		// A refresh that fails while the last good token still serves.
		assertThat(refresher.refresh()).failsWithin(Duration.ofSeconds(10));
		// Logged after the callers were told.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> output.getOut()
				.contains("refresh failed (1 in a row, current token usable until 2024-05-17T10:14:00Z, retrying in "));
	}

	/**
	 * A refresh error is kept for the status and the listener up to 500 characters.
	 */
	@Test
	void longErrorsAreCutAt500Characters() {
		String prefix = "IllegalStateException: ";
		AtomicReference<String> message = new AtomicReference<>("e".repeat(500 - prefix.length()));
		AwsCredentialsProvider failing = () -> {
			throw new IllegalStateException(message.get());
		};
		MutableClock clock = new MutableClock(Instant.parse("2024-05-17T10:00:00Z"));
		IamTokenRefresher refresher = start(failing, TIMEOUT, clock, Duration.ofMinutes(5), DEFAULT_BACKOFF,
				new IamTokenListener() {
				});
		await().atMost(Duration.ofSeconds(10)).until(() -> refresher.status().consecutiveFailures() == 1);
		assertThat(refresher.status().lastRefreshError()).isEqualTo(prefix + message.get());
		message.set("e".repeat(501 - prefix.length()));
		assertThat(refresher.refreshNow()).failsWithin(Duration.ofSeconds(10));
		assertThat(refresher.status().lastRefreshError()).isEqualTo(prefix + "e".repeat(500 - prefix.length()) + "...");
	}

	/**
	 * close() waits for a refresh that is still running, and that refresh calls the AWS
	 * credentials source no more.
	 */
	@Test
	@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void closeWaitsForTheRefreshThreadAndNoCallFollows() throws Exception {
		// The refresh thread takes 100 ms to react to its interrupt: well within the
		// second close() waits.
		HoldingClock clock = new HoldingClock(Instant.parse("2024-05-17T10:00:00Z"), Duration.ofMillis(100));
		IamTokenRefresher refresher = start(clock);
		assertThat(clock.held.await(20, TimeUnit.SECONDS)).isTrue();
		int calls = this.credentials.calls.get();
		refresher.close();
		assertThat(clock.released).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> !clock.holder.isAlive());
		assertThat(this.credentials.calls.get()).isEqualTo(calls);
		assertThat(refresher.status().refreshSuccessCount()).isZero();
	}

	/**
	 * close() also waits for a call to the AWS credentials source that it interrupted.
	 */
	@Test
	@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void closeWaitsForTheInterruptedCallToTheCredentialsSource() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		AtomicBoolean returned = new AtomicBoolean();
		AwsCredentialsProvider blocking = () -> {
			entered.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				// 100 ms to return after the interrupt: well within the second close()
				// waits.
				long end = System.nanoTime() + Duration.ofMillis(100).toNanos();
				while (end - System.nanoTime() > 0) {
					LockSupport.parkNanos(end - System.nanoTime());
				}
			}
			returned.set(true);
			throw new IllegalStateException("interrupted");
		};
		IamTokenRefresher refresher = start(blocking, Duration.ofMinutes(5),
				new MutableClock(Instant.parse("2024-05-17T10:00:00Z")), Duration.ofMinutes(5), DEFAULT_BACKOFF,
				new IamTokenListener() {
				});
		assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
		refresher.close();
		assertThat(returned).isTrue();
	}

	@Test
	@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void closeOnAnInterruptedThreadReturnsWithTheInterruptKept() throws Exception {
		// The refresh thread is still busy when close() starts to wait for it.
		HoldingClock clock = new HoldingClock(Instant.parse("2024-05-17T10:00:00Z"), Duration.ofSeconds(5));
		IamTokenRefresher refresher = start(clock);
		assertThat(clock.held.await(20, TimeUnit.SECONDS)).isTrue();
		Thread.currentThread().interrupt();
		try {
			refresher.close();
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> !clock.holder.isAlive());
	}

	/**
	 * A clock that holds the first read on the refresh thread until that thread is
	 * interrupted, and then keeps it a while longer before it goes on.
	 */
	static final class HoldingClock extends MutableClock {

		final CountDownLatch held = new CountDownLatch(1);

		final AtomicBoolean released = new AtomicBoolean();

		private final Duration afterInterrupt;

		private final AtomicBoolean holding = new AtomicBoolean(true);

		volatile Thread holder = new Thread(() -> {
		});

		HoldingClock(Instant instant, Duration afterInterrupt) {
			super(instant);
			this.afterInterrupt = afterInterrupt;
		}

		@Override
		public Instant instant() {
			if (Thread.currentThread().getName().startsWith(RefreshScheduler.THREAD_NAME_PREFIX)
					&& this.holding.compareAndSet(true, false)) {
				this.holder = Thread.currentThread();
				this.held.countDown();
				try {
					// A safety net only: close() interrupts the wait.
					new CountDownLatch(1).await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					long end = System.nanoTime() + this.afterInterrupt.toNanos();
					while (end - System.nanoTime() > 0) {
						LockSupport.parkNanos(end - System.nanoTime());
					}
				}
				this.released.set(true);
			}
			return super.instant();
		}

	}

	private IamTokenRefresher start(Clock clock) {
		return start(this.credentials, TIMEOUT, clock, Duration.ofMinutes(5), DEFAULT_BACKOFF, new IamTokenListener() {
		});
	}

	/**
	 * Start a refresher as the provider's builder does.
	 */
	private IamTokenRefresher start(AwsCredentialsProvider source, Duration credentialsTimeout, Clock clock,
			Duration refreshInterval, BackoffStrategy backoff, IamTokenListener listener) {
		IamTokenRefresher refresher = new IamTokenRefresher(TestCredentials.generator(clock), source,
				credentialsTimeout, clock, refreshInterval, backoff, listener, (token) -> {
				});
		this.refresher = refresher;
		refresher.refresh();
		return refresher;
	}

	/**
	 * The usable token, waiting for the refresh in flight if there is none, as the
	 * provider hands it out.
	 */
	private static IamAuthToken token(IamTokenRefresher refresher) throws Exception {
		IamAuthToken token = refresher.usableToken();
		return (token != null) ? token : refresher.refresh().get(10, TimeUnit.SECONDS);
	}

}
