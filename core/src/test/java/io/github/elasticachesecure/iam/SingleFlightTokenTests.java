package io.github.elasticachesecure.iam;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SingleFlightToken}.
 */
class SingleFlightTokenTests {

	private static final IamAuthToken TOKEN = new IamAuthToken("token", Instant.parse("2024-05-17T10:00:00Z"),
			Instant.parse("2024-05-17T10:14:00Z"));

	private final SingleFlightToken singleFlight = new SingleFlightToken();

	private final AtomicInteger started = new AtomicInteger();

	@Test
	void callersShareTheRefreshInFlight() {
		CompletableFuture<IamAuthToken> first = join();
		assertThat(join()).isSameAs(first);
		assertThat(this.started).hasValue(1);
	}

	@Test
	void publishingMakesTheTokenCurrentAndEndsTheRefreshInOneStep() {
		CompletableFuture<IamAuthToken> refresh = join();
		assertThat(this.singleFlight.publish(refresh, TOKEN)).isTrue();
		assertThat(this.singleFlight.current()).isSameAs(TOKEN);
		// A caller that saw the token and found it unusable starts a new refresh rather
		// than joining the old one.
		assertThat(join()).isNotSameAs(refresh);
		assertThat(this.started).hasValue(2);
	}

	@Test
	void landingKeepsTheTokenAndDroppingKeepsTheRefresh() {
		this.singleFlight.publish(join(), TOKEN);
		CompletableFuture<IamAuthToken> failed = join();
		this.singleFlight.land(failed);
		assertThat(this.singleFlight.current()).isSameAs(TOKEN);
		CompletableFuture<IamAuthToken> running = join();
		assertThat(running).isNotSameAs(failed);
		this.singleFlight.drop();
		assertThat(this.singleFlight.current()).isNull();
		assertThat(join()).isSameAs(running);
	}

	@Test
	void aRefreshClearedMeanwhileCannotPublish() {
		CompletableFuture<IamAuthToken> refresh = join();
		assertThat(this.singleFlight.clear()).isSameAs(refresh);
		assertThat(this.singleFlight.publish(refresh, TOKEN)).isFalse();
		assertThat(this.singleFlight.current()).isNull();
	}

	private CompletableFuture<IamAuthToken> join() {
		return this.singleFlight.joinOrStart((refresh) -> this.started.incrementAndGet());
	}

}
