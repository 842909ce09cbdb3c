package io.github.elasticachesecure.testkit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The container against a real engine and the image in {@code testkit.image} (the one
 * {@code .ci/docker-engine} builds from the local redis-server, unless told otherwise):
 * TLS only, its ACL user, its certificate and CA.
 */
@Testcontainers
class ElastiCacheContainerIntegrationTests {

	@Container
	static final ElastiCacheContainer cache = new ElastiCacheContainer(TestImages.image());

	private static RedisClient client;

	@BeforeAll
	static void createClient() {
		client = RedisClient.create();
		client.setOptions(ClientOptions.builder()
			.sslOptions(SslOptions.builder()
				.trustManager(cache.getSslBundle().getManagers().getTrustManagerFactory())
				.build())
			.build());
	}

	@AfterAll
	static void closeClient() {
		client.shutdown();
	}

	@Test
	void aclUserWorksOverTlsWithFullVerification() {
		try (StatefulRedisConnection<String, String> connection = client
			.connect(uri(cache.getUsername(), cache.getPassword()))) {
			connection.sync().set("greeting", "hello");
			assertThat(connection.sync().get("greeting")).isEqualTo("hello");
			assertThat(connection.sync().aclWhoami()).isEqualTo(ElastiCacheContainer.DEFAULT_USERNAME);
		}
	}

	@Test
	void defaultUserIsDisabledAndUnauthenticatedCommandsAreRefused() throws Exception {
		assertThatExceptionOfType(RedisConnectionException.class)
			.isThrownBy(() -> client.connect(uri("default", cache.getPassword())).close())
			.satisfies((ex) -> assertThat(rootMessage(ex)).startsWith("WRONGPASS"));
		try (Socket socket = cache.getSslBundle()
			.createSslContext()
			.getSocketFactory()
			.createSocket(cache.getHost(), cache.getPort())) {
			socket.setSoTimeout(10_000);
			assertThat(send(socket, "GET greeting")).startsWith("-NOAUTH");
		}
	}

	@Test
	void plaintextClientsGetNoAnswer() throws Exception {
		try (Socket socket = new Socket(cache.getHost(), cache.getPort())) {
			socket.setSoTimeout(10_000);
			String answer;
			try {
				answer = send(socket, "PING");
			}
			catch (SocketException ex) {
				answer = ""; // reset by the server
			}
			assertThat(answer).as("plaintext reply").doesNotContain("PONG");
		}
	}

	/**
	 * Sends an inline command and returns the first reply bytes, empty at end of stream.
	 */
	private static String send(Socket socket, String command) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream in = socket.getInputStream();
		byte[] reply = new byte[256];
		int read = in.read(reply);
		return (read > 0) ? new String(reply, 0, read, StandardCharsets.US_ASCII) : "";
	}

	@Test
	void serverCertificateNamesTheClientsHostAndExpiresWithTheTestPki() throws Exception {
		X509Certificate certificate = cache.getServerCertificate().certificate();
		List<String> names = certificate.getSubjectAlternativeNames()
			.stream()
			.map((name) -> (String) name.get(1))
			.toList();
		assertThat(names).contains("localhost", "127.0.0.1", cache.getHost());
		assertThat(certificate.getNotAfter().toInstant()).isBetween(Instant.now().plus(Duration.ofDays(1)),
				Instant.now().plus(TestPki.DEFAULT_VALIDITY).plusSeconds(60));
		certificate.verify(TestPki.get().trustedCa().certificate().getPublicKey());
	}

	@Test
	void caIsExportedAsPemAndAsSslBundle() throws Exception {
		X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(
					new ByteArrayInputStream(cache.getCaCertificatePem().getBytes(StandardCharsets.US_ASCII)));
		assertThat(ca).isEqualTo(TestPki.get().trustedCa().certificate());
		assertThat(cache.getServerCertificate().issuerName()).isEqualTo(ca.getSubjectX500Principal().getName());
		KeyStore trustStore = cache.getSslBundle().getStores().getTrustStore();
		assertThat(trustStore.size()).isOne();
		assertThat(trustStore.getCertificate(trustStore.aliases().nextElement())).isEqualTo(ca);
	}

	private static RedisURI uri(String user, String password) {
		return RedisURI.builder(uriWithoutAuth()).withAuthentication(user, password.toCharArray()).build();
	}

	private static RedisURI uriWithoutAuth() {
		return RedisURI.builder()
			.withHost(cache.getHost())
			.withPort(cache.getPort())
			.withSsl(true)
			.withVerifyPeer(SslVerifyMode.FULL)
			.withTimeout(Duration.ofSeconds(10))
			.build();
	}

	private static String rootMessage(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return String.valueOf(cause.getMessage());
	}

}
