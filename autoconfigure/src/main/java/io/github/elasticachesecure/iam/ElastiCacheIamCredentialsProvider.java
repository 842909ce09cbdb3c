package io.github.elasticachesecure.iam;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * A streaming Lettuce {@link RedisCredentialsProvider} that hands out ElastiCache IAM tokens and keeps them fresh.
 * <p>
 * A single daemon thread signs a new token every {@link Builder#refreshInterval(Duration) refresh interval}, or earlier
 * when the token's {@link IamAuthToken#usableUntil() usable period} (bounded by the expiry of the AWS credentials) ends
 * sooner. {@link #resolveCredentials()} returns the cached token without signing or calling AWS; only when no usable
 * token exists does it wait for the (single, shared) refresh in flight. Failed refreshes are retried with jittered
 * exponential backoff while the last good token keeps serving until its usable period ends. Every new token is emitted
 * on {@link #credentials()}, so that Lettuce re-authenticates live connections with
 * {@code ReauthenticateBehavior.ON_NEW_CREDENTIALS} well before ElastiCache drops them after 12 hours.
 * <p>
 * Most AWS SDK credentials providers resolve synchronously inside {@code resolveIdentity()} (a call to the instance
 * metadata service, STS or a process), so a timeout on the returned future would never fire. Each call therefore runs on
 * a daemon thread of its own, and the refresh thread waits for it at most the
 * {@link Builder#credentialsTimeout(Duration) credentials timeout}: then the call is interrupted and abandoned, the
 * attempt counts as failed and is retried with backoff. A call stuck in non-interruptible I/O keeps its thread until it
 * returns (its result is discarded); at most {@value #MAX_CREDENTIALS_CALLS} calls run at once, so that stuck calls
 * cannot pile up: beyond that, attempts fail at once until a stuck call returns.
 * <p>
 * Lettuce's {@code TokenBasedRedisCredentialsProvider} with redis-authx-core's {@code TokenManager} is not used: its
 * retries use a fixed delay without jitter, its retry count is never reset and renewal stops for good once it is
 * exhausted, it offers no forced refresh, it replays a token after the token expired, and it reads
 * {@code System.currentTimeMillis()} on non-daemon, unnamed threads.
 */
public final class ElastiCacheIamCredentialsProvider implements RedisCredentialsProvider, AutoCloseable {

	/**
	 * The default refresh interval.
	 */
	public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(5);

	/**
	 * The longest refresh interval accepted: a token is valid 15 minutes, less a margin.
	 */
	public static final Duration MAX_REFRESH_INTERVAL = Duration.ofMinutes(14);

	/**
	 * The default first retry delay after a failed refresh.
	 */
	public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);

	/**
	 * The default longest retry delay after failed refreshes.
	 */
	public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

	/**
	 * Prefix of the refresh thread's name.
	 */
	public static final String THREAD_NAME_PREFIX = "elasticache-iam-token-refresh-";

	/**
	 * The default longest wait for one call to the AWS credentials source: well above the SDK's own instance-metadata
	 * and container-endpoint timeouts (1 to 2 s per try, with retries) and an STS round trip, and short enough for
	 * several retries within a token's usable period and a prompt report at startup.
	 */
	public static final Duration DEFAULT_CREDENTIALS_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * The most calls to the AWS credentials source that may run at once: the current one and one abandoned after its
	 * timeout that has not returned yet.
	 */
	public static final int MAX_CREDENTIALS_CALLS = 2;

	/**
	 * Suffix of the names of the threads that call the AWS credentials source, after the refresh thread's name.
	 */
	public static final String CREDENTIALS_THREAD_NAME_SUFFIX = "-credentials";

	private static final int MAX_ERROR_MESSAGE_LENGTH = 500;

	private static final AtomicInteger threadCount = new AtomicInteger();

	private static final Log logger = LogFactory.getLog(ElastiCacheIamCredentialsProvider.class);

	private final ElastiCacheIamTokenGenerator generator;

	private final AwsCredentialsProvider credentialsProvider;

	private final Clock clock;

	private final Duration refreshInterval;

	private final Duration initialBackoff;

	private final Duration maxBackoff;

	private final Duration credentialsTimeout;

	private final IamTokenListener listener;

	private final ScheduledExecutorService executor;

	private final ExecutorService credentialsExecutor;

	private final Sinks.Many<IamAuthToken> tokens = Sinks.many().replay().latest();

	private final AtomicReference<@Nullable CompletableFuture<IamAuthToken>> inFlight = new AtomicReference<>();

	private final AtomicLong successCount = new AtomicLong();

	private final AtomicLong failureCount = new AtomicLong();

	private volatile @Nullable IamAuthToken current;

	private volatile @Nullable ScheduledFuture<?> nextRefresh;

	private volatile @Nullable Instant nextRefreshAt;

	private volatile @Nullable Instant lastSuccess;

	private volatile @Nullable Instant lastFailure;

	private volatile @Nullable String lastError;

	private volatile int consecutiveFailures;

	private volatile boolean closed;

	private ElastiCacheIamCredentialsProvider(Builder builder) {
		this.generator = builder.generator;
		this.credentialsProvider = builder.credentialsProvider;
		this.clock = builder.clock;
		this.refreshInterval = builder.refreshInterval;
		this.initialBackoff = builder.initialBackoff;
		this.maxBackoff = builder.maxBackoff;
		this.credentialsTimeout = builder.credentialsTimeout;
		this.listener = builder.listener;
		String threadName = THREAD_NAME_PREFIX + threadCount.incrementAndGet();
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, daemonThreads(threadName));
		// Rescheduling cancels the previous task: drop it rather than keep it queued for minutes.
		executor.setRemoveOnCancelPolicy(true);
		this.executor = executor;
		// No queue and no idle threads: every call gets a fresh thread, and a call beyond the cap is rejected.
		// (The SDK's ThreadFactoryBuilder and CompletableFutureUtils are @SdkProtectedApi, and neither interrupts.)
		this.credentialsExecutor = new ThreadPoolExecutor(0, MAX_CREDENTIALS_CALLS, 0, TimeUnit.SECONDS,
				new SynchronousQueue<>(), daemonThreads(threadName + CREDENTIALS_THREAD_NAME_SUFFIX));
	}

	private static ThreadFactory daemonThreads(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Create a builder.
	 * @param generator the token generator
	 * @param credentialsProvider the source of AWS credentials, called on the refresh thread only
	 * @return a new builder
	 */
	public static Builder builder(ElastiCacheIamTokenGenerator generator, AwsCredentialsProvider credentialsProvider) {
		return new Builder(generator, credentialsProvider);
	}

	private void start() {
		refresh();
	}

	@Override
	public Mono<RedisCredentials> resolveCredentials() {
		return Mono.defer(() -> {
			IamAuthToken token = usableToken();
			if (token != null) {
				return Mono.just(toCredentials(token));
			}
			if (this.closed) {
				return Mono.error(closedException());
			}
			// suppressCancel: a caller giving up must not cancel the refresh the others wait for.
			return Mono.fromFuture(refresh(), true).map(this::toCredentials);
		});
	}

	@Override
	public boolean supportsStreaming() {
		return true;
	}

	/**
	 * Return the stream of new credentials: every token signed after subscription. The token that is current at
	 * subscription is not replayed: Lettuce subscribes right after a connection authenticated with
	 * {@link #resolveCredentials()}, and a replay would make every new connection send the same AUTH twice.
	 * @return the credentials stream, completed on {@link #close()}
	 */
	@Override
	public Flux<RedisCredentials> credentials() {
		return Flux.defer(() -> {
			IamAuthToken atSubscription = this.current;
			return this.tokens.asFlux().filter((token) -> token != atSubscription);
		}).filter(this::isServable).map(this::toCredentials).onBackpressureLatest();
	}

	/**
	 * Drop the current token and sign a new one, e.g. after the server rejected a token ({@code WRONGPASS}). Connections
	 * opened meanwhile wait for the new token; a refresh already in flight is joined.
	 * @return a future completing with the new token, or exceptionally with {@link IamTokenUnavailableException}
	 */
	public CompletableFuture<IamAuthToken> refreshNow() {
		this.current = null;
		if (this.closed) {
			return CompletableFuture.failedFuture(closedException());
		}
		return refresh().copy();
	}

	/**
	 * Return a snapshot of the token lifecycle, free of secrets.
	 * @return the status
	 */
	public IamTokenStatus status() {
		IamAuthToken token = this.current;
		return new IamTokenStatus((token != null) ? token.issuedAt() : null,
				(token != null) ? token.usableUntil() : null, token != null && token.isUsableAt(this.clock.instant()),
				this.nextRefreshAt, this.lastSuccess, this.lastFailure, this.lastError, this.successCount.get(),
				this.failureCount.get(), this.consecutiveFailures);
	}

	/**
	 * Stop refreshing, interrupt a call to the AWS credentials source in progress, and release the threads. Afterwards
	 * no credentials are handed out. A call stuck in non-interruptible I/O keeps its daemon thread until it returns;
	 * its result is discarded.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.current = null;
		this.nextRefreshAt = null;
		this.executor.shutdownNow();
		this.credentialsExecutor.shutdownNow();
		CompletableFuture<IamAuthToken> pending = this.inFlight.getAndSet(null);
		if (pending != null) {
			pending.completeExceptionally(closedException());
		}
		this.tokens.emitComplete(Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
		try {
			this.executor.awaitTermination(1, TimeUnit.SECONDS);
			this.credentialsExecutor.awaitTermination(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private @Nullable IamAuthToken usableToken() {
		IamAuthToken token = this.current;
		// closed is checked too: a refresh finishing during close() may still have set current.
		return (token != null && !this.closed && token.isUsableAt(this.clock.instant())) ? token : null;
	}

	private boolean isServable(IamAuthToken token) {
		return token == usableToken();
	}

	private RedisCredentials toCredentials(IamAuthToken token) {
		return RedisCredentials.just(this.generator.userId(), token.value());
	}

	/**
	 * Start a refresh unless one is in flight, and return the future of the one that runs.
	 */
	private CompletableFuture<IamAuthToken> refresh() {
		while (true) {
			CompletableFuture<IamAuthToken> running = this.inFlight.get();
			if (running != null) {
				return running;
			}
			CompletableFuture<IamAuthToken> future = new CompletableFuture<>();
			if (this.inFlight.compareAndSet(null, future)) {
				try {
					this.executor.execute(() -> doRefresh(future));
				}
				catch (RejectedExecutionException ex) {
					this.inFlight.compareAndSet(future, null);
					future.completeExceptionally(closedException());
				}
				return future;
			}
		}
	}

	private void doRefresh(CompletableFuture<IamAuthToken> future) {
		if (future.isDone()) {
			return;
		}
		Instant startedAt = this.clock.instant();
		IamAuthToken token;
		try {
			token = this.generator.generate(resolveAwsCredentials());
			if (!token.isUsableAt(this.clock.instant())) {
				throw new IllegalStateException("The AWS credentials expire within "
						+ ElastiCacheIamTokenGenerator.CREDENTIALS_EXPIRY_MARGIN.toSeconds()
						+ " s; the credentials provider returned credentials that are about to expire");
			}
		}
		catch (Exception ex) {
			onFailure(future, startedAt, ex);
			return;
		}
		onSuccess(future, startedAt, token);
	}

	/**
	 * Call the credentials source on a thread of its own and wait at most the credentials timeout: SDK providers block
	 * inside {@code resolveIdentity()}, so only a wait on another thread bounds them.
	 */
	private AwsCredentialsIdentity resolveAwsCredentials() throws Exception {
		Future<AwsCredentialsIdentity> call;
		try {
			call = this.credentialsExecutor.submit(this::callCredentialsSource);
		}
		catch (RejectedExecutionException ex) {
			throw new TimeoutException("The AWS credentials source did not answer within "
					+ format(this.credentialsTimeout) + " and " + MAX_CREDENTIALS_CALLS
					+ " calls to it are still blocked; it is called again once one of them returns");
		}
		try {
			return Objects.requireNonNull(call.get(this.credentialsTimeout.toNanos(), TimeUnit.NANOSECONDS),
					"AWS credentials provider returned null");
		}
		catch (ExecutionException ex) {
			throw unwrap(ex);
		}
		catch (TimeoutException ex) {
			call.cancel(true);
			throw new TimeoutException(
					"The AWS credentials source did not answer within " + format(this.credentialsTimeout));
		}
		catch (InterruptedException ex) {
			call.cancel(true);
			Thread.currentThread().interrupt();
			throw ex;
		}
	}

	private AwsCredentialsIdentity callCredentialsSource() throws Exception {
		CompletableFuture<? extends AwsCredentialsIdentity> identity = this.credentialsProvider.resolveIdentity();
		try {
			// Completed already for synchronous providers; truly asynchronous ones are awaited interruptibly.
			return identity.get();
		}
		catch (InterruptedException ex) {
			identity.cancel(true);
			throw ex;
		}
	}

	private static Exception unwrap(Exception ex) {
		Throwable cause = ex;
		while ((cause instanceof ExecutionException || cause instanceof CompletionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return (cause instanceof Exception exception) ? exception : ex;
	}

	private static String format(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
	}

	private void onSuccess(CompletableFuture<IamAuthToken> future, Instant startedAt, IamAuthToken token) {
		if (this.closed) {
			return;
		}
		this.current = token;
		this.lastSuccess = startedAt;
		this.consecutiveFailures = 0;
		this.successCount.incrementAndGet();
		scheduleNext(Duration.between(this.clock.instant(), refreshTime(startedAt, token)));
		this.inFlight.compareAndSet(future, null);
		this.tokens.emitNext(token, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
		// Last: waiting callers continue on this thread.
		future.complete(token);
		if (logger.isDebugEnabled()) {
			logger.debug("Signed new ElastiCache IAM token " + token);
		}
		notifyListener(() -> this.listener.onRefreshSuccess(status()));
	}

	private void onFailure(CompletableFuture<IamAuthToken> future, Instant startedAt, Exception ex) {
		if (this.closed) {
			return;
		}
		String message = describe(ex);
		this.lastFailure = startedAt;
		this.lastError = message;
		int failures = ++this.consecutiveFailures;
		this.failureCount.incrementAndGet();
		Duration backoff = backoff(failures);
		IamAuthToken token = usableToken();
		scheduleNext(backoff);
		this.inFlight.compareAndSet(future, null);
		future.completeExceptionally(new IamTokenUnavailableException("No usable ElastiCache IAM token for user '"
				+ this.generator.userId() + "' on cache '" + this.generator.cacheName() + "': refresh failed ("
				+ message + ")", ex));
		// Only the message: SDK exceptions carry no secrets, but stack traces are left to the caller's error path.
		logger.warn("ElastiCache IAM token refresh failed (" + failures + " in a row, "
				+ ((token != null) ? "current token usable until " + token.usableUntil() : "no usable token")
				+ ", retrying in " + backoff.toMillis() + " ms): " + message);
		notifyListener(() -> this.listener.onRefreshFailure(status(), ex));
	}

	/**
	 * The earlier of a refresh interval after signing and three quarters into the usable period, which leaves a quarter
	 * of it for retries when the credentials expire soon. Measured from the clock, not the whole-second issuedAt.
	 */
	private Instant refreshTime(Instant signedAt, IamAuthToken token) {
		Instant byInterval = signedAt.plus(this.refreshInterval);
		Duration usable = Duration.between(signedAt, token.usableUntil());
		Instant byExpiry = signedAt.plus(usable.multipliedBy(3).dividedBy(4));
		return byInterval.isBefore(byExpiry) ? byInterval : byExpiry;
	}

	/**
	 * Exponential backoff with equal jitter: half the delay fixed, half random, so that instances that failed together
	 * do not retry together.
	 */
	private Duration backoff(int failures) {
		long initial = this.initialBackoff.toMillis();
		long max = this.maxBackoff.toMillis();
		long delay = (failures >= 31) ? max : Math.min(max, initial << Math.min(failures - 1, 30));
		long half = delay / 2;
		return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(delay - half + 1));
	}

	private void scheduleNext(Duration delay) {
		ScheduledFuture<?> previous = this.nextRefresh;
		if (previous != null) {
			previous.cancel(false);
		}
		Duration wait = delay.isNegative() ? Duration.ZERO : delay;
		try {
			this.nextRefresh = this.executor.schedule(this::refresh, wait.toMillis(), TimeUnit.MILLISECONDS);
			this.nextRefreshAt = this.clock.instant().plus(wait);
		}
		catch (RejectedExecutionException ex) {
			this.nextRefreshAt = null;
		}
	}

	private void notifyListener(Runnable notification) {
		try {
			notification.run();
		}
		catch (RuntimeException ex) {
			logger.debug("IamTokenListener failed", ex);
		}
	}

	private static String describe(Throwable ex) {
		String message = ex.getMessage();
		String description = ex.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
		return (description.length() > MAX_ERROR_MESSAGE_LENGTH)
				? description.substring(0, MAX_ERROR_MESSAGE_LENGTH) + "..." : description;
	}

	private IamTokenUnavailableException closedException() {
		return new IamTokenUnavailableException("ElastiCache IAM credentials provider for user '"
				+ this.generator.userId() + "' on cache '" + this.generator.cacheName() + "' is closed", null);
	}

	@Override
	public String toString() {
		return "ElastiCacheIamCredentialsProvider[" + this.generator + ", refreshInterval=" + this.refreshInterval
				+ ", status=" + status() + "]";
	}

	/**
	 * Builder for {@link ElastiCacheIamCredentialsProvider}.
	 */
	public static final class Builder {

		private final ElastiCacheIamTokenGenerator generator;

		private final AwsCredentialsProvider credentialsProvider;

		private Clock clock = Clock.systemUTC();

		private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;

		private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;

		private Duration maxBackoff = DEFAULT_MAX_BACKOFF;

		private Duration credentialsTimeout = DEFAULT_CREDENTIALS_TIMEOUT;

		private IamTokenListener listener = new IamTokenListener() {
		};

		private Builder(ElastiCacheIamTokenGenerator generator, AwsCredentialsProvider credentialsProvider) {
			this.generator = Objects.requireNonNull(generator, "'generator' must not be null");
			this.credentialsProvider = Objects.requireNonNull(credentialsProvider,
					"'credentialsProvider' must not be null");
		}

		/**
		 * Set how often a fresh token is signed (default 5 minutes, at most 14 minutes).
		 * @param refreshInterval the refresh interval
		 * @return this builder
		 * @throws InvalidIamSettingException if the interval is not positive or above 14 minutes
		 */
		public Builder refreshInterval(Duration refreshInterval) {
			Objects.requireNonNull(refreshInterval, "'refreshInterval' must not be null");
			if (refreshInterval.isNegative() || refreshInterval.isZero()) {
				throw new InvalidIamSettingException(IamSetting.REFRESH_INTERVAL, "must be positive");
			}
			if (refreshInterval.compareTo(MAX_REFRESH_INTERVAL) > 0) {
				throw new InvalidIamSettingException(IamSetting.REFRESH_INTERVAL, "must be at most "
						+ MAX_REFRESH_INTERVAL + " as a token is valid 15 minutes, was " + refreshInterval);
			}
			this.refreshInterval = refreshInterval;
			return this;
		}

		/**
		 * Set the retry delays after failed refreshes: doubling from {@code initial} up to {@code max}, jittered.
		 * @param initial the first delay
		 * @param max the longest delay
		 * @return this builder
		 */
		public Builder retryBackoff(Duration initial, Duration max) {
			if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
				throw new IllegalArgumentException("Backoff must be positive and 'max' at least 'initial'");
			}
			this.initialBackoff = initial;
			this.maxBackoff = max;
			return this;
		}

		/**
		 * Set how long one call to the AWS credentials source may take (default 10 seconds). A call that takes longer is
		 * interrupted and abandoned, and the refresh is retried with backoff.
		 * @param credentialsTimeout the timeout
		 * @return this builder
		 * @throws InvalidIamSettingException if the timeout is not positive
		 */
		public Builder credentialsTimeout(Duration credentialsTimeout) {
			Objects.requireNonNull(credentialsTimeout, "'credentialsTimeout' must not be null");
			if (credentialsTimeout.isNegative() || credentialsTimeout.isZero()) {
				throw new InvalidIamSettingException(IamSetting.CREDENTIALS_TIMEOUT,
						"must be positive, was " + credentialsTimeout);
			}
			this.credentialsTimeout = credentialsTimeout;
			return this;
		}

		/**
		 * Set the clock that decides whether a token is still usable and when to refresh it (default the system
		 * clock). Use the generator's clock.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "'clock' must not be null");
			return this;
		}

		/**
		 * Set the listener told about refresh outcomes.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(IamTokenListener listener) {
			this.listener = Objects.requireNonNull(listener, "'listener' must not be null");
			return this;
		}

		/**
		 * Build the provider and start signing the first token in the background.
		 * @return the started provider, to be {@link ElastiCacheIamCredentialsProvider#close() closed} after use
		 */
		public ElastiCacheIamCredentialsProvider build() {
			ElastiCacheIamCredentialsProvider provider = new ElastiCacheIamCredentialsProvider(this);
			provider.start();
			return provider;
		}

	}

}
