package io.github.elasticachesecure.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;

/**
 * What the test bed's TCP servers share: a server socket on {@code 127.0.0.1} and a daemon thread that hands every
 * connection it accepts to a handler, in order, until {@link #close()}.
 */
final class LoopbackAcceptor implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final Consumer<Socket> handler;

	private final Thread thread;

	private LoopbackAcceptor(ServerSocket serverSocket, String name, Consumer<Socket> handler) {
		this.serverSocket = serverSocket;
		this.handler = handler;
		this.thread = startDaemon(this::acceptLoop, name + "-" + serverSocket.getLocalPort());
	}

	/**
	 * Listens on the given port of {@code 127.0.0.1} and accepts connections on a daemon thread.
	 * @param port the port, or 0 for an ephemeral one
	 * @param name what the accepting thread is called, followed by the port
	 * @param handler given every accepted connection on the accepting thread; it must not block
	 * @return the listening acceptor
	 */
	static LoopbackAcceptor start(int port, String name, Consumer<Socket> handler) {
		try {
			ServerSocket socket = new ServerSocket();
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
			return new LoopbackAcceptor(socket, name, handler);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + name, ex);
		}
	}

	/** @return the port it listens on */
	int port() {
		return this.serverSocket.getLocalPort();
	}

	private void acceptLoop() {
		while (!this.serverSocket.isClosed()) {
			try {
				this.handler.accept(this.serverSocket.accept());
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	/** Stops listening and waits for the accepting thread: no connection is handed over after it returns. */
	@Override
	public void close() {
		closeQuietly(this.serverSocket);
		join(this.thread);
	}

	static Thread startDaemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	static void join(Thread thread) {
		try {
			thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// closing anyway
		}
	}

}
