package io.github.elasticachesecure.iam;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.ResolveIdentityRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TimeLimitedCredentialsResolver}. Credentials are compared, never
 * printed.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimeLimitedCredentialsResolverTests {

	private final TestCredentials credentials = new TestCredentials();

	private final RefreshScheduler scheduler = new RefreshScheduler(Clock.systemUTC());

	private TimeLimitedCredentialsResolver resolver = resolver(this.credentials);

	@AfterEach
	void shutDown() {
		this.resolver.shutdownNow();
		this.scheduler.shutdownNow();
	}

	@Test
	void answerOfTheSourceIsReturned() throws Exception {
		assertThat(this.resolver.resolve().accessKeyId()).startsWith("AKIAEXAMPLE");
		assertThat(this.credentials.lastThread.get()).isNotSameAs(Thread.currentThread());
	}

	@Test
	void failureOfTheSourceIsRethrownUnwrapped() {
		this.credentials.failing.set(true);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(this.resolver::resolve)
			.withMessage(TestCredentials.OUTAGE);
		use(new AwsCredentialsProvider() {

			@Override
			public AwsCredentials resolveCredentials() {
				throw new UnsupportedOperationException();
			}

			@Override
			public CompletableFuture<AwsCredentialsIdentity> resolveIdentity(ResolveIdentityRequest request) {
				return CompletableFuture.failedFuture(new IllegalStateException("async outage"));
			}

		});
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(this.resolver::resolve)
			.withMessage("async outage");
	}

	@Test
	void hungCallIsInterruptedAndAbandonedAtTheTimeout() {
		AtomicBoolean interrupted = new AtomicBoolean();
		// As SDK providers do: the call blocks inside resolveIdentity(), which returns a
		// completed future.
		use(() -> {
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				interrupted.set(true);
			}
			throw new IllegalStateException("interrupted");
		});
		assertThatExceptionOfType(TimeoutException.class).isThrownBy(this.resolver::resolve)
			.withMessage("The AWS credentials source did not answer within 200 ms");
		await().atMost(Duration.ofSeconds(10)).untilTrue(interrupted);
	}

	@Test
	void callsStuckInNonInterruptibleIoDoNotBlockLaterCallsNorPileUp() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger calls = new AtomicInteger();
		Set<Thread> stuck = ConcurrentHashMap.newKeySet();
		// The first two calls ignore interrupts until released, as a read on a socket
		// does.
		use(() -> {
			if (calls.incrementAndGet() <= 2) {
				stuck.add(Thread.currentThread());
				awaitUninterruptibly(release);
			}
			return this.credentials.resolveCredentials();
		});
		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(TimeoutException.class).isThrownBy(this.resolver::resolve)
				.withMessage("The AWS credentials source did not answer within 200 ms");
		}
		// Both stuck calls hold their threads: the next call is refused at once, without
		// calling the source.
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(TimeoutException.class).isThrownBy(this.resolver::resolve)
				.withMessageContaining("did not answer within 200 ms")
				.withMessageContaining("2 calls to it are still blocked");
		}
		assertThat(calls).hasValue(2);
		assertThat(stuck).hasSize(2).allSatisfy((thread) -> {
			assertThat(thread.isDaemon()).isTrue();
			assertThat(thread.getName()).startsWith(RefreshScheduler.THREAD_NAME_PREFIX)
				.endsWith(RefreshScheduler.CREDENTIALS_THREAD_NAME_SUFFIX);
		});
		release.countDown();
		for (Thread thread : stuck) {
			thread.join(10_000);
			assertThat(thread.isAlive()).isFalse();
		}
		AwsCredentialsIdentity answer = await().atMost(Duration.ofSeconds(10))
			.ignoreException(TimeoutException.class)
			.until(this.resolver::resolve, (identity) -> identity != null);
		assertThat(answer.accessKeyId()).startsWith("AKIAEXAMPLE");
		assertThat(calls).hasValue(3);
	}

	@Test
	void interruptedCallerGetsTheInterruptBackAndTheCallIsCancelled() {
		CountDownLatch entered = new CountDownLatch(1);
		AtomicBoolean interrupted = new AtomicBoolean();
		// A call that cannot answer before the caller is interrupted.
		use(() -> {
			entered.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				interrupted.set(true);
			}
			throw new IllegalStateException("interrupted");
		});
		Thread.currentThread().interrupt();
		try {
			assertThatExceptionOfType(InterruptedException.class).isThrownBy(this.resolver::resolve);
			// The caller's interrupt is kept for its own code to see.
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		// A call that had started is interrupted too (one that had not is never started).
		if (entered.getCount() == 0) {
			await().atMost(Duration.ofSeconds(10)).untilTrue(interrupted);
		}
	}

	@Test
	void timeoutOfWholeSecondsIsReportedInSeconds() {
		use(() -> {
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				// Abandoned at the timeout.
			}
			throw new IllegalStateException("interrupted");
		}, Duration.ofSeconds(1));
		assertThatExceptionOfType(TimeoutException.class).isThrownBy(this.resolver::resolve)
			.withMessage("The AWS credentials source did not answer within 1 s");
	}

	private void use(AwsCredentialsProvider source) {
		use(source, Duration.ofMillis(200));
	}

	private void use(AwsCredentialsProvider source, Duration timeout) {
		this.resolver.shutdownNow();
		this.resolver = new TimeLimitedCredentialsResolver(source, timeout, this.scheduler.credentialsThreads());
	}

	private TimeLimitedCredentialsResolver resolver(AwsCredentialsProvider source) {
		return new TimeLimitedCredentialsResolver(source, Duration.ofMillis(200), this.scheduler.credentialsThreads());
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

}
