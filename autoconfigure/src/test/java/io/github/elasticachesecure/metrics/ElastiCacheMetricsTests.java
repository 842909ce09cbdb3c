package io.github.elasticachesecure.metrics;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import io.github.elasticachesecure.iam.IamTokenStatus;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.event.Event;
import io.lettuce.core.event.EventBus;
import io.lettuce.core.event.connection.ReauthenticationEvent;
import io.lettuce.core.event.connection.ReauthenticationFailedEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The counters {@link ElastiCacheMetrics} binds: each result tag reads its own count.
 */
class ElastiCacheMetricsTests {

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	@DisplayName("the token refresh failure counter counts failed refreshes, the success counter successful ones")
	void tokenRefreshFailureAndSuccessCountersReadTheirOwnCounts() {
		IamTokenStatus status = new IamTokenStatus(NOW, NOW.plusSeconds(600), true, NOW.plusSeconds(300), NOW,
				NOW.minusSeconds(60), "denied", 7, 2, 0);
		try (ElastiCacheMetrics metrics = new ElastiCacheMetrics(null, () -> status, null, null, clock())) {
			metrics.bindTo(this.registry);
			assertThat(count("elasticache.iam.token.refreshes", "success")).isEqualTo(7.0);
			assertThat(count("elasticache.iam.token.refreshes", "failure")).isEqualTo(2.0);
		}
	}

	@Test
	@DisplayName("the re-authentication failure counter counts failed re-authentications, the success counter successful ones")
	void reauthenticationFailureAndSuccessCountersReadTheirOwnCounts() {
		Sinks.Many<Event> events = Sinks.many().multicast().directBestEffort();
		EventBus eventBus = new EventBus() {

			@Override
			public Flux<Event> get() {
				return events.asFlux();
			}

			@Override
			public void publish(Event event) {
				events.tryEmitNext(event);
			}

		};
		try (ElastiCacheMetrics metrics = new ElastiCacheMetrics(eventBus, null, null, null, clock())) {
			metrics.bindTo(this.registry);
			for (int i = 0; i < 3; i++) {
				eventBus.publish(new ReauthenticationEvent("ep-" + i));
			}
			eventBus.publish(new ReauthenticationFailedEvent("ep-9",
					new RedisCommandExecutionException("WRONGPASS invalid username-password pair")));
			assertThat(count("elasticache.reauthentications", "success")).isEqualTo(3.0);
			assertThat(count("elasticache.reauthentications", "failure")).isEqualTo(1.0);
		}
	}

	private double count(String name, String result) {
		return this.registry.get(name).tag("result", result).functionCounter().count();
	}

	private static Clock clock() {
		return Clock.fixed(NOW, ZoneOffset.UTC);
	}

}
