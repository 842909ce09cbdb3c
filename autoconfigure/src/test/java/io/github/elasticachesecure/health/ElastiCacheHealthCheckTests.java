package io.github.elasticachesecure.health;

import java.time.Clock;
import java.time.Duration;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.cache.CacheTopology;
import io.lettuce.core.SslVerifyMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * The deadline of one health check, with a connection whose PING answers when the test
 * says: no server.
 */
class ElastiCacheHealthCheckTests {

	private static final ConnectionSummary CONNECTION = new ConnectionSummary("localhost:6379",
			CacheTopology.STANDALONE, SslVerifyMode.FULL, AuthMode.PASSWORD, "app");

	@Test
	@DisplayName("a PING answered within the health timeout is UP")
	void pingAnsweredBeforeTheDeadlineIsUp() {
		Health health = check(Duration.ofSeconds(2), Duration.ofMillis(100));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
	}

	@Test
	@DisplayName("a PING answered after the health timeout is DOWN: the check does not wait past its deadline")
	void pingAnsweredAfterTheDeadlineIsDown() {
		// 1 s allowed, the PING answers after 1.6 s: a check that waited longer than its
		// timeout would see the answer and say UP.
		Health health = check(Duration.ofSeconds(1), Duration.ofMillis(1600));
		assertThat(health.getStatus()).as("health of a PING answering 0.6 s after the deadline").isEqualTo(Status.DOWN);
	}

	@Test
	@DisplayName("a PING that never answers is DOWN within the health timeout plus a scheduling margin")
	void pingThatNeverAnswersIsDownWithinTheBound() {
		Duration[] took = new Duration[1];
		Health health = check(Duration.ofSeconds(1), Duration.ofSeconds(30), took);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(took[0]).isLessThan(Duration.ofSeconds(3));
	}

	private static Health check(Duration timeout, Duration pingDelay) {
		return check(timeout, pingDelay, new Duration[1]);
	}

	/**
	 * One check with a PING answering after the delay; {@code took[0]} is how long the
	 * check took, from its start (the mocks made).
	 */
	private static Health check(Duration timeout, Duration pingDelay, Duration[] took) {
		RedisConnection connection = mock(RedisConnection.class);
		willAnswer((invocation) -> {
			try {
				Thread.sleep(pingDelay.toMillis());
			}
			catch (InterruptedException ex) {
				// the check gave up on this PING
				Thread.currentThread().interrupt();
			}
			return "PONG";
		}).given(connection).ping();
		RedisConnectionFactory connectionFactory = mock(RedisConnectionFactory.class);
		given(connectionFactory.getConnection()).willReturn(connection);
		try (ElastiCacheHealthCheck check = new ElastiCacheHealthCheck(connectionFactory, CONNECTION, timeout,
				Duration.ofDays(30), null, null, Clock.systemUTC(), null)) {
			long start = System.nanoTime();
			Health health = check.check().block(Duration.ofSeconds(60));
			took[0] = Duration.ofNanos(System.nanoTime() - start);
			return health;
		}
	}

}
