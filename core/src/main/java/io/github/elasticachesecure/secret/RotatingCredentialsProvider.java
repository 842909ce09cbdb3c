package io.github.elasticachesecure.secret;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * A streaming Lettuce {@link RedisCredentialsProvider} for passwords that rotate: it
 * reads the credentials from a {@link CredentialsSource} (such as a
 * {@link SecretsManagerSecret}) on a daemon thread of its own, at start and every
 * {@link Builder#refreshInterval(Duration) refresh interval}, and hands out the last good
 * ones without calling the source. A read that fails keeps the last good credentials and
 * is retried with jittered exponential backoff, never less often than the refresh
 * interval. One read runs at a time: {@link #refreshNow()}, called when the server
 * rejected the credentials ({@code WRONGPASS}), joins the read in flight.
 * <p>
 * Credentials whose user name or password changed are emitted on {@link #credentials()},
 * as the IAM token provider emits its tokens, so that Lettuce re-authenticates live
 * connections with {@code ReauthenticateBehavior.ON_NEW_CREDENTIALS}; new connections
 * authenticate with them from {@link #resolveCredentials()}. A new version with the same
 * value is recorded but not emitted.
 */
public final class RotatingCredentialsProvider implements RedisCredentialsProvider, AutoCloseable {

	private final String name;

	private final @Nullable String username;

	private final Duration refreshInterval;

	private final Sinks.Many<SecretCredentials> values = Sinks.many().replay().latest();

	private final CredentialsRefresher refresher;

	private RotatingCredentialsProvider(Builder builder) {
		this.name = builder.name;
		this.username = builder.username;
		this.refreshInterval = builder.refreshInterval;
		BackoffStrategy retryBackoff = (builder.retryBackoff != null) ? builder.retryBackoff
				: BackoffStrategy.exponentialDelayHalfJitter(Duration.ofSeconds(1), builder.refreshInterval);
		this.refresher = new CredentialsRefresher(builder.source, builder.name, builder.refreshInterval, retryBackoff,
				builder.clock, (credentials) -> this.values.emitNext(credentials,
						Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1))));
	}

	/**
	 * Create a builder.
	 * @param source where the credentials are read, on the provider's thread only
	 * @param name what is read, for logs and the status, such as the secret id; never the
	 * value
	 * @return a new builder
	 */
	public static Builder builder(CredentialsSource source, String name) {
		return new Builder(source, name);
	}

	@Override
	public Mono<RedisCredentials> resolveCredentials() {
		return Mono.defer(() -> {
			SecretCredentials credentials = this.refresher.current();
			if (credentials != null) {
				return Mono.just(toRedisCredentials(credentials));
			}
			// suppressCancel: a caller giving up must not cancel the read others wait
			// for.
			return Mono.fromFuture(this.refresher.refresh(), true).map(this::toRedisCredentials);
		});
	}

	@Override
	public boolean supportsStreaming() {
		return true;
	}

	/**
	 * Return the stream of new credentials: every change read after subscription. The
	 * credentials current at subscription are not replayed: Lettuce subscribes right
	 * after a connection authenticated with {@link #resolveCredentials()}.
	 * @return the credentials stream, completed on {@link #close()}
	 */
	@Override
	public Flux<RedisCredentials> credentials() {
		return Flux.defer(() -> {
			SecretCredentials atSubscription = this.refresher.latest();
			return this.values.asFlux().filter((credentials) -> credentials != atSubscription);
		}).map(this::toRedisCredentials).onBackpressureLatest();
	}

	/**
	 * Read the credentials now, e.g. after the server rejected them; a read already in
	 * flight is joined. The current credentials stay in use until new ones are read.
	 * @return a future completing with the credentials read, or exceptionally with the
	 * failure
	 */
	public CompletableFuture<SecretCredentials> refreshNow() {
		return this.refresher.refresh().copy();
	}

	/**
	 * Return a snapshot of the reads, free of secrets.
	 * @return the status
	 */
	public SecretStatus status() {
		return this.refresher.status();
	}

	/**
	 * Stop reading, fail a read in flight, complete {@link #credentials()}, release the
	 * thread and close the source if it is {@link AutoCloseable} (a
	 * {@link SecretsManagerSecret}'s own client). Afterwards no credentials are handed
	 * out.
	 */
	@Override
	public void close() {
		this.refresher.close();
		this.values.emitComplete(Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
	}

	private RedisCredentials toRedisCredentials(SecretCredentials credentials) {
		return RedisCredentials.just((this.username != null) ? this.username : credentials.username(),
				credentials.password());
	}

	@Override
	public String toString() {
		return "RotatingCredentialsProvider[" + this.name + ", refreshInterval=" + this.refreshInterval + ", version="
				+ this.refresher.status().version() + "]";
	}

	/**
	 * Builder for {@link RotatingCredentialsProvider}.
	 */
	public static final class Builder {

		private final CredentialsSource source;

		private final String name;

		private @Nullable String username;

		private Duration refreshInterval = Duration.ofMinutes(5);

		private @Nullable BackoffStrategy retryBackoff;

		private Clock clock = Clock.systemUTC();

		private Builder(CredentialsSource source, String name) {
			this.source = Objects.requireNonNull(source, "'source' must not be null");
			this.name = Objects.requireNonNull(name, "'name' must not be null");
		}

		/**
		 * Set the user name sent with every password, in place of the one the source
		 * reads (default: the source's, else none, which is Redis's {@code default}
		 * user).
		 * @param username the user name, or {@code null} for the source's
		 * @return this builder
		 */
		public Builder username(@Nullable String username) {
			this.username = (username != null && !username.isEmpty()) ? username : null;
			return this;
		}

		/**
		 * Set how often the source is read (default 5 minutes).
		 * @param refreshInterval the refresh interval
		 * @return this builder
		 */
		public Builder refreshInterval(Duration refreshInterval) {
			Objects.requireNonNull(refreshInterval, "'refreshInterval' must not be null");
			if (refreshInterval.isNegative() || refreshInterval.isZero()) {
				throw new IllegalArgumentException("'refreshInterval' must be positive, was " + refreshInterval);
			}
			this.refreshInterval = refreshInterval;
			return this;
		}

		/**
		 * Set the retry delays after failed reads: doubling from {@code initial} up to
		 * {@code max}, half of each random (default 1 second up to the refresh interval);
		 * never longer than the refresh interval.
		 * @param initial the first delay
		 * @param max the longest delay
		 * @return this builder
		 */
		public Builder retryBackoff(Duration initial, Duration max) {
			if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
				throw new IllegalArgumentException("Backoff must be positive and 'max' at least 'initial'");
			}
			this.retryBackoff = BackoffStrategy.exponentialDelayHalfJitter(initial, max);
			return this;
		}

		/**
		 * Set the clock of the status times (default the system clock).
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "'clock' must not be null");
			return this;
		}

		/**
		 * Build the provider and start the first read in the background.
		 * @return the started provider, to be {@link RotatingCredentialsProvider#close()
		 * closed} after use
		 */
		public RotatingCredentialsProvider build() {
			RotatingCredentialsProvider provider = new RotatingCredentialsProvider(this);
			provider.refresher.refresh();
			return provider;
		}

	}

}
