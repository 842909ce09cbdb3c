package io.github.elasticachesecure.iam;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The refresh thread of one token refresher: a named daemon thread that runs a task now
 * or after a delay, with at most one delayed run pending. It also names the threads that
 * call the AWS credentials source after itself, so that every thread of a provider starts
 * with the refresh thread's name.
 */
final class RefreshScheduler {

	static final String THREAD_NAME_PREFIX = "elasticache-iam-token-refresh-";

	static final String CREDENTIALS_THREAD_NAME_SUFFIX = "-credentials";

	private static final AtomicInteger threadCount = new AtomicInteger();

	private final String threadName = THREAD_NAME_PREFIX + threadCount.incrementAndGet();

	private final Clock clock;

	private final ScheduledThreadPoolExecutor executor;

	private volatile @Nullable ScheduledFuture<?> next;

	private volatile @Nullable Instant nextRunAt;

	/**
	 * Create a scheduler and its thread.
	 * @param clock the clock that {@link #nextRunAt()} is read from
	 */
	RefreshScheduler(Clock clock) {
		this.clock = clock;
		this.executor = new ScheduledThreadPoolExecutor(1, daemonThreads(this.threadName));
		// Rescheduling cancels the previous run: drop it rather than keep it queued for
		// minutes.
		this.executor.setRemoveOnCancelPolicy(true);
	}

	/**
	 * Return a factory of daemon threads for the calls to the AWS credentials source,
	 * named after the refresh thread.
	 * @return the thread factory
	 */
	ThreadFactory credentialsThreads() {
		return daemonThreads(this.threadName + CREDENTIALS_THREAD_NAME_SUFFIX);
	}

	private static ThreadFactory daemonThreads(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Run the task on the refresh thread as soon as it is free.
	 * @param task the task
	 * @throws RejectedExecutionException after {@link #shutdownNow()}
	 */
	void execute(Runnable task) {
		this.executor.execute(task);
	}

	/**
	 * Run the task after the delay, instead of the run scheduled before. Does nothing
	 * after {@link #shutdownNow()}.
	 * @param delay the delay, run at once if negative
	 * @param task the task
	 */
	void runIn(Duration delay, Runnable task) {
		ScheduledFuture<?> previous = this.next;
		if (previous != null) {
			previous.cancel(false);
		}
		Duration wait = delay.isNegative() ? Duration.ZERO : delay;
		try {
			this.next = this.executor.schedule(task, wait.toMillis(), TimeUnit.MILLISECONDS);
			this.nextRunAt = this.clock.instant().plus(wait);
		}
		catch (RejectedExecutionException ex) {
			this.nextRunAt = null;
		}
	}

	/**
	 * Return when the scheduled run is due.
	 * @return the time, or {@code null} if none is scheduled
	 */
	@Nullable Instant nextRunAt() {
		return this.nextRunAt;
	}

	/**
	 * Interrupt the running task, drop the scheduled one and refuse new ones.
	 */
	void shutdownNow() {
		this.nextRunAt = null;
		this.executor.shutdownNow();
	}

	/**
	 * Wait until the thread has ended, at most the given time.
	 * @param timeout the longest wait
	 * @throws InterruptedException if interrupted while waiting
	 */
	void awaitTermination(Duration timeout) throws InterruptedException {
		this.executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

}
