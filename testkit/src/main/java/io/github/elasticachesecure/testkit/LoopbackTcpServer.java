package io.github.elasticachesecure.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

/**
 * What the test kit's TCP servers share: a server socket on {@code 127.0.0.1} and a
 * daemon thread that accepts connections and hands each to {@link #handle(Socket)}, in
 * order. {@link #close()} stops listening and closes every accepted connection. The base
 * of {@link IamFront}, and of the relays and fault servers of this project's own tests
 * (its {@code test-support} module).
 */
public abstract class LoopbackTcpServer implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final String name;

	private final List<Socket> accepted = new CopyOnWriteArrayList<>();

	private Thread acceptor;

	/**
	 * Listens on the given port of {@code 127.0.0.1}; the subclass calls
	 * {@link #startAccepting()} once it is ready.
	 * @param port the port, or 0 for an ephemeral one
	 * @param name what the accepting thread is called, followed by the port
	 */
	protected LoopbackTcpServer(int port, String name) {
		this.name = name;
		try {
			this.serverSocket = new ServerSocket();
			this.serverSocket.setReuseAddress(true);
			this.serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + name, ex);
		}
	}

	/**
	 * Starts the accepting thread: last in the subclass's constructor, so that
	 * {@link #handle(Socket)} sees its fields.
	 */
	protected final void startAccepting() {
		this.acceptor = startDaemon(this::acceptLoop, this.name + "-" + port());
	}

	/**
	 * Serves an accepted connection, on the accepting thread: it must not block.
	 * @param socket the connection, already counted by {@link #acceptedConnections()}
	 */
	protected abstract void handle(Socket socket);

	/**
	 * @return {@code "localhost"}
	 */
	public String host() {
		return "localhost";
	}

	/**
	 * @return the port it listens on
	 */
	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/**
	 * @return number of connections accepted so far
	 */
	public int acceptedConnections() {
		return this.accepted.size();
	}

	private void acceptLoop() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket socket = this.serverSocket.accept();
				this.accepted.add(socket);
				handle(socket);
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	/**
	 * Stops listening, waits for the accepting thread and closes every accepted
	 * connection.
	 */
	@Override
	public void close() {
		closeQuietly(this.serverSocket);
		join(this.acceptor);
		// the acceptor has ended: no connection is added any more
		this.accepted.forEach(LoopbackTcpServer::closeQuietly);
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[localhost:" + port() + "]";
	}

	protected static Thread startDaemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	protected static void join(Thread thread) {
		try {
			thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Copy everything {@code from} sends to {@code to} until either side closes, then
	 * close both; with a {@code recording}, keep a copy of the bytes first.
	 */
	protected static void pump(Socket from, Socket to, @Nullable ByteArrayOutputStream recording) {
		pump(from, to, recording, () -> {
		});
	}

	/**
	 * Like {@link #pump(Socket, Socket, ByteArrayOutputStream)}, calling
	 * {@code beforeForwarding} after each read and before its bytes are written, which
	 * may hold them back.
	 */
	protected static void pump(Socket from, Socket to, @Nullable ByteArrayOutputStream recording,
			Runnable beforeForwarding) {
		byte[] buffer = new byte[8192];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				if (recording != null) {
					synchronized (recording) {
						recording.write(buffer, 0, read);
					}
				}
				beforeForwarding.run();
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// one side closed or reset
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	protected static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// closing anyway
		}
	}

}
