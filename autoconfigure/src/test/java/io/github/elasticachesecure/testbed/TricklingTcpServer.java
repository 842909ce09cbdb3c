package io.github.elasticachesecure.testbed;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP server that answers every connection with the header of a large TLS handshake record and then
 * trickles its body, one byte per interval, for at most a given time (then it closes the connection). A client that
 * only bounds each read never times out: every read gets a byte in time. {@link #close()} stops listening, closes
 * every connection and ends every thread it started.
 * <pre>{@code
 * try (TricklingTcpServer trickling = TricklingTcpServer.start(Duration.ofMillis(250), Duration.ofSeconds(30))) {
 *     // point a TLS client at localhost:trickling.port()
 * }
 * }</pre>
 */
public final class TricklingTcpServer implements AutoCloseable {

	/** A TLS 1.2 handshake record of 16 KiB: the client waits for all of it before parsing. */
	private static final byte[] RECORD_HEADER = { 0x16, 0x03, 0x03, 0x40, 0x00 };

	private final ServerSocket serverSocket;

	private final Duration interval;

	private final Duration limit;

	private final List<Socket> accepted = new CopyOnWriteArrayList<>();

	private final List<Thread> connectionThreads = new CopyOnWriteArrayList<>();

	private final Thread acceptor;

	private TricklingTcpServer(ServerSocket serverSocket, Duration interval, Duration limit) {
		this.serverSocket = serverSocket;
		this.interval = interval;
		this.limit = limit;
		this.acceptor = daemon(this::acceptLoop, "trickling-tcp-server-" + serverSocket.getLocalPort());
	}

	/**
	 * Starts a trickling server on an ephemeral port of {@code 127.0.0.1}.
	 * @param interval the time between two bytes
	 * @param limit how long a connection is trickled to before it is closed
	 * @return the running server
	 */
	public static TricklingTcpServer start(Duration interval, Duration limit) {
		try {
			ServerSocket socket = new ServerSocket();
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
			return new TricklingTcpServer(socket, interval, limit);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start trickling TCP server", ex);
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
				Socket socket = this.serverSocket.accept();
				this.accepted.add(socket);
				this.connectionThreads.add(daemon(() -> trickle(socket), "trickling-tcp-connection-" + socket.getPort()));
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void trickle(Socket socket) {
		long end = System.nanoTime() + this.limit.toNanos();
		try (socket) {
			OutputStream out = socket.getOutputStream();
			out.write(RECORD_HEADER);
			out.flush();
			while (System.nanoTime() < end) {
				Thread.sleep(this.interval.toMillis());
				out.write(0x01);
				out.flush();
			}
		}
		catch (IOException ex) {
			// the client or close() closed the connection
		}
		catch (InterruptedException ex) {
			// close()
		}
	}

	private static Thread daemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	/** Stops listening, closes every connection and waits for its threads to end. */
	@Override
	public void close() {
		try {
			this.serverSocket.close();
		}
		catch (IOException ex) {
			// ignore
		}
		join(this.acceptor);
		// the acceptor has ended: no connection or thread is added any more
		for (Socket socket : this.accepted) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// ignore
			}
		}
		for (Thread thread : this.connectionThreads) {
			thread.interrupt();
			join(thread);
		}
	}

	private static void join(Thread thread) {
		try {
			thread.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String toString() {
		return "TricklingTcpServer[localhost:" + port() + "]";
	}

}
