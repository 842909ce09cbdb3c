package io.github.elasticachesecure.metrics;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import io.github.elasticachesecure.cache.CacheNode;
import io.github.elasticachesecure.cache.ZoneReads;
import io.github.elasticachesecure.iam.IamTokenStatus;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.event.Event;
import io.lettuce.core.event.EventBus;
import io.lettuce.core.event.connection.ReauthenticationEvent;
import io.lettuce.core.event.connection.ReauthenticationFailedEvent;
import io.lettuce.core.protocol.CommandType;
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

	@Test
	@DisplayName("the reads counter reads each zone's count, and each node's zone is a gauge of its own")
	void readsByZoneAndNodeZones() {
		ZoneReads reads = new ZoneReads("us-east-1a", List.of(new CacheNode("node-1.x", 6379, "us-east-1a", "primary"),
				new CacheNode("node-2.x", 6379, "us-east-1b", "replica"), new CacheNode("node-3.x", 6379, null, null)));
		InetSocketAddress local = InetSocketAddress.createUnresolved("app.x", 50000);
		reads.recordCommandLatency(local, InetSocketAddress.createUnresolved("node-1.x", 6379), CommandType.GET, 1, 2);
		reads.recordCommandLatency(local, InetSocketAddress.createUnresolved("node-2.x", 6379), CommandType.GET, 1, 2);
		reads.recordCommandLatency(local, InetSocketAddress.createUnresolved("node-2.x", 6379), CommandType.GET, 1, 2);
		try (ElastiCacheMetrics metrics = new ElastiCacheMetrics(null, null, null, null, clock())) {
			metrics.countReadsByZone(reads);
			metrics.bindTo(this.registry);
			assertThat(this.registry.get("elasticache.reads").tag("zone", "same").functionCounter().count())
				.isEqualTo(1.0);
			assertThat(this.registry.get("elasticache.reads").tag("zone", "other").functionCounter().count())
				.isEqualTo(2.0);
			assertThat(this.registry.get("elasticache.reads").tag("zone", "unknown").functionCounter().count())
				.isZero();
			assertThat(this.registry.get("elasticache.node.zone").gauges()).hasSize(3)
				.allSatisfy((gauge) -> assertThat(gauge.value()).isEqualTo(1.0));
			assertThat(this.registry.get("elasticache.node.zone")
				.tags("node", "node-1.x:6379", "zone", "us-east-1a", "role", "primary", "local", "true")
				.gauge()).isNotNull();
			assertThat(this.registry.get("elasticache.node.zone")
				.tags("node", "node-2.x:6379", "zone", "us-east-1b", "role", "replica", "local", "false")
				.gauge()).isNotNull();
			assertThat(this.registry.get("elasticache.node.zone")
				.tags("node", "node-3.x:6379", "zone", "unknown", "role", "unknown", "local", "false")
				.gauge()).isNotNull();
		}
	}

	@Test
	@DisplayName("without reads counted by zone, neither the reads counter nor the node zones are bound")
	void noZoneMetersWithoutZoneReads() {
		try (ElastiCacheMetrics metrics = new ElastiCacheMetrics(null, null, null, null, clock())) {
			metrics.bindTo(this.registry);
			assertThat(this.registry.find("elasticache.reads").meters()).isEmpty();
			assertThat(this.registry.find("elasticache.node.zone").meters()).isEmpty();
		}
	}

	private double count(String name, String result) {
		return this.registry.get(name).tag("result", result).functionCounter().count();
	}

	private static Clock clock() {
		return Clock.fixed(NOW, ZoneOffset.UTC);
	}

}
