package io.github.elasticachesecure.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.iam.ElastiCacheIamTokenGenerator;
import io.github.elasticachesecure.testkit.ElastiCacheContainer;
import io.github.elasticachesecure.testkit.IamFront;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * IAM mode end to end without AWS: the application is configured for IAM as in production
 * (mode, user id, cache name, region), its AWS credentials are the test ones the front
 * checks tokens with, and the container's IAM front stands in for ElastiCache's token
 * check. ElastiCache's 12-hour re-authentication deadline is made
 * {@value #DEADLINE_SECONDS} seconds and the application signs a new token every second,
 * so that its connection must re-authenticate to survive.
 */
@SpringBootTest(properties = { "elasticache.secure.auth.mode=iam", "elasticache.secure.auth.username=sample-iam-user",
		"elasticache.secure.cache-name=sample-cache", "elasticache.secure.iam.region=eu-west-1",
		"elasticache.secure.iam.refresh-interval=1s" })
@Testcontainers
class SampleApplicationIamContainerIntegrationTests {

	private static final int DEADLINE_SECONDS = 5;

	/**
	 * Four refresh intervals and more: a loaded machine may delay a re-authentication,
	 * never by that much.
	 */
	private static final Duration REAUTHENTICATION_DEADLINE = Duration.ofSeconds(DEADLINE_SECONDS);

	private static final Duration LIMIT = Duration.ofSeconds(30);

	@Container
	@ServiceConnection
	static ElastiCacheContainer cache = new ElastiCacheContainer(System.getProperty("testkit.image", "valkey/valkey:8"))
		.withIamAuthentication("sample-iam-user", "sample-cache", "eu-west-1", REAUTHENTICATION_DEADLINE);

	@Autowired
	StringRedisTemplate redis;

	@Autowired
	ElastiCacheIamCredentialsProvider iamCredentials;

	@Autowired
	StartupGuardReport guardReport;

	@Test
	void tokensSignedByTheApplicationAreAccepted() {
		this.redis.opsForValue().set("iam-greeting", "hello");
		assertThat(this.redis.opsForValue().get("iam-greeting")).isEqualTo("hello");
		assertThat(cache.getIamFront().acceptedTokens()).isPositive();
		assertThat(this.guardReport.resultFor(cache.getHost(), cache.getPort()))
			.satisfies((result) -> assertThat(result.outcome()).isEqualTo(TlsProbeOutcome.SECURE));
	}

	@Test
	void aWrongTokenIsRefusedWithWrongpass() throws Exception {
		String token = applicationToken();
		// The same token with its signature's last digit changed
		char last = token.charAt(token.length() - 1);
		String wrong = token.substring(0, token.length() - 1) + ((last == '0') ? '1' : '0');
		int refused = cache.getIamFront().refusedTokens();
		assertThat(auth(token)).startsWith("+OK");
		assertThat(auth(wrong)).startsWith("-WRONGPASS");
		assertThat(cache.getIamFront().refusedTokens()).isEqualTo(refused + 1);
	}

	@Test
	void anExpiredTokenIsRefusedWithWrongpass() throws Exception {
		IamFront front = cache.getIamFront();
		Clock sixteenMinutesAgo = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-16));
		ElastiCacheIamTokenGenerator now = new ElastiCacheIamTokenGenerator(front.cacheName(), front.userId(),
				front.region(), false);
		ElastiCacheIamTokenGenerator past = new ElastiCacheIamTokenGenerator(front.cacheName(), front.userId(),
				front.region(), false, sixteenMinutesAgo);
		AwsCredentials credentials = cache.getIamCredentials().awsCredentialsProvider().resolveCredentials();
		int refused = front.refusedTokens();
		// Signed alike, only 16 minutes apart: the front accepts a token for 15
		assertThat(auth(now.generate(credentials).value())).startsWith("+OK");
		assertThat(auth(past.generate(credentials).value())).startsWith("-WRONGPASS");
		assertThat(front.refusedTokens()).isEqualTo(refused + 1);
	}

	@Test
	void reauthenticationKeepsTheApplicationsConnectionOverSeveralDeadlines() throws Exception {
		IamFront front = cache.getIamFront();
		long clientId = applicationClientId();
		int accepted = front.acceptedTokens();
		int closed = front.connectionsClosedForMissedReauthentication();
		for (int deadline = 1; deadline <= 3; deadline++) {
			Thread.sleep(REAUTHENTICATION_DEADLINE.toMillis());
			// Lettuce reconnects a closed connection: a new one would have a new id
			assertThat(applicationClientId()).as("the application's connection after %d deadlines", deadline)
				.isEqualTo(clientId);
		}
		assertThat(front.connectionsClosedForMissedReauthentication()).isEqualTo(closed);
		assertThat(front.acceptedTokens()).as("re-authentications").isGreaterThanOrEqualTo(accepted + 3);
	}

	@Test
	void aConnectionThatDoesNotReauthenticateIsClosedAfterTheDeadline() throws Exception {
		IamFront front = cache.getIamFront();
		try (RespConnection connection = RespConnection.open()) {
			int closed = front.connectionsClosedForMissedReauthentication();
			assertThat(connection.command("AUTH", cache.getUsername(), applicationToken())).startsWith("+OK");
			assertThat(connection.command("PING")).startsWith("+PONG");
			await().atMost(REAUTHENTICATION_DEADLINE.plus(LIMIT))
				.until(() -> front.connectionsClosedForMissedReauthentication() > closed);
			assertThat(front.connectionsClosedForMissedReauthentication()).isEqualTo(closed + 1);
			assertThat(connection.isClosedByServer()).as("closed by the front").isTrue();
		}
	}

	private String applicationToken() {
		return String.valueOf(this.iamCredentials.resolveCredentials().block().getPassword());
	}

	/**
	 * {@code CLIENT ID} on the application's shared connection (Lettuce's, as Spring Data
	 * has no CLIENT ID).
	 */
	private long applicationClientId() {
		return this.redis.execute((RedisCallback<Long>) (
				connection) -> ((RedisClusterAsyncCommands<?, ?>) connection.getNativeConnection()).clientId()
					.toCompletableFuture()
					.join());
	}

	/**
	 * The reply to {@code AUTH <user id> <token>} on a new connection through the front.
	 */
	private static String auth(String token) throws IOException {
		try (RespConnection connection = RespConnection.open()) {
			return connection.command("AUTH", cache.getUsername(), token);
		}
	}

	/**
	 * A raw RESP connection through the front, over TLS trusting the container's CA: what
	 * a client that never re-authenticates looks like, and single {@code AUTH} commands
	 * Lettuce would not send as they are.
	 */
	private static final class RespConnection implements AutoCloseable {

		private final Socket socket;

		private RespConnection(Socket socket) {
			this.socket = socket;
		}

		static RespConnection open() throws IOException {
			Socket socket = cache.getSslBundle()
				.createSslContext()
				.getSocketFactory()
				.createSocket(cache.getHost(), cache.getPort());
			socket.setSoTimeout(10_000);
			return new RespConnection(socket);
		}

		/**
		 * @return the reply (its first read), empty if the server closed the connection
		 */
		String command(String... command) throws IOException {
			StringBuilder resp = new StringBuilder("*" + command.length + "\r\n");
			for (String part : command) {
				resp.append('$')
					.append(part.getBytes(StandardCharsets.UTF_8).length)
					.append("\r\n")
					.append(part)
					.append("\r\n");
			}
			OutputStream out = this.socket.getOutputStream();
			out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			byte[] reply = new byte[256];
			int read = this.socket.getInputStream().read(reply);
			return (read > 0) ? new String(reply, 0, read, StandardCharsets.UTF_8) : "";
		}

		/**
		 * @return whether the server ended the connection (nothing is pending: every
		 * command was answered)
		 */
		boolean isClosedByServer() throws IOException {
			InputStream in = this.socket.getInputStream();
			try {
				return in.read() < 0;
			}
			catch (SocketTimeoutException ex) {
				return false;
			}
			catch (IOException ex) {
				// Reset rather than closed with close_notify: ended all the same.
				return true;
			}
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class IamTestCredentials {

		/**
		 * The test key the front checks tokens with; an application would get its own
		 * from the AWS chain.
		 */
		@Bean
		AwsCredentialsProvider testAwsCredentials() {
			return cache.getIamCredentials().awsCredentialsProvider();
		}

	}

}
