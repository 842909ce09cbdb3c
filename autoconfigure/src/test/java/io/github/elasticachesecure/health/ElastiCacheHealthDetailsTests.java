package io.github.elasticachesecure.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.iam.IamTokenStatus;
import io.lettuce.core.SslVerifyMode;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * What one health check reports besides the PING: the IAM token's state, the latency, the
 * audit and the length of a reason. The PING answers after a set delay (no server: the
 * details are under test, not the connection).
 */
class ElastiCacheHealthDetailsTests {

	private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

	private static final ConnectionSummary IAM_CONNECTION = new ConnectionSummary("localhost:6379",
			CacheTopology.STANDALONE, SslVerifyMode.FULL, AuthMode.IAM, "app-iam");

	@Test
	void aUsableTokenIsUpAndEveryFieldOfItsStateIsShown() {
		IamTokenStatus status = new IamTokenStatus(NOW.minusSeconds(60), NOW.plusSeconds(840), true,
				NOW.plusSeconds(540), NOW.minusSeconds(60), NOW.minusSeconds(120), "ThrottlingException", 7, 1, 0);
		Health health = check(status, Duration.ZERO);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).doesNotContainKey("reason").containsEntry("auth", "iam");
		assertThat(iam(health)).containsExactly(Map.entry("tokenUsable", true),
				Map.entry("tokenIssuedAt", "2026-12-07T11:59:00Z"),
				Map.entry("tokenUsableUntil", "2026-12-07T12:14:00Z"), Map.entry("lastRefresh", "2026-12-07T11:59:00Z"),
				Map.entry("nextRefresh", "2026-12-07T12:09:00Z"),
				Map.entry("lastRefreshFailure", "2026-12-07T11:58:00Z"),
				Map.entry("lastRefreshError", "ThrottlingException"), Map.entry("consecutiveFailures", 0));
	}

	@Test
	void noUsableTokenIsDownAndSaysWhetherTheLastRefreshFailedOrNoneWasSigned() {
		IamTokenStatus failed = new IamTokenStatus(NOW.minusSeconds(900), NOW.minusSeconds(1), false, NOW,
				NOW.minusSeconds(900), NOW.minusSeconds(5), "AccessDenied", 3, 4, 4);
		Health down = check(failed, Duration.ZERO);
		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails()).containsEntry("reason",
				"no usable IAM token: the last refresh failed (AccessDenied); connected clients keep working, "
						+ "new connections and re-authentications fail");
		assertThat(iam(down)).containsEntry("tokenUsable", false).containsEntry("consecutiveFailures", 4);
		IamTokenStatus none = new IamTokenStatus(null, null, false, null, null, null, null, 0, 0, 0);
		Health unsigned = check(none, Duration.ZERO);
		assertThat(unsigned.getStatus()).isEqualTo(Status.DOWN);
		assertThat(unsigned.getDetails()).containsEntry("reason",
				"no usable IAM token: none was signed yet; connected clients keep working, "
						+ "new connections and re-authentications fail");
		assertThat(iam(unsigned)).containsOnlyKeys("tokenUsable", "consecutiveFailures");
	}

	@Test
	void aReasonOfThreeHundredCharactersIsShownWholeAndALongerOneIsCut() {
		// the reason's fixed text around the error is 124 characters
		String whole = reason(check(failedWith("x".repeat(300 - 124)), Duration.ZERO));
		assertThat(whole).hasSize(300).doesNotEndWith("...");
		String cut = reason(check(failedWith("x".repeat(301 - 124)), Duration.ZERO));
		assertThat(cut).hasSize(303).endsWith("fai...");
	}

	@Test
	void theLatencyIsThePingsInMillisecondsToATenth() {
		Health health = check(null, Duration.ofMillis(200));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		double latency = (double) health.getDetails().get("latencyMillis");
		assertThat(latency).isBetween(200.0, 2000.0);
		assertThat(latency * 10).isEqualTo(Math.rint(latency * 10));
	}

	@Test
	void aFailedPingIsDownWithItsLatencyToo() {
		RedisConnection connection = mock(RedisConnection.class);
		willAnswer((invocation) -> {
			Thread.sleep(200);
			throw new RedisConnectionFailureException("refused");
		}).given(connection).ping();
		RedisConnectionFactory connectionFactory = mock(RedisConnectionFactory.class);
		given(connectionFactory.getConnection()).willReturn(connection);
		try (ElastiCacheHealthCheck check = new ElastiCacheHealthCheck(connectionFactory, IAM_CONNECTION,
				Duration.ofSeconds(5), Duration.ofDays(30), null, null, Clock.fixed(NOW, ZoneOffset.UTC), null)) {
			Health health = check.check().block(Duration.ofSeconds(10));
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat((double) health.getDetails().get("latencyMillis")).isBetween(200.0, 5000.0);
		}
	}

	@Test
	void theAuditsFindingsAreShownWhenThereAreAny() {
		ElastiCacheHealthCheck check = healthCheck(null, Duration.ZERO);
		assertThat(check.check().block(Duration.ofSeconds(10)).getDetails()).doesNotContainKey("audit");
		check.showAudit(() -> Map.of("failed", 0));
		assertThat(check.check().block(Duration.ofSeconds(10)).getDetails()).containsEntry("audit",
				Map.of("failed", 0));
		check.showAudit(() -> null);
		assertThat(check.check().block(Duration.ofSeconds(10)).getDetails()).doesNotContainKey("audit");
	}

	private static IamTokenStatus failedWith(String error) {
		return new IamTokenStatus(null, null, false, null, null, NOW, error, 0, 1, 1);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> iam(Health health) {
		return (Map<String, Object>) health.getDetails().get("iam");
	}

	private static String reason(Health health) {
		return (String) health.getDetails().get("reason");
	}

	private static Health check(IamTokenStatus status, Duration pingDelay) {
		try (ElastiCacheHealthCheck check = healthCheck(status, pingDelay)) {
			return check.check().block(Duration.ofSeconds(10));
		}
	}

	private static ElastiCacheHealthCheck healthCheck(IamTokenStatus status, Duration pingDelay) {
		RedisConnection connection = mock(RedisConnection.class);
		willAnswer((invocation) -> {
			Thread.sleep(pingDelay.toMillis());
			return "PONG";
		}).given(connection).ping();
		RedisConnectionFactory connectionFactory = mock(RedisConnectionFactory.class);
		given(connectionFactory.getConnection()).willReturn(connection);
		return new ElastiCacheHealthCheck(connectionFactory, IAM_CONNECTION, Duration.ofSeconds(5), Duration.ofDays(30),
				null, (status != null) ? () -> status : null, Clock.fixed(NOW, ZoneOffset.UTC), null);
	}

}
