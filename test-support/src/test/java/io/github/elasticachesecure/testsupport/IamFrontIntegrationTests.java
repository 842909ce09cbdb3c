package io.github.elasticachesecure.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import io.github.elasticachesecure.testkit.IamFront;
import io.github.elasticachesecure.testkit.LocalElastiCache;
import io.github.elasticachesecure.testkit.MutableClock;
import io.github.elasticachesecure.testkit.SigV4Reference;
import io.github.elasticachesecure.testkit.TestAwsCredentials;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner.AuthLocation;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The IAM front against a real TLS server and plain Lettuce, with tokens signed by the
 * AWS SDK's own SigV4 signer (not the front's {@link SigV4Reference}): accepted when
 * right, refused with the server's {@code WRONGPASS} when anything is wrong or expired,
 * and connections closed when they miss the re-authentication deadline.
 */
class IamFrontIntegrationTests {

	private static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

	private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

	private static final Duration LIMIT = Duration.ofSeconds(30);

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls();

	private static final ClientResources resources = DefaultClientResources.builder()
		.ioThreadPoolSize(2)
		.computationThreadPoolSize(2)
		.build();

	@AfterAll
	static void shutdownResources() {
		resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
	}

	@Test
	void acceptsTheRightTokenAndRefusesEveryWrongOneWithWrongpass() {
		MutableClock clock = new MutableClock(T0);
		try (IamFront front = IamFront.forServer(redis.process())
			.userId("app-user")
			.cacheName("My-Cache")
			.region("eu-west-1")
			.clock(clock)
			.start()) {
			TestAwsCredentials credentials = front.credentials();
			RedisClient client = client();
			try (StatefulRedisConnection<String, String> connection = client
				.connect(uri(front, "app-user", token("my-cache", "app-user", "eu-west-1", false, T0, credentials)))) {
				assertThat(connection.sync().ping()).isEqualTo("PONG");
				assertThat(front.acceptedTokens()).isEqualTo(1);
				TestAwsCredentials otherSecret = new TestAwsCredentials(credentials.accessKeyId(), "another-secret");
				assertRefused(connection, "app-user",
						token("my-cache", "app-user", "eu-west-1", false, T0, otherSecret));
				assertRefused(connection, "app-user",
						token("other-cache", "app-user", "eu-west-1", false, T0, credentials));
				assertRefused(connection, "app-user",
						token("my-cache", "app-user", "us-east-1", false, T0, credentials));
				assertRefused(connection, "app-user",
						token("my-cache", "app-user", "eu-west-1", true, T0, credentials));
				assertRefused(connection, "app-user",
						token("my-cache", "other-user", "eu-west-1", false, T0, credentials));
				assertRefused(connection, "app-user", "not a token at all");
				// the token names the right user, the AUTH another one
				assertRefused(connection, "other-user",
						token("my-cache", "app-user", "eu-west-1", false, T0, credentials));
				assertThat(front.refusedTokens()).isEqualTo(7);
				// a refused AUTH leaves the connection as it was
				assertThat(connection.sync().ping()).isEqualTo("PONG");
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	@Test
	void refusesAnExpiredTokenOnANewConnection() {
		MutableClock clock = new MutableClock(T0);
		try (IamFront front = IamFront.forServer(redis.process()).clock(clock).start()) {
			String token = token(front.cacheName(), front.userId(), front.region(), false, T0, front.credentials());
			clock.advance(Duration.ofMinutes(15));
			RedisClient client = client();
			try {
				client.connect(uri(front, front.userId(), token)).close();
				assertThat(front.acceptedTokens()).as("a token exactly 15 minutes old is still valid").isEqualTo(1);
				clock.advance(Duration.ofSeconds(1));
				Throwable refused = catchThrowable(() -> client.connect(uri(front, front.userId(), token)));
				assertThat(refused).isInstanceOf(RedisConnectionException.class);
				assertThat(rootMessage(refused)).isEqualTo(WRONGPASS);
				assertThat(front.refusedTokens()).isEqualTo(1);
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	@Test
	void checksServerlessTokensForTheirResourceType() {
		MutableClock clock = new MutableClock(T0);
		try (IamFront front = IamFront.forServer(redis.process())
			.serverlessCacheName("my-serverless")
			.clock(clock)
			.start()) {
			RedisClient client = client();
			try {
				String serverless = token("my-serverless", front.userId(), front.region(), true, T0,
						front.credentials());
				client.connect(uri(front, front.userId(), serverless)).close();
				String replicationGroup = token("my-serverless", front.userId(), front.region(), false, T0,
						front.credentials());
				assertThat(
						rootMessage(catchThrowable(() -> client.connect(uri(front, front.userId(), replicationGroup)))))
					.isEqualTo(WRONGPASS);
				assertThat(front.acceptedTokens()).isEqualTo(1);
				assertThat(front.refusedTokens()).isEqualTo(1);
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	@Test
	void aConnectionThatReauthenticatesInTimeStaysOpenOverSeveralDeadlinesAndOneThatDoesNotIsClosed() {
		MutableClock clock = new MutableClock(T0);
		try (IamFront front = IamFront.forServer(redis.process())
			.clock(clock)
			.reauthenticationDeadline(Duration.ofMinutes(10))
			.start()) {
			Sinks.Many<RedisCredentials> tokens = Sinks.many().replay().latest();
			tokens.tryEmitNext(RedisCredentials.just(front.userId(), signedNow(front, clock)));
			RedisURI uri = uri(front, null, null);
			uri.setCredentialsProvider(new StreamingCredentials(tokens.asFlux()));
			RedisClient client = client();
			// Lettuce re-authenticates on every new token; without reconnects, a closed
			// connection stays closed.
			client.setOptions(ClientOptions.builder()
				.sslOptions(redis.sslOptions())
				.autoReconnect(false)
				.reauthenticateBehavior(ClientOptions.ReauthenticateBehavior.ON_NEW_CREDENTIALS)
				.build());
			try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
				Long clientId = connection.sync().clientId();
				// 4 × 6 minutes: more than two deadlines, each re-authentication within
				// one
				for (int round = 1; round <= 4; round++) {
					clock.advance(Duration.ofMinutes(6));
					int accepted = front.acceptedTokens();
					tokens.tryEmitNext(RedisCredentials.just(front.userId(), signedNow(front, clock)));
					await().atMost(LIMIT).until(() -> front.acceptedTokens() > accepted);
					assertThat(connection.sync().clientId()).isEqualTo(clientId);
				}
				assertThat(front.connectionsClosedForMissedReauthentication()).isZero();
				// no new token this time: past the deadline the front closes the
				// connection
				clock.advance(Duration.ofMinutes(10).plusSeconds(1));
				await().atMost(LIMIT).until(() -> !connection.isOpen());
				assertThat(front.connectionsClosedForMissedReauthentication()).isEqualTo(1);
				assertThat(front.refusedTokens()).isZero();
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	@Test
	void closesAConnectionThatMissesADeadlineOfSecondsOnTheSystemClock() {
		try (IamFront front = IamFront.forServer(redis.process())
			.reauthenticationDeadline(Duration.ofSeconds(1))
			.start()) {
			RedisClient client = client();
			client.setOptions(ClientOptions.builder().sslOptions(redis.sslOptions()).autoReconnect(false).build());
			try (StatefulRedisConnection<String, String> connection = client
				.connect(uri(front, front.userId(), token(front.cacheName(), front.userId(), front.region(), false,
						Instant.now(), front.credentials())))) {
				assertThat(connection.sync().ping()).isEqualTo("PONG");
				await().atMost(LIMIT).until(() -> !connection.isOpen());
				assertThat(front.connectionsClosedForMissedReauthentication()).isEqualTo(1);
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	@Test
	void createsItsUserAndKeepsItsSecretsOutOfDescriptions() {
		try (IamFront front = IamFront.forServer(redis.process()).userId("described-user").start()) {
			assertThat(redis.adminCommand("ACL", "USERS")).contains("described-user");
			String secret = front.credentials().secretAccessKey();
			assertThat(secret).hasSizeGreaterThanOrEqualTo(40);
			assertThat(front.credentials().accessKeyId()).startsWith("AKIATESTKIT");
			assertThat(front.toString().contains(secret) || front.credentials().toString().contains(secret))
				.as("the secret key appears in a description")
				.isFalse();
			assertThat(
					front.credentials().awsCredentialsProvider().resolveCredentials().secretAccessKey().equals(secret))
				.as("the SDK provider hands out the secret")
				.isTrue();
			assertThat(front.connectionProperties())
				.containsEntry("elasticache.secure.endpoint", "localhost:" + front.port())
				.containsEntry("elasticache.secure.auth.mode", "iam")
				.containsEntry("elasticache.secure.auth.username", "described-user")
				.containsEntry("elasticache.secure.cache-name", "test-cache")
				.containsEntry("elasticache.secure.iam.region", "us-east-1")
				.containsEntry("elasticache.secure.tls.bundle", LocalElastiCache.SSL_BUNDLE)
				.containsKey("spring.ssl.bundle.pem.local-elasticache.truststore.certificate");
		}
	}

	private static void assertRefused(StatefulRedisConnection<String, String> connection, String user, String token) {
		Throwable refused = catchThrowable(() -> connection.sync().auth(user, token));
		assertThat(refused).isInstanceOf(RedisCommandExecutionException.class).hasMessage(WRONGPASS);
	}

	private static String rootMessage(Throwable throwable) {
		Throwable cause = throwable;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause.getMessage();
	}

	private static RedisClient client() {
		RedisClient client = RedisClient.create(resources);
		client.setOptions(ClientOptions.builder().sslOptions(redis.sslOptions()).build());
		return client;
	}

	private static RedisURI uri(IamFront front, String user, String token) {
		RedisURI.Builder builder = RedisURI.builder()
			.withHost(front.host())
			.withPort(front.port())
			.withSsl(true)
			.withVerifyPeer(SslVerifyMode.FULL)
			.withTimeout(LIMIT);
		if (user != null) {
			builder.withAuthentication(user, token);
		}
		return builder.build();
	}

	private static String signedNow(IamFront front, Clock clock) {
		return token(front.cacheName(), front.userId(), front.region(), front.isServerless(), clock.instant(),
				front.credentials());
	}

	/** A token as ElastiCache's documentation says to make it, signed by the AWS SDK. */
	private static String token(String cacheName, String userId, String region, boolean serverless, Instant time,
			TestAwsCredentials credentials) {
		SdkHttpRequest.Builder request = SdkHttpRequest.builder()
			.method(SdkHttpMethod.GET)
			.protocol("https")
			.host(cacheName)
			.encodedPath("/")
			.putRawQueryParameter("Action", "connect")
			.putRawQueryParameter("User", userId);
		if (serverless) {
			request.putRawQueryParameter("ResourceType", "ServerlessCache");
		}
		String uri = AwsV4HttpSigner.create()
			.sign((sign) -> sign
				.identity(AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey()))
				.request(request.build())
				.putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "elasticache")
				.putProperty(AwsV4HttpSigner.REGION_NAME, region)
				.putProperty(AwsV4HttpSigner.AUTH_LOCATION, AuthLocation.QUERY_STRING)
				.putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, Duration.ofMinutes(15))
				.putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(time, ZoneOffset.UTC)))
			.request()
			.getUri()
			.toString();
		return uri.substring("https://".length());
	}

	/**
	 * Credentials Lettuce subscribes to, re-authenticating its connections on each new
	 * token.
	 */
	private record StreamingCredentials(Flux<RedisCredentials> tokens) implements RedisCredentialsProvider {

		@Override
		public Mono<RedisCredentials> resolveCredentials() {
			return this.tokens.next();
		}

		@Override
		public boolean supportsStreaming() {
			return true;
		}

		@Override
		public Flux<RedisCredentials> credentials() {
			return this.tokens;
		}

	}

}
