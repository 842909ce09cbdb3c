package io.github.elasticachesecure.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP server that accepts connections and never sends a byte (nor closes them), so
 * that TLS handshakes, connects with a read timeout and commands time out. Accepted sockets are
 * closed by {@link #close()}.
 * <pre>{@code
 * try (SilentTcpServer silent = SilentTcpServer.start()) {
 *     // point a client at localhost:silent.port() and expect a timeout
 * }
 * }</pre>
 */
public final class SilentTcpServer implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final List<Socket> accepted = new CopyOnWriteArrayList<>();

	private final Thread acceptor;

	private SilentTcpServer(ServerSocket serverSocket) {
		this.serverSocket = serverSocket;
		this.acceptor = new Thread(this::acceptLoop, "silent-tcp-server-" + serverSocket.getLocalPort());
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * Starts a silent server on an ephemeral port of {@code 127.0.0.1}.
	 * @return the running server
	 */
	public static SilentTcpServer start() {
		return start(0);
	}

	/**
	 * Starts a silent server on the given port of {@code 127.0.0.1}, for instance the port of a server that was just
	 * stopped, so that its clients reconnect to a peer that never answers.
	 * @param port the port, or 0 for an ephemeral one
	 * @return the running server
	 */
	public static SilentTcpServer start(int port) {
		try {
			ServerSocket socket = new ServerSocket();
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
			return new SilentTcpServer(socket);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start silent TCP server", ex);
		}
	}

	/** @return {@code "localhost"} */
	public String host() {
		return "localhost";
	}

	/** @return the port it listens on */
	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/** @return number of connections accepted so far */
	public int acceptedConnections() {
		return this.accepted.size();
	}

	private void acceptLoop() {
		while (!this.serverSocket.isClosed()) {
			try {
				this.accepted.add(this.serverSocket.accept());
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	/** Stops listening and closes every accepted connection. */
	@Override
	public void close() {
		try {
			this.serverSocket.close();
		}
		catch (IOException ex) {
			// ignore
		}
		try {
			this.acceptor.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		for (Socket socket : this.accepted) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// ignore
			}
		}
	}

	@Override
	public String toString() {
		return "SilentTcpServer[localhost:" + port() + "]";
	}

}
