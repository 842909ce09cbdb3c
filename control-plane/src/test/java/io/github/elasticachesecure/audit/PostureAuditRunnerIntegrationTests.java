package io.github.elasticachesecure.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.testkit.MutableClock;
import io.github.elasticachesecure.testsupport.FakeAwsApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PostureAuditRunner} against the ElastiCache and EC2 APIs played on loopback:
 * runs off the caller's thread, shared while in progress and at most one per interval.
 */
class PostureAuditRunnerIntegrationTests {

	private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");

	@RegisterExtension
	final FakeAwsApi aws = FakeAwsApi.forEachTest();

	private final MutableClock clock = new MutableClock(START);

	@Test
	void nothingIsKnownBeforeTheFirstRun() {
		try (PostureAuditRunner runner = runner()) {
			assertThat(runner.latest()).isNull();
			assertThat(runner.await(Duration.ofSeconds(1))).isNull();
			assertThat(runner.nextRunAllowedAt()).isNull();
			assertThat(runner.details()).containsExactly(Map.entry("status", "running"));
		}
	}

	@Test
	void aRunReportsAndTheNextMayStartAfterTheInterval() throws Exception {
		try (PostureAuditRunner runner = runner()) {
			CompletableFuture<PostureReport> first = runner.start();
			PostureReport report = first.get(30, TimeUnit.SECONDS);
			assertThat(runner.await(Duration.ofSeconds(30))).isSameAs(report);
			assertThat(runner.latest()).isSameAs(report);
			assertThat(report.cacheName()).isEqualTo("orders");
			assertThat(report.highFailures()).isEmpty();
			assertThat(runner.nextRunAllowedAt()).isEqualTo(START.plus(Duration.ofMinutes(5)));
			Map<String, Object> details = runner.details();
			assertThat(details).containsEntry("status", "done")
				.containsEntry("cache", "orders")
				.containsEntry("auditedAt", START.toString())
				.containsEntry("nextRunAllowedAt", "2026-12-07T10:05:00Z");
			// within the interval, the completed run is the answer
			this.clock.advance(Duration.ofMinutes(4));
			assertThat(runner.start()).isSameAs(first);
			assertThat(this.aws.actions()).containsOnlyOnce("DescribeReplicationGroups");
			// at the interval's end, a new run
			this.clock.advance(Duration.ofMinutes(1));
			assertThat(runner.nextRunAllowedAt()).isNull();
			assertThat(runner.details()).doesNotContainKey("nextRunAllowedAt");
			CompletableFuture<PostureReport> second = runner.start();
			assertThat(second).isNotSameAs(first);
			assertThat(second.get(30, TimeUnit.SECONDS).auditedAt()).isEqualTo(START.plus(Duration.ofMinutes(5)));
			assertThat(runner.nextRunAllowedAt()).isEqualTo(START.plus(Duration.ofMinutes(10)));
		}
	}

	@Test
	void aRunInProgressIsShared() throws Exception {
		this.aws.hang("DescribeUsers");
		try (PostureAuditRunner runner = runner()) {
			CompletableFuture<PostureReport> first = runner.start();
			// The audit's deadlines follow the test clock: it moves only once the run
			// hangs
			// in DescribeUsers, else a call still in flight (the first SDK call of a cold
			// JVM is slow) times out at once and the run ends.
			awaitAction("DescribeUsers");
			this.clock.advance(Duration.ofMinutes(10));
			assertThat(runner.start()).isSameAs(first);
			assertThat(runner.await(Duration.ofMillis(50))).isNull();
			assertThat(runner.details()).containsEntry("status", "running");
			assertThat(first.get(30, TimeUnit.SECONDS).findings("timeout")).isNotEmpty();
		}
	}

	private void awaitAction(String action) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!this.aws.actions().contains(action)) {
			assertThat(System.nanoTime() - deadline).as("%s reached within 30 s", action).isNegative();
			Thread.sleep(10);
		}
	}

	private PostureAuditRunner runner() {
		PostureAudit audit = PostureAudit
			.builder("orders", "us-east-1",
					StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "secret")))
			.authentication(AuthMode.IAM, "app")
			.timeout(Duration.ofSeconds(2))
			.clock(this.clock)
			.build();
		return new PostureAuditRunner(audit, Duration.ofMinutes(5), this.clock);
	}

}
