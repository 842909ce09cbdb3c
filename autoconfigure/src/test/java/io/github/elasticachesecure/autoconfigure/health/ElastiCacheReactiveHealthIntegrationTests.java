package io.github.elasticachesecure.autoconfigure.health;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.elasticachesecure.autoconfigure.RedisTestContexts;
import io.github.elasticachesecure.health.ElastiCacheReactiveHealthIndicator;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.github.elasticachesecure.testsupport.RepointableTcpProxy;
import io.github.elasticachesecure.testsupport.SilentTcpServer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code elasticache} health indicator of a reactive web application against real TLS
 * servers, held to what {@link ElastiCacheHealthIntegrationTests} holds the blocking one
 * to: UP with the connection's details, and DOWN within the bound when the server stops,
 * goes silent or the network drops everything, whatever Lettuce's command timeout. The
 * wait happens on other threads: the subscription (on a WebFlux event loop) returns at
 * once.
 */
class ElastiCacheReactiveHealthIntegrationTests {

	/**
	 * Added to a health timeout for the upper bound of one check, as for the blocking
	 * indicator: what a loaded 2-core machine may add, far below the 60 s command timeout
	 * a check ignoring its own timeout would wait for.
	 */
	private static final Duration MARGIN = Duration.ofSeconds(2);

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@Test
	void upOverTheSecuredConnectionWithItsDetails() {
		RedisTestContexts.reactiveSecuredBy(redis).run((context) -> {
			Health health = RedisTestContexts.reactiveHealthIndicator(context).health().block(Duration.ofSeconds(10));
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("endpoint", "localhost:" + redis.port())
				.containsEntry("tls", true)
				.containsEntry("verifyMode", "FULL")
				.containsEntry("auth", "password")
				.containsEntry("username", RedisTestContexts.USER)
				.doesNotContainKey("reason");
			assertThat(health.toString()).doesNotContain(RedisTestContexts.PASSWORD);
		});
	}

	@Test
	void downWithinTheBoundWhenTheNetworkDropsEverything() {
		// The live connection stays open and its PING is never answered: a partition.
		try (RepointableTcpProxy network = RepointableTcpProxy.to(redis.port())) {
			RedisTestContexts.reactiveRunner()
				.withPropertyValues("elasticache.secure.endpoint=localhost:" + network.port(),
						"elasticache.secure.tls.bundle=test",
						"elasticache.secure.auth.username=" + RedisTestContexts.USER,
						"elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD,
						"elasticache.secure.health.timeout=1s", "spring.data.redis.timeout=60s")
				.run((context) -> {
					ElastiCacheReactiveHealthIndicator indicator = RedisTestContexts.reactiveHealthIndicator(context);
					assertThat(check(indicator).health().getStatus()).isEqualTo(Status.UP);
					network.blackhole();
					for (int i = 0; i < 3; i++) {
						check(indicator).assertDownWithin(Duration.ofSeconds(1), "no reply to PING from localhost:"
								+ network.port() + " within 1s (server stopped, unreachable or not answering)");
					}
					network.heal();
				});
		}
	}

	/**
	 * The check subscribed to, and timed from the subscription to its answer.
	 */
	static TimedHealth check(ElastiCacheReactiveHealthIndicator indicator) throws Exception {
		long start = System.nanoTime();
		CompletableFuture<Health> answer = indicator.health().toFuture();
		Duration subscribedIn = Duration.ofNanos(System.nanoTime() - start);
		// Far above every bound here: a check that ignored its bound would fail on it,
		// not hang the build.
		Health health = answer.get(30, TimeUnit.SECONDS);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		return new TimedHealth(health, took, subscribedIn);
	}

	/**
	 * A check's answer, how long it took from the subscription, and how long the
	 * subscription held the subscriber's thread.
	 */
	record TimedHealth(Health health, Duration took, Duration subscribedIn) {

		/**
		 * A DOWN answer within the bound, for which the subscriber was not held: the wait
		 * happened on other threads.
		 */
		void assertDownWithin(Duration bound, String reason) {
			assertThat(this.health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(this.health.getDetails().get("reason")).asString().isEqualTo(reason);
			assertThat(this.took).isLessThan(bound.plus(MARGIN));
			// far below the bound (1 s) that the check waited for
			assertThat(this.subscribedIn).as("time the subscription held the subscriber")
				.isLessThan(Duration.ofMillis(500));
		}

	}

	@Nested
	class ServerGoesAway {

		@RegisterExtension
		final RedisServerExtension doomed = RedisServerExtension.tls()
			.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

		@Test
		void downWithinTheDefaultBoundAfterTheServerStops() {
			RedisTestContexts.reactiveSecuredBy(this.doomed).run((context) -> {
				ElastiCacheReactiveHealthIndicator indicator = RedisTestContexts.reactiveHealthIndicator(context);
				assertThat(check(indicator).health().getStatus()).isEqualTo(Status.UP);
				this.doomed.process().close();
				TimedHealth down = check(indicator);
				assertThat(down.health().getStatus()).isEqualTo(Status.DOWN);
				assertThat(down.health().getDetails().get("reason")).asString()
					.contains("localhost:" + this.doomed.port())
					.containsAnyOf("no reply to PING", "PING to");
				// The default health timeout (2 s) bounds the check.
				assertThat(down.took()).isLessThan(Duration.ofSeconds(2).plus(MARGIN));
			});
		}

		@Test
		void downWithinTheBoundWhenTheEndpointGoesSilent() {
			// Lettuce's command timeout (60 s) is far above the health bound (1 s): the
			// bound must hold anyway, and the subscriber must not wait in Lettuce's
			// reconnect to a peer that accepts TCP and never answers the handshake.
			RedisTestContexts.reactiveSecuredBy(this.doomed)
				.withPropertyValues("elasticache.secure.health.timeout=1s", "spring.data.redis.timeout=60s")
				.run((context) -> {
					ElastiCacheReactiveHealthIndicator indicator = RedisTestContexts.reactiveHealthIndicator(context);
					assertThat(check(indicator).health().getStatus()).isEqualTo(Status.UP);
					int port = this.doomed.port();
					this.doomed.process().close();
					try (SilentTcpServer silent = SilentTcpServer.start(port)) {
						for (int i = 0; i < 3; i++) {
							check(indicator).assertDownWithin(Duration.ofSeconds(1), "no reply to PING from localhost:"
									+ port + " within 1s (server stopped, unreachable or not answering)");
						}
						assertThat(silent.acceptedConnections()).isPositive();
					}
				});
		}

	}

}
