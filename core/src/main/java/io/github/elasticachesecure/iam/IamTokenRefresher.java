package io.github.elasticachesecure.iam;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * Keeps an ElastiCache IAM token fresh. Its {@link RefreshScheduler refresh thread} signs
 * a new token every refresh interval, or earlier when the token's
 * {@link IamAuthToken#usableUntil() usable period} (bounded by the expiry of the AWS
 * credentials) ends sooner. One refresh runs at a time and every caller that needs a
 * token meanwhile shares it ({@link SingleFlightToken}). A failed refresh is retried with
 * backoff while the last good token keeps serving until its usable period ends. Each call
 * to the AWS credentials source is bounded by a {@link TimeLimitedCredentialsResolver};
 * outcomes are kept in a {@link RefreshHistory} and told to the listener.
 */
final class IamTokenRefresher {

	private static final int MAX_ERROR_MESSAGE_LENGTH = 500;

	// The public provider's name, which users know to configure.
	private static final Log logger = LogFactory.getLog(ElastiCacheIamCredentialsProvider.class);

	private final ElastiCacheIamTokenGenerator generator;

	private final TimeLimitedCredentialsResolver credentials;

	private final Clock clock;

	private final Duration refreshInterval;

	private final BackoffStrategy retryBackoff;

	private final IamTokenListener listener;

	private final Consumer<IamAuthToken> newTokens;

	private final RefreshScheduler scheduler;

	private final SingleFlightToken singleFlight = new SingleFlightToken();

	private final RefreshHistory history = new RefreshHistory();

	private volatile boolean closed;

	/**
	 * Create a refresher and its threads; the first refresh starts with the first call to
	 * {@link #refresh()}.
	 * @param generator signs the tokens
	 * @param credentialsProvider the source of AWS credentials
	 * @param credentialsTimeout the longest wait for one call to that source
	 * @param clock decides whether a token is usable and when to refresh
	 * @param refreshInterval the longest time between two tokens
	 * @param retryBackoff the delays after failed refreshes
	 * @param listener told about refresh outcomes
	 * @param newTokens given every new token on the refresh thread, before callers
	 * waiting for it continue
	 */
	IamTokenRefresher(ElastiCacheIamTokenGenerator generator, AwsCredentialsProvider credentialsProvider,
			Duration credentialsTimeout, Clock clock, Duration refreshInterval, BackoffStrategy retryBackoff,
			IamTokenListener listener, Consumer<IamAuthToken> newTokens) {
		this.generator = generator;
		this.clock = clock;
		this.refreshInterval = refreshInterval;
		this.retryBackoff = retryBackoff;
		this.listener = listener;
		this.newTokens = newTokens;
		this.scheduler = new RefreshScheduler(clock);
		this.credentials = new TimeLimitedCredentialsResolver(credentialsProvider, credentialsTimeout,
				this.scheduler.credentialsThreads());
	}

	/**
	 * Return the current token if it may be handed out now.
	 * @return the usable token, or {@code null}
	 */
	@Nullable IamAuthToken usableToken() {
		IamAuthToken token = this.singleFlight.current();
		// closed is checked too: a refresh finishing during close() may still have
		// published its token.
		return (token != null && !this.closed && token.isUsableAt(this.clock.instant())) ? token : null;
	}

	/**
	 * Return the current token, usable or not.
	 * @return the token, or {@code null}
	 */
	@Nullable IamAuthToken currentToken() {
		return this.singleFlight.current();
	}

	/**
	 * Start a refresh unless one is in flight, and return the future of the one that
	 * runs.
	 * @return a future completing with the new token, or exceptionally with
	 * {@link IamTokenUnavailableException}
	 */
	CompletableFuture<IamAuthToken> refresh() {
		if (this.closed) {
			return CompletableFuture.failedFuture(closedException());
		}
		return this.singleFlight.joinOrStart((refresh) -> {
			try {
				this.scheduler.execute(() -> doRefresh(refresh));
			}
			catch (RejectedExecutionException ex) {
				this.singleFlight.land(refresh);
				refresh.completeExceptionally(closedException());
			}
		});
	}

	/**
	 * Drop the current token and refresh, joining a refresh in flight.
	 * @return a future completing with the new token, or exceptionally with
	 * {@link IamTokenUnavailableException}
	 */
	CompletableFuture<IamAuthToken> refreshNow() {
		this.singleFlight.drop();
		return refresh();
	}

	/**
	 * Return a snapshot of the token lifecycle, free of secrets.
	 * @return the status
	 */
	IamTokenStatus status() {
		IamAuthToken token = this.singleFlight.current();
		return this.history.snapshot(token, token != null && token.isUsableAt(this.clock.instant()),
				this.scheduler.nextRunAt());
	}

	/**
	 * Stop refreshing, interrupt a call to the AWS credentials source in progress, fail a
	 * refresh in flight, and wait briefly for the threads to end.
	 */
	void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.scheduler.shutdownNow();
		this.credentials.shutdownNow();
		CompletableFuture<IamAuthToken> pending = this.singleFlight.clear();
		if (pending != null) {
			pending.completeExceptionally(closedException());
		}
		try {
			this.scheduler.awaitTermination(Duration.ofSeconds(1));
			this.credentials.awaitTermination(Duration.ofSeconds(1));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void doRefresh(CompletableFuture<IamAuthToken> future) {
		if (future.isDone()) {
			return;
		}
		Instant startedAt = this.clock.instant();
		IamAuthToken token;
		try {
			token = this.generator.generate(this.credentials.resolve());
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

	private void onSuccess(CompletableFuture<IamAuthToken> future, Instant startedAt, IamAuthToken token) {
		if (this.closed) {
			return;
		}
		this.history.recordSuccess(startedAt);
		this.scheduler.runIn(Duration.between(this.clock.instant(), refreshTime(startedAt, token)), this::refresh);
		if (!this.singleFlight.publish(future, token)) {
			return;
		}
		this.newTokens.accept(token);
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
		int failures = this.history.recordFailure(startedAt, message);
		// The SDK counts the first try as attempt 1 (no delay): the n-th failure waits as
		// its attempt n + 1.
		Duration backoff = this.retryBackoff.computeDelay(failures + 1);
		IamAuthToken token = usableToken();
		this.scheduler.runIn(backoff, this::refresh);
		this.singleFlight.land(future);
		future.completeExceptionally(
				new IamTokenUnavailableException("No usable ElastiCache IAM token for user '" + this.generator.userId()
						+ "' on cache '" + this.generator.cacheName() + "': refresh failed (" + message + ")", ex));
		// Only the message: SDK exceptions carry no secrets, but stack traces are left to
		// the caller's error path.
		logger.warn("ElastiCache IAM token refresh failed (" + failures + " in a row, "
				+ ((token != null) ? "current token usable until " + token.usableUntil() : "no usable token")
				+ ", retrying in " + backoff.toMillis() + " ms): " + message);
		notifyListener(() -> this.listener.onRefreshFailure(status(), ex));
	}

	/**
	 * The earlier of a refresh interval after signing and three quarters into the usable
	 * period, which leaves a quarter of it for retries when the credentials expire soon.
	 * Measured from the clock, not the whole-second issuedAt.
	 */
	private Instant refreshTime(Instant signedAt, IamAuthToken token) {
		Instant byInterval = signedAt.plus(this.refreshInterval);
		Duration usable = Duration.between(signedAt, token.usableUntil());
		Instant byExpiry = signedAt.plus(usable.multipliedBy(3).dividedBy(4));
		return byInterval.isBefore(byExpiry) ? byInterval : byExpiry;
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

	IamTokenUnavailableException closedException() {
		return new IamTokenUnavailableException("ElastiCache IAM credentials provider for user '"
				+ this.generator.userId() + "' on cache '" + this.generator.cacheName() + "' is closed", null);
	}

}
