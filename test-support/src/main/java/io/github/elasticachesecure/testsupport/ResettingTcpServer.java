package io.github.elasticachesecure.testsupport;

import java.io.IOException;
import java.net.Socket;

import io.github.elasticachesecure.testkit.LoopbackTcpServer;

/**
 * A loopback TCP server that accepts each connection, waits for the client's first bytes
 * (a TLS ClientHello) and resets the connection (a TCP RST: {@code SO_LINGER} 0), as a
 * middlebox or a plaintext service that refuses the handshake does. <pre>{@code
 * try (ResettingTcpServer resetting = ResettingTcpServer.start()) {
 *     // a TLS client at localhost:resetting.port() sees its handshake reset
 * }
 * }</pre>
 */
public final class ResettingTcpServer extends LoopbackTcpServer {

	private ResettingTcpServer() {
		super(0, "resetting-tcp-server");
		startAccepting();
	}

	/**
	 * Starts a resetting server on an ephemeral port of {@code 127.0.0.1}.
	 * @return the running server
	 */
	public static ResettingTcpServer start() {
		return new ResettingTcpServer();
	}

	@Override
	protected void handle(Socket socket) {
		// Reading blocks: on a thread of its own, so that the acceptor keeps accepting.
		startDaemon(() -> {
			try {
				socket.getInputStream().read();
				socket.setSoLinger(true, 0);
			}
			catch (IOException ex) {
				// the client went first: closed below anyway
			}
			closeQuietly(socket);
		}, "resetting-tcp-server-connection");
	}

}
