package io.github.elasticachesecure.autoconfigure.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.github.elasticachesecure.autoconfigure.RedisTestContexts;
import io.github.elasticachesecure.autoconfigure.health.ElastiCacheSecureHealthAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.metrics.ElastiCacheSecureMetricsAutoConfiguration;
import io.github.elasticachesecure.health.ElastiCacheHealthIndicator;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.github.elasticachesecure.testsupport.SilentTcpServer;
import io.github.elasticachesecure.tls.TlsEndpointMonitor;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.ReactiveHealthContributor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static io.github.elasticachesecure.autoconfigure.TestConditions.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The {@code elasticache} health indicator against real TLS servers: UP with its details,
 * DOWN once the server stops, and DOWN within the bound when the endpoint goes silent.
 */
class ElastiCacheHealthIntegrationTests {

	private static final Duration VALIDITY = Duration.ofDays(90);

	/**
	 * Added to a health timeout for the upper bound of one check: what a loaded 2-core
	 * machine may add, far below Lettuce's 60 s command timeout that a check ignoring its
	 * own timeout would wait for. Only the bound is promised; how long checks take
	 * belongs in the benchmark harness ({@code benchmarks/}), not in a test.
	 */
	private static final Duration MARGIN = Duration.ofSeconds(2);

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls()
		.serverCertificate(TestPki.get().localhostValidFor(VALIDITY))
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	static ApplicationContextRunner withHealth(RedisServerExtension server) {
		return RedisTestContexts.securedBy(server)
			.withConfiguration(AutoConfigurations.of(DataRedisHealthContributorAutoConfiguration.class,
					DataRedisReactiveHealthContributorAutoConfiguration.class));
	}

	@Test
	void upWithAllDetails() {
		withHealth(redis).run((context) -> {
			Health health = RedisTestContexts.healthIndicator(context).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			Map<String, Object> details = health.getDetails();
			assertThat(details).containsEntry("endpoint", "localhost:" + redis.port())
				.containsEntry("topology", "standalone")
				.containsEntry("tls", true)
				.containsEntry("verifyMode", "FULL")
				.containsEntry("tlsProbe", "SECURE")
				.containsEntry("auth", "password")
				.containsEntry("username", RedisTestContexts.USER)
				.containsKeys("protocol", "cipherSuite", "tlsProbedAt", "latencyMillis")
				.doesNotContainKeys("reason", "warnings", "iam");
			assertThat((String) details.get("protocol")).startsWith("TLSv1.");
			assertThat(details.get("certificate")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.containsEntry("subject", TestPki.get().localhostValidFor(VALIDITY).subject())
				.containsEntry("issuer", TestPki.get().trustedCa().subject())
				.containsEntry("daysToExpiry", 89L);
			assertThat(health.toString()).doesNotContain(RedisTestContexts.PASSWORD);
		});
	}

	@Test
	void repliesOverTheApplicationsSharedConnectionWithoutNewConnections() {
		withHealth(redis).run((context) -> {
			HealthIndicator indicator = RedisTestContexts.healthIndicator(context);
			indicator.health();
			long connections = clientsOfUser(redis);
			long pings = redis.process().commandCalls("ping");
			for (int i = 0; i < 5; i++) {
				assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			}
			assertThat(clientsOfUser(redis)).isEqualTo(connections);
			assertThat(redis.process().commandCalls("ping")).isEqualTo(pings + 5);
		});
	}

	@Test
	void certificateExpiryMeterIsTheTimeToTheServerCertificatesNotAfter() {
		withHealth(redis)
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					ElastiCacheSecureMetricsAutoConfiguration.class))
			.run((context) -> {
				double seconds = context.getBean(MeterRegistry.class)
					.get("elasticache.tls.certificate.expiry")
					.gauge()
					.value();
				double expected = Duration.between(Instant.now(), TestPki.get().localhostValidFor(VALIDITY).notAfter())
					.toSeconds();
				// About 90 days: the margin covers the time since the certificate was
				// made and the test's pace.
				assertThat(seconds).isCloseTo(expected, within(120.0));
			});
	}

	@Test
	void replacesBootsRedisIndicator() {
		withHealth(redis).run((context) -> {
			assertThat(context.getBeansOfType(HealthContributor.class)).containsOnlyKeys("elasticacheHealthIndicator");
			assertThat(context.getBeansOfType(ReactiveHealthContributor.class)).isEmpty();
			assertThat(context.getBean("redisHealthContributor"))
				.isInstanceOf(ElastiCacheSecureHealthAutoConfiguration.BootRedisHealthContributorPlaceholder.class);
		});
	}

	@Test
	void keepsBootsRedisIndicatorWhenAsked() {
		withHealth(redis).withPropertyValues("elasticache.secure.health.replace-redis-indicator=false")
			.run((context) -> {
				assertThat(context.getBeansOfType(HealthContributor.class))
					.containsOnlyKeys("elasticacheHealthIndicator");
				assertThat(context.getBeansOfType(ReactiveHealthContributor.class))
					.containsOnlyKeys("redisHealthContributor");
			});
	}

	static long clientsOfUser(RedisServerExtension server) {
		return server.adminCommand("CLIENT", "LIST")
			.lines()
			.filter((line) -> line.contains(" user=" + RedisTestContexts.USER + " "))
			.count();
	}

	@Nested
	class CertificateCloseToExpiry {

		@RegisterExtension
		final RedisServerExtension shortLived = RedisServerExtension.tls()
			.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

		@Test
		void staysUpWithAWarning() {
			// The test kit's default certificate is valid 2 days, under the 14-day
			// default threshold.
			withHealth(this.shortLived).run((context) -> {
				Health health = RedisTestContexts.healthIndicator(context).health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails().get("warnings")).asString()
					.contains("the server certificate expires in 1 days")
					.contains("warning threshold 14 days");
			});
		}

		@Test
		void noWarningBelowAConfiguredThreshold() {
			withHealth(this.shortLived).withPropertyValues("elasticache.secure.health.certificate-expiry-warning=1d")
				.run((context) -> assertThat(RedisTestContexts.healthIndicator(context).health().getDetails())
					.doesNotContainKey("warnings"));
		}

	}

	@Nested
	class ServerGoesAway {

		@RegisterExtension
		final RedisServerExtension doomed = RedisServerExtension.tls()
			.serverCertificate(TestPki.get().localhostValidFor(VALIDITY))
			.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

		@Test
		void downAfterTheServerStops() {
			withHealth(this.doomed).run((context) -> {
				HealthIndicator indicator = RedisTestContexts.healthIndicator(context);
				assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
				this.doomed.process().close();
				long start = System.nanoTime();
				Health health = indicator.health();
				Duration took = Duration.ofNanos(System.nanoTime() - start);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails().get("reason")).asString()
					.contains("localhost:" + this.doomed.port())
					.containsAnyOf("no reply to PING", "PING to");
				assertThat(health.getDetails()).containsEntry("endpoint", "localhost:" + this.doomed.port());
				// The default health timeout (2 s) bounds the check.
				assertThat(took).isLessThan(Duration.ofSeconds(2).plus(MARGIN));
			});
		}

		@Test
		void theTlsDetailsAreProbedAgainEveryRecheckIntervalAndShowTheServerGone() throws Exception {
			withHealth(this.doomed).withPropertyValues("elasticache.secure.health.tls-recheck-interval=1s")
				.run((context) -> {
					TlsEndpointMonitor monitor = context.getBean(TlsEndpointMonitor.class);
					TlsEndpointMonitor.Observation atStartup = monitor.current();
					assertThat(atStartup.result().outcome()).isEqualTo(TlsProbeOutcome.SECURE);
					// Reading starts a probe once the last result is older than the
					// interval (5 minutes by default).
					awaitUntil(() -> monitor.current().probedAt().isAfter(atStartup.probedAt()), "probed again");
					this.doomed.process().close();
					awaitUntil(() -> monitor.current().result().outcome() == TlsProbeOutcome.UNREACHABLE,
							"the stopped server seen by a later probe");
					assertThat(RedisTestContexts.healthIndicator(context).health().getDetails())
						.containsEntry("tlsProbe", "UNREACHABLE");
				});
		}

		@Test
		void downWithinTheBoundWhenTheEndpointGoesSilent() {
			// Lettuce's command timeout (60 s) is far above the health bound (1 s): the
			// bound must hold anyway. Only the upper bound is the product's promise; the
			// reason names the timeout that was waited for.
			withHealth(this.doomed)
				.withPropertyValues("elasticache.secure.health.timeout=1s", "spring.data.redis.timeout=60s")
				.run((context) -> {
					HealthIndicator indicator = RedisTestContexts.healthIndicator(context);
					assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
					int port = this.doomed.port();
					this.doomed.process().close();
					// A peer that accepts TCP and never answers: Lettuce reconnects to it
					// and waits in the handshake.
					try (SilentTcpServer silent = SilentTcpServer.start(port)) {
						for (int i = 0; i < 3; i++) {
							long start = System.nanoTime();
							Health health = indicator.health();
							Duration took = Duration.ofNanos(System.nanoTime() - start);
							assertThat(health.getStatus()).isEqualTo(Status.DOWN);
							assertThat(health.getDetails().get("reason")).asString()
								.isEqualTo("no reply to PING from localhost:" + port
										+ " within 1s (server stopped, unreachable or not answering)");
							assertThat(took).isLessThan(Duration.ofSeconds(1).plus(MARGIN));
						}
						assertThat(silent.acceptedConnections()).isPositive();
					}
				});
		}

	}

}
