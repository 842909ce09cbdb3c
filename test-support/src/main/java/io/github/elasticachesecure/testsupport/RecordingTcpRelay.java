package io.github.elasticachesecure.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.elasticachesecure.testkit.LoopbackTcpServer;

/**
 * A loopback TCP relay that forwards every connection to a target port on
 * {@code 127.0.0.1}, both ways, and records every byte the clients sent, per connection,
 * before forwarding it: what a passive eavesdropper on the wire between the application
 * and Redis would see. Point a client at {@code localhost:relay.port()} instead of the
 * server, then assert on {@link #clientSent(String)} (for a secret:
 * {@code assertThat(relay.clientSent(PASSWORD)).as("...").isFalse()}, so that the secret
 * is not printed), {@link #clientBytes()} or {@link #acceptedConnections()}. <pre>{@code
 * try (RecordingTcpRelay relay = RecordingTcpRelay.to(redis.port())) {
 *     // connect to localhost:relay.port() (TLS clients still verify the server's "localhost" certificate)
 *     relay.close(); // optional: waits until every byte in flight is recorded
 *     assertThat(relay.clientSent("secret")).as("password on the wire").isFalse();
 * }
 * }</pre> Each connection opens its own connection to the target; when either side
 * closes, both are closed. The recording stays readable after {@link #close()}, which
 * stops listening, closes every connection and waits for the forwarding threads, so that
 * nothing sent before it is missing from the recording.
 */
public final class RecordingTcpRelay extends LoopbackTcpServer {

	private final int targetPort;

	private final List<Connection> connections = new CopyOnWriteArrayList<>();

	private RecordingTcpRelay(int targetPort) {
		super(0, "recording-relay");
		this.targetPort = targetPort;
		startAccepting();
	}

	/**
	 * Starts a relay on an ephemeral port of {@code 127.0.0.1} that forwards to
	 * {@code 127.0.0.1:targetPort}.
	 * @param targetPort the port of the server behind the relay
	 * @return the running relay; close it
	 */
	public static RecordingTcpRelay to(int targetPort) {
		return new RecordingTcpRelay(targetPort);
	}

	/**
	 * @return the port of the server behind the relay
	 */
	public int targetPort() {
		return this.targetPort;
	}

	/**
	 * Returns what the clients sent so far, one array per connection in the order they
	 * were accepted.
	 * @return copies of the recorded bytes
	 */
	public List<byte[]> clientBytes() {
		return this.connections.stream().map(Connection::clientBytes).toList();
	}

	/**
	 * Tells whether any client sent the given bytes, contiguously within one connection.
	 * @param bytes the bytes to look for
	 * @return whether they were sent
	 */
	public boolean clientSent(byte[] bytes) {
		return clientBytes().stream().anyMatch((sent) -> indexOf(sent, bytes) >= 0);
	}

	/**
	 * Tells whether any client sent the given text in UTF-8, contiguously within one
	 * connection: a password in cleartext on the wire.
	 * @param text the text to look for
	 * @return whether it was sent
	 */
	public boolean clientSent(String text) {
		return clientSent(text.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	protected void handle(Socket client) {
		Socket server = new Socket();
		try {
			server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 5000);
		}
		catch (IOException ex) {
			// the target is down: the client sees a closed connection, as it would
			// without the relay
			closeQuietly(client);
			closeQuietly(server);
			this.connections.add(new Connection(client, server));
			return;
		}
		Connection connection = new Connection(client, server);
		this.connections.add(connection);
		connection.start();
	}

	/**
	 * Stops listening, closes every connection and waits until their forwarding threads
	 * ended. Idempotent.
	 */
	@Override
	public void close() {
		super.close();
		for (Connection connection : this.connections) {
			connection.close();
		}
	}

	@Override
	public String toString() {
		return "RecordingTcpRelay[localhost:" + port() + " -> 127.0.0.1:" + this.targetPort + "]";
	}

	private static int indexOf(byte[] data, byte[] pattern) {
		if (pattern.length == 0) {
			return 0;
		}
		for (int i = 0; i <= data.length - pattern.length; i++) {
			if (Arrays.equals(data, i, i + pattern.length, pattern, 0, pattern.length)) {
				return i;
			}
		}
		return -1;
	}

	private static final class Connection {

		private final Socket client;

		private final Socket server;

		private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();

		private final Thread upstream;

		private final Thread downstream;

		Connection(Socket client, Socket server) {
			this.client = client;
			this.server = server;
			String name = "recording-relay-" + client.getLocalPort() + "-" + client.getPort();
			this.upstream = new Thread(() -> pump(client, server, this.fromClient), name + "-up");
			this.downstream = new Thread(() -> pump(server, client, null), name + "-down");
			this.upstream.setDaemon(true);
			this.downstream.setDaemon(true);
		}

		void start() {
			this.upstream.start();
			this.downstream.start();
		}

		byte[] clientBytes() {
			synchronized (this.fromClient) {
				return this.fromClient.toByteArray();
			}
		}

		void close() {
			closeQuietly(this.client);
			closeQuietly(this.server);
			if (this.upstream.getState() != Thread.State.NEW) {
				join(this.upstream);
				join(this.downstream);
			}
		}

	}

}
