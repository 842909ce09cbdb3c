package io.github.elasticachesecure.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.elasticachesecure.testkit.IamFront;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static io.github.elasticachesecure.autoconfigure.TestConditions.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter end to end against the kit's IAM front, configured only from what the front
 * hands out (properties and generated credentials), with ElastiCache's 12-hour
 * re-authentication deadline made seconds: the refresher's re-authentication keeps a live
 * connection open over several deadlines; refreshes further apart than the deadline get
 * the connection closed, and the application reconnects with its current token.
 */
class ReauthenticationDeadlineIntegrationTests {

	private static final Duration DEADLINE = Duration.ofSeconds(4);

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls();

	@Test
	void theRefreshersReauthenticationKeepsALiveConnectionOpenOverSeveralDeadlines() throws Exception {
		try (IamFront front = IamFront.forServer(redis.process()).reauthenticationDeadline(DEADLINE).start()) {
			runnerThrough(front).withPropertyValues("elasticache.secure.iam.refresh-interval=1s").run((context) -> {
				assertThat(context).hasNotFailed();
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				template.opsForValue().set("deadline", "kept");
				String connection = clientId(template);
				int acceptedAtStart = front.acceptedTokens();
				// three deadlines pass while the refresher re-authenticates about every
				// second
				Thread.sleep(DEADLINE.multipliedBy(3).toMillis());
				assertThat(template.opsForValue().get("deadline")).isEqualTo("kept");
				assertThat(clientId(template)).as("the same connection").isEqualTo(connection);
				assertThat(front.connectionsClosedForMissedReauthentication()).isZero();
				assertThat(front.acceptedTokens()).as("re-authentications").isGreaterThan(acceptedAtStart + 3);
				assertThat(front.refusedTokens()).isZero();
			});
		}
	}

	@Test
	void aConnectionThatMissesTheDeadlineIsClosedAndTheApplicationReconnects() {
		try (IamFront front = IamFront.forServer(redis.process()).reauthenticationDeadline(DEADLINE).start()) {
			// the default refresh interval, 5 minutes, is longer than the deadline
			runnerThrough(front).run((context) -> {
				assertThat(context).hasNotFailed();
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				template.opsForValue().set("deadline", "missed");
				String connection = clientId(template);
				awaitUntil(() -> front.connectionsClosedForMissedReauthentication() > 0,
						"the front closed the connection at the deadline");
				assertThat(template.opsForValue().get("deadline")).isEqualTo("missed");
				assertThat(clientId(template)).as("a new connection").isNotEqualTo(connection);
				assertThat(front.refusedTokens()).isZero();
			});
		}
	}

	/**
	 * The starter configured as a user would from the kit: the front's properties and its
	 * generated credentials.
	 */
	private static ApplicationContextRunner runnerThrough(IamFront front) {
		return RedisTestContexts.runner()
			.withBean(AwsCredentialsProvider.class, front.credentials()::awsCredentialsProvider)
			.withPropertyValues(front.connectionProperties()
				.entrySet()
				.stream()
				.map((property) -> property.getKey() + "=" + property.getValue())
				.toArray(String[]::new));
	}

	/** {@code id=N} of the application's shared connection, from {@code CLIENT INFO}. */
	private static String clientId(StringRedisTemplate template) {
		Object info = template.execute((RedisCallback<Object>) (connection) -> connection.execute("CLIENT",
				"INFO".getBytes(StandardCharsets.US_ASCII)));
		String text = (info instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(info);
		return text.substring(0, text.indexOf(' '));
	}

}
