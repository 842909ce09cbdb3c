package io.github.elasticachesecure.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.github.elasticachesecure.autoconfigure.metrics.ElastiCacheSecureMetricsAutoConfiguration;
import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.iam.ElastiCacheIamTokenGenerator;
import io.github.elasticachesecure.testkit.MutableClock;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * IAM mode against a real server whose ACL user has the token as its password: a fixed
 * clock and static credentials make every token identical, so that re-authentication with
 * a refreshed token succeeds, until the password changes.
 */
class ElastiCacheIamHealthAndMetricsIntegrationTests {

	private static final String USER = "iam-app";

	private static final Instant NOW = Instant.now();

	private static final AwsBasicCredentials CREDENTIALS = AwsBasicCredentials.create("AKIDEXAMPLE",
			"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

	private static final String TOKEN = generator(Clock.fixed(NOW, ZoneOffset.UTC)).generate(CREDENTIALS).value();

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls()
		.serverCertificate(TestPki.get().localhostValidFor(Duration.ofDays(90)))
		.aclUser(USER, TOKEN);

	private final MutableClock clock = new MutableClock(NOW);

	private final FailingCredentials credentials = new FailingCredentials();

	private final AtomicReference<ElastiCacheIamCredentialsProvider> provider = new AtomicReference<>();

	@AfterEach
	void closeProvider() {
		ElastiCacheIamCredentialsProvider created = this.provider.get();
		if (created != null) {
			created.close();
		}
		redis.process().setAclUser(USER, TOKEN);
	}

	private ApplicationContextRunner runner() {
		return RedisTestContexts.runner()
			// Boot's metrics bind the meters to its registry, as in an application
			.withConfiguration(AutoConfigurations.of(ElastiCacheSecureMetricsAutoConfiguration.class,
					MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class))
			.withPropertyValues("elasticache.secure.endpoint=localhost:" + redis.port(),
					"elasticache.secure.tls.bundle=test", "elasticache.secure.auth.mode=iam",
					"elasticache.secure.auth.username=" + USER, "elasticache.secure.cache-name=my-cache",
					"elasticache.secure.iam.region=us-east-1")
			.withBean(AwsCredentialsProvider.class, () -> this.credentials)
			.withBean(ElastiCacheIamCredentialsProvider.class, () -> {
				ElastiCacheIamCredentialsProvider created = ElastiCacheIamCredentialsProvider
					.builder(generator(this.clock), this.credentials)
					.clock(this.clock)
					.retryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5))
					.build();
				this.provider.set(created);
				return created;
			});
	}

	@Test
	void metersMoveWhenATokenIsRefreshedAndConnectionsReauthenticate() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("iam", "works");
			double refreshes = count(registry, "elasticache.iam.token.refreshes", "result", "success");
			double reauths = count(registry, "elasticache.reauthentications", "result", "success");
			assertThat(refreshes).isPositive();
			assertThat(registry.get("elasticache.iam.token.expiry").gauge().value()).isBetween(600.0, 900.0);

			this.provider.get().refreshNow().get(5, TimeUnit.SECONDS);
			assertThat(count(registry, "elasticache.iam.token.refreshes", "result", "success"))
				.isEqualTo(refreshes + 1);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> count(registry, "elasticache.reauthentications", "result", "success") > reauths);

			// The server stops accepting the token: the next re-authentication is
			// refused.
			redis.process().setAclUser(USER, "another-password-entirely");
			this.provider.get().refreshNow().get(5, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> count(registry, "elasticache.reauthentications", "result", "failure") > 0);
			redis.process().setAclUser(USER, TOKEN);
			assertThat(count(registry, "elasticache.guard.checks", "outcome", "secure")).isEqualTo(1);
		});
	}

	@Test
	void healthShowsTheTokenLifecycleAndGoesDownWhenNoUsableTokenIsLeft() {
		runner().run((context) -> {
			HealthIndicator indicator = context.getBean("elasticacheHealthIndicator", HealthIndicator.class);
			Health up = indicator.health();
			assertThat(up.getStatus()).isEqualTo(Status.UP);
			assertThat(up.getDetails()).containsEntry("auth", "iam").containsEntry("username", USER);
			assertThat(up.getDetails().get("iam")).asString()
				.contains("tokenUsable=true")
				.contains("tokenIssuedAt=")
				.contains("tokenUsableUntil=")
				.contains("lastRefresh=");
			assertThat(up.toString()).doesNotContain(TOKEN).doesNotContain("X-Amz-Signature");

			// The credentials source fails and the last token's usable period ends.
			this.credentials.failing.set(true);
			assertThat(this.provider.get().refreshNow()).failsWithin(Duration.ofSeconds(5));
			this.clock.advance(Duration.ofMinutes(20));
			Health down = indicator.health();
			assertThat(down.getStatus()).isEqualTo(Status.DOWN);
			assertThat(down.getDetails().get("reason")).asString()
				.startsWith("no usable IAM token: the last refresh failed (")
				.contains("credentials source unavailable");
			assertThat(down.getDetails().get("iam")).asString().contains("tokenUsable=false");
			assertThat(down.toString()).doesNotContain(TOKEN).doesNotContain(CREDENTIALS.secretAccessKey());
		});
	}

	private static double count(MeterRegistry registry, String name, String tag, String value) {
		return registry.get(name).tag(tag, value).functionCounter().count();
	}

	private static ElastiCacheIamTokenGenerator generator(Clock clock) {
		return new ElastiCacheIamTokenGenerator("my-cache", USER, "us-east-1", false, clock);
	}

	static final class FailingCredentials implements AwsCredentialsProvider {

		final AtomicBoolean failing = new AtomicBoolean();

		@Override
		public AwsCredentials resolveCredentials() {
			if (this.failing.get()) {
				throw new IllegalStateException("credentials source unavailable");
			}
			return CREDENTIALS;
		}

	}

}
