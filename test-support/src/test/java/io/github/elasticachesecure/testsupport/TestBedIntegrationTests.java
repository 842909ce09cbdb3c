package io.github.elasticachesecure.testsupport;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.elasticachesecure.testkit.FreePorts;
import io.github.elasticachesecure.testkit.RedisErrorReplyException;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testkit.TestPki;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests of the test kit and this project's test support, against real redis-server
 * processes.
 */
class TestBedIntegrationTests {

	private static final String USER = "app";

	private static final String PASSWORD = "app-secret";

	@RegisterExtension
	static final RedisServerExtension tls = RedisServerExtension.tls().aclUser(USER, PASSWORD);

	@RegisterExtension
	static final RedisServerExtension plaintext = RedisServerExtension.plaintext().aclUser(USER, PASSWORD);

	@RegisterExtension
	static final RedisServerExtension wrongHost = RedisServerExtension.tls()
		.serverCertificate(TestPki.get().wrongHost())
		.aclUser(USER, PASSWORD);

	@RegisterExtension
	static final RedisServerExtension untrusted = RedisServerExtension.tls()
		.serverCertificate(TestPki.get().untrustedLocalhost())
		.aclUser(USER, PASSWORD);

	private static final ClientResources resources = DefaultClientResources.builder()
		.ioThreadPoolSize(2)
		.computationThreadPoolSize(2)
		.build();

	@AfterAll
	static void shutdownResources() {
		resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
	}

	@Test
	void tlsServerAnswersAclUserWithFullVerification() {
		assertThat(tls.process().isTls()).isTrue();
		try (Client client = connect(tls.redisUri(USER, PASSWORD), tls.sslOptions(), ProtocolVersion.RESP3)) {
			assertThat(client.connection.sync().ping()).isEqualTo("PONG");
			assertThat(client.connection.sync().aclWhoami()).isEqualTo(USER);
		}
	}

	@Test
	void clientTrustingOnlyJdkDefaultsIsRejected() {
		SslOptions jdkDefaults = SslOptions.builder().jdkSslProvider().build();
		assertThatThrownBy(() -> connect(tls.redisUri(USER, PASSWORD), jdkDefaults, ProtocolVersion.RESP3).close())
			.hasStackTraceContaining("PKIX");
	}

	@Test
	void wrongHostCertificateFailsFullVerificationButPassesCaVerification() {
		assertThatThrownBy(
				() -> connect(wrongHost.redisUri(USER, PASSWORD), wrongHost.sslOptions(), ProtocolVersion.RESP3)
					.close())
			.hasStackTraceContaining("No subject alternative DNS name matching localhost");
		RedisURI caOnly = wrongHost.process()
			.redisUriBuilder()
			.withAuthentication(USER, PASSWORD)
			.withVerifyPeer(SslVerifyMode.CA)
			.build();
		try (Client client = connect(caOnly, wrongHost.sslOptions(), ProtocolVersion.RESP3)) {
			assertThat(client.connection.sync().ping()).isEqualTo("PONG");
		}
	}

	@Test
	void certificateFromUntrustedCaIsRejected() {
		assertThatThrownBy(
				() -> connect(untrusted.redisUri(USER, PASSWORD), untrusted.sslOptions(), ProtocolVersion.RESP3)
					.close())
			.hasStackTraceContaining("PKIX");
	}

	@Test
	void plaintextServerAnswersPlainPing() {
		assertThat(plaintext.process().isTls()).isFalse();
		assertThat(plaintext.url()).startsWith("redis://localhost:");
		try (Client client = connect(plaintext.redisUri(USER, PASSWORD), null, ProtocolVersion.RESP3)) {
			assertThat(client.connection.sync().ping()).isEqualTo("PONG");
		}
	}

	@Test
	void unauthenticatedCommandsAreRefused() throws Exception {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), plaintext.port())) {
			socket.setSoTimeout(2000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = new byte[64];
			int read = in.read(reply);
			assertThat(new String(reply, 0, read, StandardCharsets.US_ASCII)).startsWith("-NOAUTH");
		}
	}

	@Test
	void authCallsCountsAuthCommands() {
		long before = tls.authCalls();
		try (Client client = connect(tls.redisUri(USER, PASSWORD), tls.sslOptions(), ProtocolVersion.RESP2)) {
			client.connection.sync().auth(USER, PASSWORD);
			assertThat(tls.authCalls()).isEqualTo(before + 2); // handshake AUTH +
																// explicit AUTH
		}
	}

	@Test
	void adminCommands() {
		RedisServerProcess redis = tls.process();
		assertThat(redis.adminCommand("CONFIG", "SET", "maxclients", "100")).isEqualTo("OK");
		assertThat(redis.adminCommand("CONFIG", "GET", "maxclients")).isEqualTo("maxclients\n100");
		assertThat(redis.clientList()).contains("name=testbed-admin");
		redis.setAclUser("other", "other-secret");
		try (Client client = connect(redis.redisUri("other", "other-secret"), redis.sslOptions(),
				ProtocolVersion.RESP3)) {
			assertThat(client.connection.sync().ping()).isEqualTo("PONG");
			assertThat(redis.clientList()).contains("user=other");
			assertThat(redis.killClientsOf("other")).isEqualTo(1);
		}
		assertThatThrownBy(() -> redis.adminCommand("NO-SUCH-COMMAND")).isInstanceOf(RedisErrorReplyException.class)
			.hasMessageContaining("unknown command");
		// the admin connection survives being killed
		redis.adminCommand("CLIENT", "KILL", "USER", RedisServerProcess.ADMIN_USER);
		assertThat(redis.adminCommand("PING")).isEqualTo("PONG");
	}

	@Test
	void passwordsStayOutOfDescriptions() {
		assertThat(tls.process().toString()).doesNotContain(tls.adminPassword())
			.contains("rediss://localhost:" + tls.port());
		assertThat(tls.toString()).doesNotContain(tls.adminPassword());
	}

	@Test
	void closeStopsTheProcessAndDeletesItsDirectory() {
		RedisServerProcess redis = RedisServerProcess.tls().start();
		int port = redis.port();
		long pid = redis.pid();
		Path directory = redis.directory();
		assertThat(FreePorts.isListening(port)).isTrue();
		redis.close();
		assertThat(redis.isRunning()).isFalse();
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		assertThat(FreePorts.isListening(port)).isFalse();
		assertThat(Files.exists(directory)).isFalse();
		assertThatThrownBy(() -> redis.adminCommand("PING")).isInstanceOf(IllegalStateException.class);
		redis.close(); // idempotent
	}

	@Test
	void killedServerRestartsOnItsPortWithItsAppendOnlyData() {
		try (RedisServerProcess redis = RedisServerProcess.tls()
			.aclUser(USER, PASSWORD)
			.extraArgs("--appendonly", "yes", "--appendfsync", "always")
			.start()) {
			redis.adminCommand("SET", "kept", "across-restart");
			long pid = redis.pid();
			assertThatThrownBy(redis::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("kill()");
			redis.kill();
			assertThat(redis.isRunning()).isFalse();
			redis.restart();
			assertThat(redis.isRunning()).isTrue();
			assertThat(redis.pid()).isNotEqualTo(pid);
			assertThat(redis.adminCommand("GET", "kept")).isEqualTo("across-restart");
			assertThat(redis.adminCommand("ACL", "WHOAMI")).isEqualTo(RedisServerProcess.ADMIN_USER);
			assertThat(redis.adminCommand("ACL", "USERS")).contains(USER);
			RedisClient client = RedisClient.create(resources, redis.redisUri(USER, PASSWORD));
			client.setOptions(ClientOptions.builder().sslOptions(redis.sslOptions()).build());
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				assertThat(connection.sync().get("kept")).isEqualTo("across-restart");
			}
			finally {
				client.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void silentServerTimesOutClientsAndUnusedPortRefusesThem() {
		try (SilentTcpServer silent = SilentTcpServer.start()) {
			RedisURI uri = RedisURI.builder()
				.withHost(silent.host())
				.withPort(silent.port())
				.withSsl(true)
				.withAuthentication(USER, PASSWORD)
				.withTimeout(Duration.ofMillis(300))
				.build();
			long start = System.nanoTime();
			assertThatThrownBy(() -> connect(uri, tls.sslOptions(), ProtocolVersion.RESP3).close())
				.isInstanceOf(RedisConnectionException.class)
				.hasMessageContaining("Unable to connect to localhost")
				.cause()
				.isInstanceOf(RedisCommandTimeoutException.class)
				.hasMessageContaining("timed out after 300 millisecond(s)");
			// only against a hang: the message above shows the 300 ms timeout fired
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
			assertThat(silent.acceptedConnections()).isGreaterThanOrEqualTo(1);
		}
		int unused = FreePorts.unusedLoopbackPort();
		assertThat(FreePorts.isListening(unused)).isFalse();
		RedisURI refused = RedisURI.builder()
			.withHost("localhost")
			.withPort(unused)
			.withSsl(true)
			.withAuthentication(USER, PASSWORD)
			.withTimeout(Duration.ofSeconds(10))
			.build();
		assertThatThrownBy(() -> connect(refused, tls.sslOptions(), ProtocolVersion.RESP3).close())
			.isInstanceOf(RedisConnectionException.class)
			.hasMessageContaining("Unable to connect to localhost")
			.rootCause()
			.isInstanceOf(ConnectException.class)
			.hasMessageContaining("Connection refused");
	}

	@Test
	void recordingRelayForwardsBothWaysAndRecordsWhatClientsSent() throws Exception {
		try (RecordingTcpRelay relay = RecordingTcpRelay.to(plaintext.port())) {
			try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
				socket.getOutputStream()
					.write(("AUTH " + USER + " " + PASSWORD + "\r\nPING\r\n").getBytes(StandardCharsets.UTF_8));
				byte[] reply = new byte[12];
				int read = 0;
				while (read < reply.length) {
					int n = socket.getInputStream().read(reply, read, reply.length - read);
					assertThat(n).as("bytes read before the reply was complete").isPositive();
					read += n;
				}
				assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("+OK\r\n+PONG\r\n");
			}
			relay.close();
			assertThat(relay.acceptedConnections()).isEqualTo(1);
			assertThat(relay.clientSent(PASSWORD)).isTrue();
			assertThat(relay.clientSent("PONG")).as("server bytes are not recorded").isFalse();
			assertThat(new String(relay.clientBytes().get(0), StandardCharsets.UTF_8)).endsWith("PING\r\n");
		}
	}

	@Test
	void tlsSentinelReportsItsMasterAndReplicasByHostName() {
		try (RedisServerProcess master = RedisServerProcess.tls().aclUser(USER, PASSWORD).start();
				RedisServerProcess replica = RedisServerProcess.tls().replicaOf(master).start();
				RedisServerProcess sentinel = RedisServerProcess.tls()
					.aclUser(USER, PASSWORD)
					.sentinelOf(master)
					.start()) {
			assertThat(sentinel.toString()).contains("sentinel of " + master.url())
				.doesNotContain(master.adminPassword());
			String name = RedisServerProcess.SENTINEL_MASTER_NAME;
			RedisClient client = RedisClient.create(resources);
			try {
				client.setOptions(ClientOptions.builder().sslOptions(sentinel.sslOptions()).build());
				try (StatefulRedisSentinelConnection<String, String> connection = client
					.connectSentinel(sentinel.redisUri(USER, PASSWORD))) {
					assertThat(connection.sync().getMasterAddrByName(name))
						.isEqualTo(InetSocketAddress.createUnresolved("localhost", master.port()));
					assertThat(connection.sync().replicas(name)).singleElement()
						.satisfies((entry) -> assertThat(entry).containsEntry("ip", "localhost")
							.containsEntry("port", String.valueOf(replica.port()))
							.containsEntry("flags", "slave"));
				}
				// a Sentinel-aware client reaches the master it reports, with host-name
				// verification
				RedisURI viaSentinel = RedisURI.builder()
					.withSentinel(sentinel.redisUri(USER, PASSWORD))
					.withSentinelMasterId(name)
					.withAuthentication(USER, PASSWORD)
					.withSsl(true)
					.withVerifyPeer(SslVerifyMode.FULL)
					.build();
				try (StatefulRedisConnection<String, String> connection = client.connect(viaSentinel)) {
					connection.sync().set("through-sentinel", "yes");
					assertThat(master.adminCommand("GET", "through-sentinel")).isEqualTo("yes");
				}
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	@org.junit.jupiter.api.Nested
	class NestedTests {

		@Test
		void nestedClassesShareTheOuterServer() {
			assertThat(tls.process().isRunning()).isTrue();
		}

	}

	private static Client connect(RedisURI uri, SslOptions sslOptions, ProtocolVersion protocol) {
		RedisClient client = RedisClient.create(resources, uri);
		ClientOptions.Builder options = ClientOptions.builder()
			.protocolVersion(protocol)
			.autoReconnect(false)
			.socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
			.timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)));
		if (sslOptions != null) {
			options.sslOptions(sslOptions);
		}
		client.setOptions(options.build());
		try {
			return new Client(client, client.connect());
		}
		catch (RuntimeException ex) {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			throw ex;
		}
	}

	private record Client(RedisClient client,
			StatefulRedisConnection<String, String> connection) implements AutoCloseable {

		@Override
		public void close() {
			this.connection.close();
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}

	}

}
