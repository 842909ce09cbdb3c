package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testkit.TestPki.ServerCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.core.StringRedisTemplate;

import static io.github.elasticachesecure.autoconfigure.TestConditions.awaitUntil;
import static io.github.elasticachesecure.autoconfigure.TestConditions.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Certificate rotation on a real TLS server that restarts on the same port: with a new
 * certificate from the same CA the application reconnects and continues; with one from
 * another CA every reconnection is refused (no command reaches that server) and health is
 * DOWN naming the certificate; when a trusted certificate returns, everything recovers
 * without a restart of the application.
 */
class CertificateRotationIntegrationTests {

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

	private final RedisServerProcess.Builder servers = RedisServerProcess.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	private RedisServerProcess server;

	@AfterEach
	void stopTheServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void sameCaIsFollowedAnotherCaIsRefusedAndATrustedCertificateRecovers() {
		TestPki pki = TestPki.get();
		this.server = this.servers.serverCertificate(pki.localhost()).start();
		int port = this.server.port();
		RedisTestContexts.runner()
			.withPropertyValues("elasticache.secure.endpoint=localhost:" + port, "elasticache.secure.tls.bundle=test",
					"elasticache.secure.auth.username=" + RedisTestContexts.USER,
					"elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD,
					"spring.data.redis.timeout=" + COMMAND_TIMEOUT.toMillis() + "ms",
					"elasticache.secure.health.timeout=1s")
			.run((context) -> {
				StringRedisTemplate redisTemplate = context.getBean(StringRedisTemplate.class);
				HealthIndicator health = RedisTestContexts.healthIndicator(context);
				redisTemplate.opsForValue().set("rotation", "first");
				assertThat(health.health().getStatus()).isEqualTo(Status.UP);

				// a new certificate from the same CA: reconnected and carrying on
				long renewed = restartWith(pki.localhostValidFor(Duration.ofDays(30)), port);
				awaitUntil(() -> succeeds(() -> redisTemplate.opsForValue().set("rotation", "renewed")),
						"a write after the renewal");
				Duration renewal = since(renewed);
				assertThat(this.server.command("GET", "rotation")).isEqualTo("renewed");

				// a certificate from another CA: refused, and said so
				long replaced = restartWith(pki.untrustedLocalhost(), port);
				int refusedWrites = 0;
				for (int i = 0; i < 3; i++) {
					assertThat(succeeds(() -> redisTemplate.opsForValue().set("rotation", "untrusted")))
						.as("a write to a server whose certificate is not trusted")
						.isFalse();
					refusedWrites++;
				}
				awaitUntil(() -> reasonOf(health.health()).contains("UNTRUSTED_CERTIFICATE"),
						"health naming the untrusted certificate");
				Duration healthNamedIt = since(replaced);
				Health down = health.health();
				assertThat(down.getStatus()).isEqualTo(Status.DOWN);
				// what the user must know first, whatever the length of the JDK's own
				// PKIX message after it
				assertThat(reasonOf(down)).startsWith(
						"the endpoint's TLS no longer verifies (UNTRUSTED_CERTIFICATE): reconnections are refused");
				// nothing was executed there but the test kit's own admin connection
				// (HELLO, INFO)
				assertThat(this.server.commandCalls("hello")).as("HELLO of the admin connection only").isEqualTo(1);
				assertThat(this.server.authCalls()).isZero();
				assertThat(this.server.commandCalls("set")).isZero();
				assertThat(this.server.commandCalls("ping")).isZero();
				assertThat(this.server.clientList()).doesNotContain("user=" + RedisTestContexts.USER);

				// a trusted certificate again: recovered without a restart
				long restored = restartWith(pki.localhost(), port);
				awaitUntil(() -> succeeds(() -> redisTemplate.opsForValue().set("rotation", "restored")),
						"a write after the trusted certificate returned");
				Duration recovery = since(restored);
				awaitUntil(() -> health.health().getStatus().equals(Status.UP), "health UP again");
				Duration healthRecovery = since(restored);
				assertThat(this.server.command("GET", "rotation")).isEqualTo("restored");
				// the figures for docs/reliability.md
				System.out.printf("certificate rotation: same CA, first write %d ms after the restart; other CA, "
						+ "%d writes refused, health named it %d ms after the restart; trusted again, first write "
						+ "%d ms and health UP %d ms after the restart%n", renewal.toMillis(), refusedWrites,
						healthNamedIt.toMillis(), recovery.toMillis(), healthRecovery.toMillis());
			});
	}

	/**
	 * Stops the server and starts it again on the same port with another certificate;
	 * returns when it was up.
	 */
	private long restartWith(ServerCertificate certificate, int port) {
		this.server.close();
		this.server = this.servers.serverCertificate(certificate).port(port).start();
		return System.nanoTime();
	}

	private static String reasonOf(Health health) {
		return String.valueOf(health.getDetails().get("reason"));
	}

	private static Duration since(long nanoTime) {
		return Duration.ofNanos(System.nanoTime() - nanoTime);
	}

}
