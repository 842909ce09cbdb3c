package io.github.elasticachesecure.secret;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * Reads a provider's credentials on a named daemon thread of its own: at start, every
 * refresh interval, and on demand. One read runs at a time and every caller meanwhile
 * shares it. A failed read keeps the last good credentials and is retried with backoff,
 * never later than a refresh interval. Outcomes are kept for {@link SecretStatus}
 * snapshots; written by the refresh thread only, read by any thread.
 */
final class CredentialsRefresher {

	static final String THREAD_NAME_PREFIX = "elasticache-secret-refresh-";

	private static final int MAX_ERROR_LENGTH = 300;

	// The public provider's name, which users know to configure.
	private static final Log logger = LogFactory.getLog(RotatingCredentialsProvider.class);

	private static final AtomicInteger threadCount = new AtomicInteger();

	private final CredentialsSource source;

	private final String name;

	private final Duration refreshInterval;

	private final BackoffStrategy retryBackoff;

	private final Clock clock;

	private final Consumer<SecretCredentials> newCredentials;

	private final ScheduledThreadPoolExecutor executor;

	private final AtomicReference<@Nullable CompletableFuture<SecretCredentials>> inFlight = new AtomicReference<>();

	private volatile @Nullable SecretCredentials current;

	private volatile @Nullable String version;

	private volatile @Nullable ScheduledFuture<?> next;

	private volatile @Nullable Instant nextRefreshAt;

	private volatile @Nullable Instant lastRefresh;

	private volatile @Nullable Instant lastSuccess;

	private volatile @Nullable String lastOutcome;

	private volatile @Nullable String lastError;

	private volatile long successCount;

	private volatile long failureCount;

	private volatile int consecutiveFailures;

	private volatile boolean closed;

	/**
	 * Create a refresher and its thread; the first read starts with the first call to
	 * {@link #refresh()}.
	 * @param source where the credentials are read
	 * @param name what is read, for logs and the status
	 * @param refreshInterval the time between two reads
	 * @param retryBackoff the delays after failed reads
	 * @param clock the clock of the status times
	 * @param newCredentials given credentials whose value changed, on the refresh thread,
	 * before callers waiting for them continue
	 */
	CredentialsRefresher(CredentialsSource source, String name, Duration refreshInterval, BackoffStrategy retryBackoff,
			Clock clock, Consumer<SecretCredentials> newCredentials) {
		this.source = source;
		this.name = name;
		this.refreshInterval = refreshInterval;
		this.retryBackoff = retryBackoff;
		this.clock = clock;
		this.newCredentials = newCredentials;
		String threadName = THREAD_NAME_PREFIX + threadCount.incrementAndGet();
		this.executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, threadName);
			thread.setDaemon(true);
			return thread;
		});
		// Rescheduling cancels the previous run: drop it rather than keep it queued.
		this.executor.setRemoveOnCancelPolicy(true);
	}

	/**
	 * Return the last good credentials if they may be handed out.
	 * @return the credentials, or {@code null} before the first good read or after
	 * {@link #close()}
	 */
	@Nullable SecretCredentials current() {
		return this.closed ? null : this.current;
	}

	/**
	 * Return the last good credentials, after {@link #close()} too.
	 * @return the credentials, or {@code null}
	 */
	@Nullable SecretCredentials latest() {
		return this.current;
	}

	/**
	 * Return a snapshot of the reads, free of secrets.
	 * @return the status
	 */
	SecretStatus status() {
		SecretCredentials current = this.current;
		return new SecretStatus(this.name, this.version, (current != null) ? current.username() : null,
				this.lastRefresh, this.lastOutcome, this.lastError, this.lastSuccess, this.nextRefreshAt,
				this.successCount, this.failureCount, this.consecutiveFailures);
	}

	/**
	 * Stop reading, fail a read in flight, wait briefly for the thread to end and close
	 * the source if it is {@link AutoCloseable}.
	 */
	void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.nextRefreshAt = null;
		this.executor.shutdownNow();
		CompletableFuture<SecretCredentials> pending = this.inFlight.getAndSet(null);
		if (pending != null) {
			pending.completeExceptionally(closedException());
		}
		try {
			this.executor.awaitTermination(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.source instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.debug("Closing the credentials source of " + this.name + " failed", ex);
			}
		}
	}

	/**
	 * Start a read unless one is in flight, and return the future of the one that runs.
	 * @return a future completing with the credentials read, or exceptionally with the
	 * failure
	 */
	CompletableFuture<SecretCredentials> refresh() {
		if (this.closed) {
			return CompletableFuture.failedFuture(closedException());
		}
		while (true) {
			CompletableFuture<SecretCredentials> running = this.inFlight.get();
			if (running != null) {
				return running;
			}
			CompletableFuture<SecretCredentials> read = new CompletableFuture<>();
			if (this.inFlight.compareAndSet(null, read)) {
				try {
					this.executor.execute(() -> read(read));
				}
				catch (RejectedExecutionException ex) {
					this.inFlight.compareAndSet(read, null);
					read.completeExceptionally(closedException());
				}
				return read;
			}
		}
	}

	private void read(CompletableFuture<SecretCredentials> future) {
		Instant startedAt = this.clock.instant();
		this.lastRefresh = startedAt;
		SecretCredentials credentials;
		try {
			credentials = Objects.requireNonNull(this.source.read(), "The credentials source returned null");
		}
		catch (Exception ex) {
			onFailure(future, ex);
			return;
		}
		onSuccess(future, startedAt, credentials);
	}

	private void onSuccess(CompletableFuture<SecretCredentials> future, Instant startedAt,
			SecretCredentials credentials) {
		if (this.closed) {
			return;
		}
		SecretCredentials previous = this.current;
		boolean changed = previous == null || !previous.sameValue(credentials);
		String previousVersion = this.version;
		if (changed) {
			this.current = credentials;
		}
		this.version = credentials.version();
		this.lastSuccess = startedAt;
		this.lastOutcome = SecretStatus.OK;
		this.lastError = null;
		this.consecutiveFailures = 0;
		this.successCount++;
		scheduleIn(this.refreshInterval);
		this.inFlight.compareAndSet(future, null);
		if (changed) {
			this.newCredentials.accept(credentials);
			logger.info("Read " + this.name + ", version " + credentials.version()
					+ ((previous != null) ? ": new credentials, re-authenticating live connections" : ""));
		}
		else if (!credentials.version().equals(previousVersion) && logger.isDebugEnabled()) {
			logger.debug("Read " + this.name + ", version " + credentials.version() + ": same credentials");
		}
		// Last: callers waiting for the read continue on this thread.
		future.complete(credentials);
	}

	private void onFailure(CompletableFuture<SecretCredentials> future, Exception ex) {
		if (this.closed) {
			return;
		}
		String code = (ex instanceof SecretReadException read) ? read.getErrorCode() : ex.getClass().getSimpleName();
		String message = String.valueOf(ex.getMessage());
		this.lastOutcome = code;
		this.lastError = (message.length() > MAX_ERROR_LENGTH) ? message.substring(0, MAX_ERROR_LENGTH) + "..."
				: message;
		this.failureCount++;
		int failures = ++this.consecutiveFailures;
		// The SDK counts the first try as attempt 1 (no delay): the n-th failure waits as
		// its attempt n + 1. Never rarer than the refresh interval.
		Duration backoff = this.retryBackoff.computeDelay(failures + 1);
		Duration delay = (backoff.compareTo(this.refreshInterval) < 0) ? backoff : this.refreshInterval;
		scheduleIn(delay);
		this.inFlight.compareAndSet(future, null);
		future.completeExceptionally(ex);
		// Only the message: the source's exceptions carry no secret, stack traces are
		// left to the caller's error path.
		logger.warn("Reading "
				+ this.name + " failed (" + failures + " in a row; " + ((this.current != null)
						? "the credentials of version " + this.version + " stay in use" : "no credentials yet")
				+ ", retrying in " + delay.toMillis() + " ms): " + this.lastError);
	}

	private void scheduleIn(Duration delay) {
		ScheduledFuture<?> previous = this.next;
		if (previous != null) {
			previous.cancel(false);
		}
		try {
			this.next = this.executor.schedule(this::refresh, delay.toMillis(), TimeUnit.MILLISECONDS);
			this.nextRefreshAt = this.clock.instant().plus(delay);
		}
		catch (RejectedExecutionException ex) {
			this.nextRefreshAt = null;
		}
	}

	private IllegalStateException closedException() {
		return new IllegalStateException("The credentials provider of " + this.name + " is closed");
	}

}
