package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.guard.AuthenticationRejectedException;
import io.github.elasticachesecure.guard.InsecureConnectionException;
import io.github.elasticachesecure.testkit.IamFront;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reactive templates Boot auto-configures ({@code ReactiveRedisTemplate},
 * {@code ReactiveStringRedisTemplate}) in a reactive web application, held to what the
 * blocking template's tests check: they work over TLS as the ACL user, their connection
 * (the factory's shared reactive connection, not the blocking one) is re-authenticated
 * with IAM over several re-authentication deadlines, and the guard stops the start before
 * a refused factory is used.
 */
class ReactiveTemplatesIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Duration REAUTHENTICATION_DEADLINE = Duration.ofSeconds(3);

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@RegisterExtension
	static final RedisServerExtension plaintext = RedisServerExtension.plaintext()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@Test
	void reactiveStringRedisTemplateWritesAndReadsOverTlsAsTheAclUser() {
		RedisTestContexts.reactiveSecuredBy(redis)
			.withPropertyValues("spring.data.redis.client-name=reactive-check")
			.run((context) -> {
				ReactiveStringRedisTemplate template = context.getBean(ReactiveStringRedisTemplate.class);
				StepVerifier.create(
						template.opsForValue().set("reactive", "over TLS").then(template.opsForValue().get("reactive")))
					.expectNext("over TLS")
					.expectComplete()
					.verify(WAIT);
				assertThat(redis.adminCommand("GET", "reactive")).isEqualTo("over TLS");
				assertThat(
						redis.process().clientList().lines().filter((client) -> client.contains("name=reactive-check")))
					.as("the application's connections on the server")
					.isNotEmpty()
					.allSatisfy((client) -> assertThat(client).contains(" user=" + RedisTestContexts.USER + " "));
			});
	}

	@Test
	@SuppressWarnings("unchecked")
	void reactiveRedisTemplateWritesAndReadsObjectsOverTls() {
		RedisTestContexts.reactiveSecuredBy(redis).run((context) -> {
			ReactiveRedisTemplate<Object, Object> template = context.getBean("reactiveRedisTemplate",
					ReactiveRedisTemplate.class);
			StepVerifier
				.create(template.opsForValue()
					.set("reactive-object", 42L)
					.then(template.opsForValue().get("reactive-object")))
				.expectNext(42L)
				.expectComplete()
				.verify(WAIT);
		});
	}

	@Test
	void aReactiveApplicationWithTheWrongPasswordStopsWithAClearReport() {
		RedisTestContexts.reactiveSecuredBy(redis)
			.withPropertyValues("elasticache.secure.auth.password=not-the-password")
			.run((context) -> {
				AuthenticationRejectedException failure = StartupFailures.find(context,
						AuthenticationRejectedException.class);
				assertThat(failure).hasMessageContaining("rejected the credentials of user 'app'")
					.hasMessageNotContaining("not-the-password");
				assertThat(failure.getAuthMode()).isEqualTo(AuthMode.PASSWORD);
				assertThat(StartupFailures.analyze(failure).getAction()).contains("elasticache.secure.auth.password");
			});
	}

	@Test
	void aPlaintextFactoryDeclaredAsAReactiveFactoryIsRefusedBeforeItConnects() {
		long helloCalls = plaintext.process().commandCalls("hello");
		RedisTestContexts.reactiveSecuredBy(redis)
			.withBean("plainReactiveFactory", ReactiveRedisConnectionFactory.class,
					() -> new LettuceConnectionFactory(new RedisStandaloneConfiguration("localhost", plaintext.port())))
			.run((context) -> {
				InsecureConnectionException failure = StartupFailures.find(context, InsecureConnectionException.class);
				assertThat(failure.getBeanName()).isEqualTo("plainReactiveFactory");
				assertThat(failure.getReason()).isEqualTo(InsecureConnectionException.Reason.PLAINTEXT);
			});
		assertThat(plaintext.process().commandCalls("hello")).as("HELLO calls on the plaintext server")
			.isEqualTo(helloCalls);
	}

	@Test
	void theReactiveConnectionIsReauthenticatedWithIamAndStaysOpenOverSeveralDeadlines() throws Exception {
		try (IamFront front = IamFront.forServer(redis.process())
			.reauthenticationDeadline(REAUTHENTICATION_DEADLINE)
			.start()) {
			RedisTestContexts.reactiveRunner()
				.withBean(AwsCredentialsProvider.class, front.credentials()::awsCredentialsProvider)
				.withPropertyValues(front.connectionProperties()
					.entrySet()
					.stream()
					.map((property) -> property.getKey() + "=" + property.getValue())
					.toArray(String[]::new))
				.withPropertyValues("elasticache.secure.iam.refresh-interval=1s")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					ReactiveStringRedisTemplate template = context.getBean(ReactiveStringRedisTemplate.class);
					StepVerifier.create(template.opsForValue().set("iam-reactive", "kept"))
						.expectNext(true)
						.expectComplete()
						.verify(WAIT);
					int connections = front.acceptedConnections();
					int tokens = front.acceptedTokens();
					// three deadlines pass while the refresher re-authenticates about
					// every
					// second: a connection left out would be closed at the first one
					Thread.sleep(REAUTHENTICATION_DEADLINE.multipliedBy(3).toMillis());
					StepVerifier.create(template.opsForValue().get("iam-reactive"))
						.expectNext("kept")
						.expectComplete()
						.verify(WAIT);
					assertThat(front.connectionsClosedForMissedReauthentication())
						.as("connections closed for a missed re-authentication")
						.isZero();
					assertThat(front.acceptedConnections()).as("connections opened meanwhile").isEqualTo(connections);
					assertThat(front.acceptedTokens()).as("re-authentications").isGreaterThan(tokens + 3);
					assertThat(front.refusedTokens()).isZero();
				});
		}
	}

}
