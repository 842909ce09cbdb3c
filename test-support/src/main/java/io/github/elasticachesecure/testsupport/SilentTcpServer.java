package io.github.elasticachesecure.testsupport;

import java.net.Socket;

import io.github.elasticachesecure.testkit.LoopbackTcpServer;

/**
 * A loopback TCP server that accepts connections and never sends a byte (nor closes
 * them), so that TLS handshakes, connects with a read timeout and commands time out.
 * Accepted sockets are closed by {@link #close()}. <pre>{@code
 * try (SilentTcpServer silent = SilentTcpServer.start()) {
 *     // point a client at localhost:silent.port() and expect a timeout
 * }
 * }</pre>
 */
public final class SilentTcpServer extends LoopbackTcpServer {

	private SilentTcpServer(int port) {
		super(port, "silent-tcp-server");
		startAccepting();
	}

	/**
	 * Starts a silent server on an ephemeral port of {@code 127.0.0.1}.
	 * @return the running server
	 */
	public static SilentTcpServer start() {
		return start(0);
	}

	/**
	 * Starts a silent server on the given port of {@code 127.0.0.1}, for instance the
	 * port of a server that was just stopped, so that its clients reconnect to a peer
	 * that never answers.
	 * @param port the port, or 0 for an ephemeral one
	 * @return the running server
	 */
	public static SilentTcpServer start(int port) {
		return new SilentTcpServer(port);
	}

	@Override
	protected void handle(Socket socket) {
		// silent: the connection stays open until close()
	}

}
