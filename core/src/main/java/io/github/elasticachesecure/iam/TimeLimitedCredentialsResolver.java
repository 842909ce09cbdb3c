package io.github.elasticachesecure.iam;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Calls an AWS credentials source on threads of its own and waits for each call at most a
 * timeout.
 * <p>
 * Most AWS SDK credentials providers resolve synchronously inside
 * {@code resolveIdentity()} (a call to the instance metadata service, STS or a process),
 * so a timeout on the returned future would never fire: only a wait on another thread
 * bounds them. A call that takes longer than the timeout is interrupted and abandoned. A
 * call stuck in non-interruptible I/O keeps its thread until it returns (its result is
 * discarded); at most {@value #MAX_CALLS} calls run at once, so that stuck calls cannot
 * pile up: beyond that, calls fail at once until a stuck call returns.
 */
final class TimeLimitedCredentialsResolver {

	/**
	 * The default longest wait for one call: well above the SDK's own instance-metadata
	 * and container-endpoint timeouts (1 to 2 s per try, with retries) and an STS round
	 * trip, and short enough for several retries within a token's usable period and a
	 * prompt report at startup.
	 */
	static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * The most calls that may run at once: the current one and one abandoned after its
	 * timeout that has not returned yet.
	 */
	static final int MAX_CALLS = 2;

	private final AwsCredentialsProvider source;

	private final Duration timeout;

	private final ExecutorService callers;

	/**
	 * Create a resolver.
	 * @param source the AWS credentials source
	 * @param timeout the longest wait for one call
	 * @param threads makes the daemon threads that call the source
	 */
	TimeLimitedCredentialsResolver(AwsCredentialsProvider source, Duration timeout, ThreadFactory threads) {
		this.source = source;
		this.timeout = timeout;
		// No queue and no idle threads: every call gets a fresh thread, and a call beyond
		// the cap is rejected.
		// (The SDK's ThreadFactoryBuilder and CompletableFutureUtils are
		// @SdkProtectedApi, and neither interrupts.)
		this.callers = new ThreadPoolExecutor(0, MAX_CALLS, 0, TimeUnit.SECONDS, new SynchronousQueue<>(), threads);
	}

	/**
	 * Call the source and wait for its answer at most the timeout.
	 * @return the credentials
	 * @throws TimeoutException if the source did not answer in time, or too many earlier
	 * calls are still blocked
	 * @throws InterruptedException if the waiting thread was interrupted (the call is
	 * interrupted too)
	 * @throws Exception what the source threw
	 */
	AwsCredentialsIdentity resolve() throws Exception {
		Future<AwsCredentialsIdentity> call;
		try {
			call = this.callers.submit(this::callSource);
		}
		catch (RejectedExecutionException ex) {
			throw new TimeoutException(
					"The AWS credentials source did not answer within " + format(this.timeout) + " and " + MAX_CALLS
							+ " calls to it are still blocked;" + " it is called again once one of them returns");
		}
		try {
			return Objects.requireNonNull(call.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS),
					"AWS credentials provider returned null");
		}
		catch (ExecutionException ex) {
			throw failureOf(ex);
		}
		catch (TimeoutException ex) {
			call.cancel(true);
			throw new TimeoutException("The AWS credentials source did not answer within " + format(this.timeout));
		}
		catch (InterruptedException ex) {
			call.cancel(true);
			Thread.currentThread().interrupt();
			throw ex;
		}
	}

	private AwsCredentialsIdentity callSource() throws Exception {
		CompletableFuture<? extends AwsCredentialsIdentity> identity = this.source.resolveIdentity();
		try {
			// Completed already for synchronous providers; truly asynchronous ones are
			// awaited interruptibly.
			return identity.get();
		}
		catch (ExecutionException ex) {
			throw failureOf(ex);
		}
		catch (InterruptedException ex) {
			identity.cancel(true);
			throw ex;
		}
	}

	/**
	 * The exception a call threw, which a future wraps exactly once. Not
	 * {@code NestedExceptionUtils}: its most specific cause is the root cause, which
	 * would replace the SDK's own message (e.g. "Unable to execute HTTP request") by a
	 * bare socket error.
	 */
	private static Exception failureOf(ExecutionException ex) {
		return (ex.getCause() instanceof Exception cause) ? cause : ex;
	}

	/**
	 * Interrupt the calls in progress and refuse new ones.
	 */
	void shutdownNow() {
		this.callers.shutdownNow();
	}

	/**
	 * Wait until every call thread has ended, at most the given time.
	 * @param timeout the longest wait
	 * @throws InterruptedException if interrupted while waiting
	 */
	void awaitTermination(Duration timeout) throws InterruptedException {
		this.callers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	private static String format(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
	}

}
