package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.github.elasticachesecure.health.ElastiCacheHealthIndicator;
import io.github.elasticachesecure.secret.RotatingCredentialsProvider;
import io.github.elasticachesecure.testkit.LocalSecretsManager;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.AcknowledgedWriteLoad;
import io.github.elasticachesecure.testsupport.PooledConnectionsOnly;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code elasticache.secure.auth.password} imported from AWS Secrets Manager by Spring
 * Cloud AWS
 * ({@code spring.config.import=aws-secretsmanager:…?prefix=elasticache.secure.auth.}) and
 * rotated while a steady write load runs from several threads on several pooled
 * connections to a real TLS {@code redis-server}: Spring Cloud AWS's reload refreshes the
 * environment, Spring Cloud publishes an {@link EnvironmentChangeEvent}, and the starter
 * pushes the new password into every live connection, as it does for
 * {@code elasticache.secure.auth.secret}. The secret comes from the test kit's
 * {@link LocalSecretsManager} on loopback, read through the SDK's own client; the
 * starter's periodic re-read is set to an hour, so that only the event can carry the
 * change.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpringCloudSecretReloadIntegrationTests {

	private static final String USER = "reloaded";

	private static final String SECRET = "app/redis";

	private static final String REGION = "us-east-1";

	private static final int THREADS = 4;

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls();

	@RegisterExtension
	static final LocalSecretsManager secrets = LocalSecretsManager.create(REGION);

	private final String first = "first-" + UUID.randomUUID();

	private final String second = "second-" + UUID.randomUUID();

	@BeforeEach
	void userWithTheFirstPassword() {
		redis.adminCommand("ACL", "SETUSER", USER, "reset", "on", ">" + this.first, "~*", "&*", "+@all");
		redis.adminCommand("ACL", "LOG", "RESET");
		// The shape Secrets Manager's rotation of ElastiCache users writes.
		secrets.putSecretValue(SECRET, json(this.first));
	}

	@Test
	void aReloadedPasswordReachesEveryLiveConnectionWithoutAFailedCommand(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = run()) {
			RotatingCredentialsProvider provider = context.getBean(RotatingCredentialsProvider.class);
			assertThat(provider.status().source()).isEqualTo("property 'elasticache.secure.auth.password'");
			assertThat(provider.status().version()).isEqualTo("1");
			assertThat(provider.status().username()).isEqualTo(USER);
			long connections;
			long reauthenticatedMillis;
			AcknowledgedWriteLoad load = new AcknowledgedWriteLoad(context.getBean(StringRedisTemplate.class),
					"reload:", THREADS);
			try {
				load.awaitProgress(50, Duration.ofSeconds(30));
				connections = connectionsOfTheUser();
				assertThat(connections).isPositive();
				long authCalls = redis.authCalls();
				long t0 = System.nanoTime();
				// ElastiCache's ROTATE: the new password is added on the server first...
				redis.adminCommand("ACL", "SETUSER", USER, ">" + this.second);
				secrets.putSecretValue(SECRET, json(this.second));
				// ...Spring Cloud AWS's reload finds it and the environment changes...
				await().atMost(Duration.ofSeconds(20)).until(() -> "2".equals(provider.status().version()));
				// ...every live connection re-authenticates with it...
				await().atMost(Duration.ofSeconds(10)).until(() -> redis.authCalls() - authCalls >= connections);
				reauthenticatedMillis = (System.nanoTime() - t0) / 1_000_000;
				// ...then the old one is removed and the server drops the connections.
				redis.adminCommand("ACL", "SETUSER", USER, "<" + this.first);
				assertThat(redis.process().killClientsOf(USER)).isPositive();
				load.awaitProgress(50, Duration.ofSeconds(30));
			}
			finally {
				assertThat(load.stop()).as("every write returned").isTrue();
			}
			AcknowledgedWriteLoad.Figures figures = load.verify(AcknowledgedWriteLoad.mget(redis.process()));
			assertThat(figures.failures()).as("failed commands %s", load.failureKinds()).isZero();
			assertThat(figures.lost()).as("lost writes").isZero();
			// The server never refused an AUTH: every connection opened after the old
			// password was removed authenticated with the new one.
			assertThat((List<?>) redis.process().command("ACL", "LOG")).as("refused authentications").isEmpty();
			Health health = context.getBean("elasticacheHealthIndicator", ElastiCacheHealthIndicator.class).health();
			assertThat(health.getDetails().get("username")).isEqualTo(USER);
			Map<?, ?> source = (Map<?, ?>) health.getDetails().get("secret");
			assertThat(source.get("source")).isEqualTo("property 'elasticache.secure.auth.password'");
			assertThat(source.get("versionId")).isEqualTo("2");
			assertThat(output.getAll()).doesNotContain(this.first).doesNotContain(this.second);
			assertThat(health.toString()).doesNotContain(this.first).doesNotContain(this.second);
			System.out.printf("Password reloaded by Spring Cloud AWS: %s from %d threads on %d connections; every "
					+ "live connection re-authenticated %d ms after the secret changed (reload period 500 ms)%n",
					figures, THREADS, connections, reauthenticatedMillis);
		}
	}

	@Test
	void onlyAChangeUnderTheAuthPropertiesReadsThePasswordAgain() throws InterruptedException {
		try (ConfigurableApplicationContext context = run()) {
			RotatingCredentialsProvider provider = context.getBean(RotatingCredentialsProvider.class);
			long reads = provider.status().successCount();
			// In an environment variable's spelling, as a property source may give it.
			context.publishEvent(new EnvironmentChangeEvent(context, Set.of("ELASTICACHE_SECURE_AUTH_PASSWORD")));
			await().atMost(Duration.ofSeconds(10)).until(() -> provider.status().successCount() == reads + 1);
			// An unchanged value is no new version.
			assertThat(provider.status().version()).isEqualTo("1");
			context.publishEvent(
					new EnvironmentChangeEvent(context, Set.of("logging.level.root", "elasticache.secure.endpoint")));
			// A read takes milliseconds; the periodic one is an hour away.
			Thread.sleep(1000);
			assertThat(provider.status().successCount()).isEqualTo(reads + 1);
		}
	}

	private static ConfigurableApplicationContext run() {
		return new SpringApplicationBuilder(ReloadingApplication.class).web(WebApplicationType.NONE)
			.run("--spring.config.import=aws-secretsmanager:" + SECRET + "?prefix=elasticache.secure.auth.",
					"--spring.cloud.aws.secretsmanager.endpoint=" + secrets.endpointUrl(),
					"--spring.cloud.aws.secretsmanager.reload.strategy=refresh",
					"--spring.cloud.aws.secretsmanager.reload.period=500ms",
					"--spring.cloud.aws.region.static=" + REGION,
					// Spring Cloud 2025.1 names Boot 4.0 only; CI runs Boot 4.1 too.
					"--spring.cloud.compatibility-verifier.enabled=false",
					// Example values in the shape of AWS keys; the stand-in checks the
					// signature's scope, not the key.
					"--spring.cloud.aws.credentials.access-key=AKIDSPRINGCLOUDRELOAD",
					"--spring.cloud.aws.credentials.secret-key=spring-cloud-reload-secret-key",
					"--elasticache.secure.endpoint=localhost:" + redis.port(), "--elasticache.secure.tls.bundle=test",
					"--spring.ssl.bundle.pem.test.truststore.certificate=file:"
							+ TestPki.get().trustedCa().certificatePem(),
					"--elasticache.secure.auth.secret-refresh-interval=1h",
					"--spring.data.redis.lettuce.pool.enabled=true",
					"--spring.data.redis.lettuce.pool.max-active=" + THREADS,
					"--spring.data.redis.lettuce.pool.max-idle=" + THREADS);
	}

	private static String json(String password) {
		return "{\"username\":\"" + USER + "\",\"password\":\"" + password + "\"}";
	}

	private static long connectionsOfTheUser() {
		return redis.process().clientList().lines().filter((line) -> line.contains(" user=" + USER + " ")).count();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(PooledConnectionsOnly.class)
	static class ReloadingApplication {

	}

}
