package io.github.elasticachesecure.iam;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * A streaming Lettuce {@link RedisCredentialsProvider} that hands out ElastiCache IAM
 * tokens and keeps them fresh.
 * <p>
 * A daemon thread of its own signs a new token every
 * {@link Builder#refreshInterval(Duration) refresh interval}, or earlier when the token's
 * {@link IamAuthToken#usableUntil() usable period} (bounded by the expiry of the AWS
 * credentials) ends sooner. {@link #resolveCredentials()} returns the cached token
 * without signing or calling AWS; only when no usable token exists does it wait for the
 * (single, shared) refresh in flight. Failed refreshes are retried with jittered
 * exponential backoff while the last good token keeps serving until its usable period
 * ends. Every new token is emitted on {@link #credentials()}, so that Lettuce
 * re-authenticates live connections with
 * {@code ReauthenticateBehavior.ON_NEW_CREDENTIALS} well before ElastiCache drops them
 * after 12 hours. Each call to the AWS credentials source is bounded by the
 * {@link Builder#credentialsTimeout(Duration) credentials timeout}.
 * <p>
 * Lettuce's {@code TokenBasedRedisCredentialsProvider} with redis-authx-core's
 * {@code TokenManager} is not used: its retries use a fixed delay without jitter, its
 * retry count is never reset and renewal stops for good once it is exhausted, it offers
 * no forced refresh, it replays a token after the token expired, and it reads
 * {@code System.currentTimeMillis()} on non-daemon, unnamed threads.
 */
public final class ElastiCacheIamCredentialsProvider implements RedisCredentialsProvider, AutoCloseable {

	/**
	 * The longest refresh interval accepted: a token is valid 15 minutes, less a margin.
	 */
	static final Duration MAX_REFRESH_INTERVAL = Duration.ofMinutes(14);

	private final ElastiCacheIamTokenGenerator generator;

	private final Duration refreshInterval;

	private final Duration reauthenticationSpread;

	private final Sinks.Many<IamAuthToken> tokens = Sinks.many().replay().latest();

	private final IamTokenRefresher refresher;

	private ElastiCacheIamCredentialsProvider(Builder builder) {
		this.generator = builder.generator;
		this.refreshInterval = builder.refreshInterval;
		// Capped: a connection must take up a token well before the next one replaces it.
		this.reauthenticationSpread = min(builder.reauthenticationSpread, builder.refreshInterval.dividedBy(4));
		this.refresher = new IamTokenRefresher(builder.generator, builder.credentialsProvider,
				builder.credentialsTimeout, builder.clock, builder.refreshInterval, builder.retryBackoff,
				builder.listener,
				(token) -> this.tokens.emitNext(token, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1))));
	}

	/**
	 * Create a builder.
	 * @param generator the token generator
	 * @param credentialsProvider the source of AWS credentials, called on threads of the
	 * provider only
	 * @return a new builder
	 */
	public static Builder builder(ElastiCacheIamTokenGenerator generator, AwsCredentialsProvider credentialsProvider) {
		return new Builder(generator, credentialsProvider);
	}

	@Override
	public Mono<RedisCredentials> resolveCredentials() {
		return Mono.defer(() -> {
			IamAuthToken token = this.refresher.usableToken();
			if (token != null) {
				return Mono.just(toCredentials(token));
			}
			// suppressCancel: a caller giving up must not cancel the refresh the others
			// wait for.
			return Mono.fromFuture(this.refresher.refresh(), true).map(this::toCredentials);
		});
	}

	@Override
	public boolean supportsStreaming() {
		return true;
	}

	/**
	 * Return the stream of new credentials: every token signed after subscription, each
	 * after a random delay within the {@link Builder#reauthenticationSpread(Duration)
	 * re-authentication spread} of its own per subscriber. The token that is current at
	 * subscription is not replayed: Lettuce subscribes right after a connection
	 * authenticated with {@link #resolveCredentials()}, and a replay would make every new
	 * connection send the same AUTH twice.
	 * @return the credentials stream, completed on {@link #close()}
	 */
	@Override
	public Flux<RedisCredentials> credentials() {
		return Flux.defer(() -> {
			IamAuthToken atSubscription = this.refresher.currentToken();
			return spread(this.tokens.asFlux().filter((token) -> token != atSubscription));
		}).filter((token) -> token == this.refresher.usableToken()).map(this::toCredentials).onBackpressureLatest();
	}

	/**
	 * Drop the current token and sign a new one, e.g. after the server rejected a token
	 * ({@code WRONGPASS}). Connections opened meanwhile wait for the new token; a refresh
	 * already in flight is joined.
	 * @return a future completing with the new token, or exceptionally with
	 * {@link IamTokenUnavailableException}
	 */
	public CompletableFuture<IamAuthToken> refreshNow() {
		return this.refresher.refreshNow().copy();
	}

	/**
	 * Return a snapshot of the token lifecycle, free of secrets.
	 * @return the status
	 */
	public IamTokenStatus status() {
		return this.refresher.status();
	}

	/**
	 * Stop refreshing, interrupt a call to the AWS credentials source in progress, and
	 * release the threads. Afterwards no credentials are handed out and
	 * {@link #credentials()} completes. A call stuck in non-interruptible I/O keeps its
	 * daemon thread until it returns; its result is discarded.
	 */
	@Override
	public void close() {
		this.refresher.close();
		this.tokens.emitComplete(Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
	}

	/**
	 * Lettuce subscribes once per connection: a delay of its own for each makes a
	 * rotation reach the connections spread over the window instead of as one burst of
	 * AUTHs (each of which makes ElastiCache verify a signature). A newer token replaces
	 * one still waiting. The connections stay authenticated meanwhile: the old token is
	 * valid for minutes more, and ElastiCache's 12-hour deadline is hours away.
	 */
	private Flux<IamAuthToken> spread(Flux<IamAuthToken> tokens) {
		if (this.reauthenticationSpread.isZero()) {
			return tokens;
		}
		return tokens.switchMap((token) -> Mono
			.delay(Duration.ofNanos(ThreadLocalRandom.current().nextLong(this.reauthenticationSpread.toNanos())))
			.thenReturn(token));
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private RedisCredentials toCredentials(IamAuthToken token) {
		return RedisCredentials.just(this.generator.userId(), token.value());
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

		private Duration refreshInterval = Duration.ofMinutes(5);

		private Duration reauthenticationSpread = Duration.ZERO;

		private BackoffStrategy retryBackoff = equalJitter(Duration.ofSeconds(1), Duration.ofSeconds(30));

		private Duration credentialsTimeout = TimeLimitedCredentialsResolver.DEFAULT_TIMEOUT;

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
		 * @throws InvalidIamSettingException if the interval is not positive or above 14
		 * minutes
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
		 * Set the window over which a new token reaches the live connections: each
		 * subscriber of {@link ElastiCacheIamCredentialsProvider#credentials()} (each
		 * Lettuce connection) gets it after a random delay within the window, so that a
		 * rotation is no burst of AUTHs. Default zero (every connection at once); at most
		 * a quarter of the refresh interval is used.
		 * @param reauthenticationSpread the window, zero for none
		 * @return this builder
		 */
		public Builder reauthenticationSpread(Duration reauthenticationSpread) {
			Objects.requireNonNull(reauthenticationSpread, "'reauthenticationSpread' must not be null");
			if (reauthenticationSpread.isNegative()) {
				throw new IllegalArgumentException("'reauthenticationSpread' must not be negative");
			}
			this.reauthenticationSpread = reauthenticationSpread;
			return this;
		}

		/**
		 * Set the retry delays after failed refreshes: doubling from {@code initial} up
		 * to {@code max}, jittered (default 1 second up to 30 seconds).
		 * @param initial the first delay
		 * @param max the longest delay
		 * @return this builder
		 */
		public Builder retryBackoff(Duration initial, Duration max) {
			if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
				throw new IllegalArgumentException("Backoff must be positive and 'max' at least 'initial'");
			}
			this.retryBackoff = equalJitter(initial, max);
			return this;
		}

		/**
		 * Equal jitter, half of each delay fixed and half random: instances that failed
		 * together do not retry together, and none retries at once.
		 */
		private static BackoffStrategy equalJitter(Duration initial, Duration max) {
			return BackoffStrategy.exponentialDelayHalfJitter(initial, max);
		}

		/**
		 * Set how long one call to the AWS credentials source may take (default 10
		 * seconds). A call that takes longer is interrupted and abandoned, and the
		 * refresh is retried with backoff.
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
		 * Set the clock that decides whether a token is still usable and when to refresh
		 * it (default the system clock). Use the generator's clock.
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
		 * @return the started provider, to be
		 * {@link ElastiCacheIamCredentialsProvider#close() closed} after use
		 */
		public ElastiCacheIamCredentialsProvider build() {
			ElastiCacheIamCredentialsProvider provider = new ElastiCacheIamCredentialsProvider(this);
			provider.refresher.refresh();
			return provider;
		}

	}

}
