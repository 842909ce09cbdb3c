package io.github.elasticachesecure.secret;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.lettuce.core.RedisCredentials;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RotatingCredentialsProvider} with a source the test controls.
 */
class RotatingCredentialsProviderTests {

	private static final Duration LONG = Duration.ofHours(1);

	private final Source source = new Source();

	private final List<RotatingCredentialsProvider> providers = new ArrayList<>();

	@AfterEach
	void close() {
		this.providers.forEach(RotatingCredentialsProvider::close);
	}

	@Test
	void credentialsAreReadOnceAndThenHandedOutWithoutCallingTheSource() {
		this.source.value.set(SecretCredentials.of("app", "first", "v1"));
		RotatingCredentialsProvider provider = provider(LONG);
		assertThat(password(provider)).isEqualTo("first");
		assertThat(password(provider)).isEqualTo("first");
		assertThat(this.source.reads).hasValue(1);
		assertThat(provider.resolveCredentials().block().getUsername()).isEqualTo("app");
		assertThat(provider.status().version()).isEqualTo("v1");
		assertThat(provider.status().lastOutcome()).isEqualTo(SecretStatus.OK);
	}

	@Test
	void aChangedValueIsStreamedToLiveConnectionsAndHandedToNewOnes() {
		this.source.value.set(SecretCredentials.of("app", "first", "v1"));
		RotatingCredentialsProvider provider = provider(LONG);
		password(provider);
		List<String> streamed = new CopyOnWriteArrayList<>();
		Disposable subscription = provider.credentials()
			.subscribe((credentials) -> streamed.add(new String(credentials.getPassword())));
		try {
			this.source.value.set(SecretCredentials.of("app", "second", "v2"));
			provider.refreshNow().join();
			await().atMost(Duration.ofSeconds(10)).until(() -> streamed.contains("second"));
			assertThat(password(provider)).isEqualTo("second");
			// A new version with the same value needs no re-authentication.
			this.source.value.set(SecretCredentials.of("app", "second", "v3"));
			provider.refreshNow().join();
			assertThat(provider.status().version()).isEqualTo("v3");
			this.source.value.set(SecretCredentials.of("app", "third", "v4"));
			provider.refreshNow().join();
			await().atMost(Duration.ofSeconds(10)).until(() -> streamed.contains("third"));
			assertThat(streamed).containsExactly("second", "third");
		}
		finally {
			subscription.dispose();
		}
	}

	@Test
	void theValueCurrentAtSubscriptionIsNotReplayed() {
		this.source.value.set(SecretCredentials.of("app", "first", "v1"));
		RotatingCredentialsProvider provider = provider(LONG);
		password(provider);
		this.source.value.set(SecretCredentials.of("app", "second", "v2"));
		provider.refreshNow().join();
		List<RedisCredentials> streamed = new CopyOnWriteArrayList<>();
		Disposable subscription = provider.credentials().subscribe(streamed::add);
		provider.close();
		subscription.dispose();
		assertThat(streamed).isEmpty();
	}

	@Test
	void aFailedReadKeepsTheLastGoodCredentialsAndReportsTheErrorCode() {
		this.source.value.set(SecretCredentials.of(null, "first", "v1"));
		RotatingCredentialsProvider provider = provider(LONG);
		password(provider);
		this.source.failure.set(new SecretReadException("app/redis", "AccessDeniedException", "not authorized", null));
		assertThat(catchThrowable(() -> provider.refreshNow().join()))
			.hasRootCauseInstanceOf(SecretReadException.class);
		assertThat(password(provider)).isEqualTo("first");
		SecretStatus status = provider.status();
		assertThat(status.source()).isEqualTo("secret 'app/redis'");
		assertThat(status.version()).isEqualTo("v1");
		assertThat(status.lastOutcome()).isEqualTo("AccessDeniedException");
		assertThat(status.lastError()).contains("not authorized");
		assertThat(status.consecutiveFailures()).isEqualTo(1);
		assertThat(status.failureCount()).isEqualTo(1);
		assertThat(status.lastSuccess()).isBefore(status.lastRefresh().plusNanos(1));
		this.source.failure.set(null);
		provider.refreshNow().join();
		assertThat(provider.status().lastOutcome()).isEqualTo(SecretStatus.OK);
		assertThat(provider.status().consecutiveFailures()).isZero();
		assertThat(provider.status().successCount()).isEqualTo(2);
	}

	@Test
	void anyOtherFailureIsReportedByItsType() {
		this.source.failure.set(new IllegalStateException("vault sealed"));
		RotatingCredentialsProvider provider = provider(LONG);
		assertThat(catchThrowable(() -> provider.resolveCredentials().block()))
			.isInstanceOf(IllegalStateException.class);
		assertThat(provider.status().lastOutcome()).isEqualTo("IllegalStateException");
		assertThat(provider.status().version()).isNull();
	}

	@Test
	void readsRequestedTogetherShareOneRead() throws Exception {
		this.source.value.set(SecretCredentials.of(null, "first", "v1"));
		RotatingCredentialsProvider provider = provider(LONG);
		password(provider);
		CountDownLatch gate = new CountDownLatch(1);
		this.source.gate.set(gate);
		List<CompletableFuture<SecretCredentials>> reads = new ArrayList<>();
		reads.add(provider.refreshNow());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.source.reads.get() == 2);
		for (int i = 0; i < 10; i++) {
			reads.add(provider.refreshNow());
		}
		gate.countDown();
		for (CompletableFuture<SecretCredentials> read : reads) {
			assertThat(read.get(10, TimeUnit.SECONDS).password()).isEqualTo("first");
		}
		assertThat(this.source.reads).hasValue(2);
	}

	@Test
	void theSecretsUsernameIsUsedUnlessOneIsConfigured() {
		this.source.value.set(SecretCredentials.of("from-secret", "first", "v1"));
		assertThat(provider(LONG).resolveCredentials().block().getUsername()).isEqualTo("from-secret");
		RotatingCredentialsProvider configured = RotatingCredentialsProvider.builder(this.source, "secret 'app/redis'")
			.refreshInterval(LONG)
			.username("configured")
			.build();
		this.providers.add(configured);
		assertThat(configured.resolveCredentials().block().getUsername()).isEqualTo("configured");
	}

	@Test
	void aNewValueIsReadEveryRefreshInterval() {
		this.source.value.set(SecretCredentials.of(null, "first", "v1"));
		RotatingCredentialsProvider provider = provider(Duration.ofMillis(50));
		password(provider);
		this.source.value.set(SecretCredentials.of(null, "second", "v2"));
		await().atMost(Duration.ofSeconds(10)).until(() -> "second".equals(password(provider)));
		assertThat(provider.status().nextRefreshAt()).isNotNull();
	}

	@Test
	void aFailedFirstReadIsRetriedWithoutBeingAskedAgain() {
		this.source.failure.set(new SecretReadException("app/redis", "ResourceNotFoundException", "missing", null));
		RotatingCredentialsProvider provider = RotatingCredentialsProvider.builder(this.source, "secret 'app/redis'")
			.refreshInterval(LONG)
			.retryBackoff(Duration.ofMillis(10), Duration.ofMillis(20))
			.build();
		this.providers.add(provider);
		await().atMost(Duration.ofSeconds(10)).until(() -> provider.status().failureCount() >= 2);
		this.source.value.set(SecretCredentials.of(null, "first", "v1"));
		this.source.failure.set(null);
		await().atMost(Duration.ofSeconds(10)).until(() -> "v1".equals(provider.status().version()));
		assertThat(password(provider)).isEqualTo("first");
	}

	@Test
	void aClosedProviderHandsOutNothingAndEndsItsStream() {
		this.source.value.set(SecretCredentials.of(null, "first", "v1"));
		RotatingCredentialsProvider provider = provider(LONG);
		password(provider);
		AtomicReference<@Nullable Boolean> completed = new AtomicReference<>();
		provider.credentials().subscribe((credentials) -> {
		}, (ex) -> completed.set(false), () -> completed.set(true));
		provider.close();
		assertThat(completed).hasValue(true);
		assertThat(catchThrowable(() -> provider.resolveCredentials().block()))
			.hasMessageContaining("secret 'app/redis'")
			.hasMessageContaining("closed");
		assertThat(provider.toString()).contains("secret 'app/redis'").doesNotContain("first");
	}

	@Test
	void settingsOutOfRangeAreRefused() {
		RotatingCredentialsProvider.Builder builder = RotatingCredentialsProvider.builder(this.source, "s");
		assertThat(catchThrowable(() -> builder.refreshInterval(Duration.ZERO)))
			.isInstanceOf(IllegalArgumentException.class);
		assertThat(catchThrowable(() -> builder.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1))))
			.isInstanceOf(IllegalArgumentException.class);
	}

	private RotatingCredentialsProvider provider(Duration refreshInterval) {
		RotatingCredentialsProvider provider = RotatingCredentialsProvider.builder(this.source, "secret 'app/redis'")
			.refreshInterval(refreshInterval)
			.build();
		this.providers.add(provider);
		return provider;
	}

	private static String password(RotatingCredentialsProvider provider) {
		return new String(provider.resolveCredentials().block(Duration.ofSeconds(10)).getPassword());
	}

	private static final class Source implements CredentialsSource {

		final AtomicReference<@Nullable SecretCredentials> value = new AtomicReference<>();

		final AtomicReference<@Nullable Exception> failure = new AtomicReference<>();

		final AtomicReference<@Nullable CountDownLatch> gate = new AtomicReference<>();

		final AtomicInteger reads = new AtomicInteger();

		@Override
		public SecretCredentials read() throws Exception {
			this.reads.incrementAndGet();
			CountDownLatch latch = this.gate.getAndSet(null);
			if (latch != null) {
				latch.await(10, TimeUnit.SECONDS);
			}
			Exception ex = this.failure.get();
			if (ex != null) {
				throw ex;
			}
			return this.value.get();
		}

	}

}
