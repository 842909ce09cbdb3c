package io.github.elasticachesecure.autoconfigure.health;

import java.time.Duration;
import java.time.Instant;

import io.github.elasticachesecure.autoconfigure.RedisTestContexts;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testkit.TestPki.ServerCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server certificate that expires while the application's connection stays open: the
 * PING still answers over that connection, but new connections would fail, so health is
 * {@code DOWN}, whether the TLS probe last saw the certificate valid (its expiry date
 * decides) or has seen it expired since.
 */
class ExpiredCertificateHealthIntegrationTests {

	private RedisServerProcess server;

	@AfterEach
	void stopTheServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	@DisplayName("health is DOWN once the server certificate has expired, though the probe last saw it valid and the PING answers")
	void downOnceTheCertificateSeenValidHasExpired() {
		// The default TLS recheck interval (minutes): the last probe saw the certificate
		// valid.
		assertDownAfterExpiry(TestPki.get().localhostValidFor(Duration.ofSeconds(12)),
				"elasticache.secure.health.tls-recheck-interval=10m");
	}

	@Test
	@DisplayName("health is DOWN once the TLS probe found the server certificate expired, though the PING answers")
	void downOnceTheProbeFoundTheCertificateExpired() {
		assertDownAfterExpiry(TestPki.get().localhostValidFor(Duration.ofSeconds(13)),
				"elasticache.secure.health.tls-recheck-interval=1s");
	}

	private void assertDownAfterExpiry(ServerCertificate certificate, String recheckInterval) {
		this.server = RedisServerProcess.tls()
			.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD)
			.serverCertificate(certificate)
			.start();
		RedisTestContexts.runner()
			.withPropertyValues("elasticache.secure.endpoint=localhost:" + this.server.port(),
					"elasticache.secure.tls.bundle=test", "elasticache.secure.auth.username=" + RedisTestContexts.USER,
					"elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD,
					"elasticache.secure.health.timeout=2s", recheckInterval)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StringRedisTemplate redisTemplate = context.getBean(StringRedisTemplate.class);
				HealthIndicator health = RedisTestContexts.healthIndicator(context);
				redisTemplate.opsForValue().set("expiry", "before");
				assertThat(health.health().getStatus()).as("health while the certificate is valid")
					.isEqualTo(Status.UP);
				await("the certificate's expiry").atMost(Duration.ofSeconds(20))
					.pollInterval(Duration.ofMillis(100))
					.until(() -> Instant.now().isAfter(certificate.notAfter()));
				// The application's open connection outlives the certificate.
				redisTemplate.opsForValue().set("expiry", "after");
				await("health DOWN after the expiry").atMost(Duration.ofSeconds(10))
					.pollInterval(Duration.ofMillis(200))
					.until(() -> health.health().getStatus().equals(Status.DOWN));
				Health down = health.health();
				assertThat(down.getStatus()).isEqualTo(Status.DOWN);
				assertThat(String.valueOf(down.getDetails().get("reason"))).containsAnyOf("expired",
						"UNTRUSTED_CERTIFICATE");
			});
	}

}
