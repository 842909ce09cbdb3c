package io.github.elasticachesecure.sample;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.testkit.ElastiCacheContainer;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * IAM mode end to end without AWS: the application is configured for IAM as in production (mode, user id, cache name,
 * region), its AWS credentials are the test ones the front checks tokens with, and the container's IAM front stands in
 * for ElastiCache's token check.
 */
@SpringBootTest(properties = { "elasticache.secure.auth.mode=iam", "elasticache.secure.auth.username=sample-iam-user",
		"elasticache.secure.cache-name=sample-cache", "elasticache.secure.iam.region=eu-west-1" })
@Testcontainers
class SampleApplicationIamContainerTests {

	@Container
	@ServiceConnection
	static ElastiCacheContainer cache = new ElastiCacheContainer(System.getProperty("testkit.image", "valkey/valkey:8"))
		.withIamAuthentication("sample-iam-user", "sample-cache", "eu-west-1");

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
		String token = String.valueOf(this.iamCredentials.resolveCredentials().block().getPassword());
		// The same token with its signature's last digit changed
		char last = token.charAt(token.length() - 1);
		String wrong = token.substring(0, token.length() - 1) + ((last == '0') ? '1' : '0');
		int refused = cache.getIamFront().refusedTokens();
		assertThat(auth(token)).startsWith("+OK");
		assertThat(auth(wrong)).startsWith("-WRONGPASS");
		assertThat(cache.getIamFront().refusedTokens()).isEqualTo(refused + 1);
	}

	/** The reply to {@code AUTH <user id> <token>} through the front, over TLS trusting the container's CA. */
	private static String auth(String token) throws Exception {
		try (Socket socket = cache.getSslBundle().createSslContext().getSocketFactory()
			.createSocket(cache.getHost(), cache.getPort())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			String[] command = { "AUTH", cache.getUsername(), token };
			StringBuilder resp = new StringBuilder("*" + command.length + "\r\n");
			for (String part : command) {
				resp.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(part).append("\r\n");
			}
			out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = new byte[256];
			int read = in.read(reply);
			return (read > 0) ? new String(reply, 0, read, StandardCharsets.UTF_8) : "";
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class IamTestCredentials {

		/** The test key the front checks tokens with; an application would get its own from the AWS chain. */
		@Bean
		AwsCredentialsProvider testAwsCredentials() {
			return cache.getIamCredentials().awsCredentialsProvider();
		}

	}

}
