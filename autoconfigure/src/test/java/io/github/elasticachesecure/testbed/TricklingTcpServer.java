package io.github.elasticachesecure.testbed;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.github.elasticachesecure.testbed.TestPki.ServerCertificate;

/**
 * A loopback TCP server that answers every connection with the header of a large TLS handshake record and then
 * trickles its body, one byte per interval, for at most a given time (then it closes the connection). A client that
 * only bounds each read never times out: every read gets a byte in time. Optionally the first connection gets a real
 * TLS handshake instead, with a given certificate. {@link #close()} stops listening, closes every connection and ends
 * every thread it started.
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

	private final SSLContext firstConnectionTls;

	private TricklingTcpServer(ServerSocket serverSocket, Duration interval, Duration limit,
			SSLContext firstConnectionTls) {
		this.serverSocket = serverSocket;
		this.interval = interval;
		this.limit = limit;
		this.firstConnectionTls = firstConnectionTls;
		this.acceptor = daemon(this::acceptLoop, "trickling-tcp-server-" + serverSocket.getLocalPort());
	}

	/**
	 * Starts a trickling server on an ephemeral port of {@code 127.0.0.1}.
	 * @param interval the time between two bytes
	 * @param limit how long a connection is trickled to before it is closed
	 * @return the running server
	 */
	public static TricklingTcpServer start(Duration interval, Duration limit) {
		return start(interval, limit, null);
	}

	/**
	 * Starts a server whose first connection gets a TLS handshake with the given certificate (for a client that
	 * connects again after rejecting it) and whose later connections are trickled to.
	 * @param certificate the certificate of the first connection
	 * @param interval the time between two bytes
	 * @param limit how long a connection is trickled to before it is closed
	 * @return the running server
	 */
	public static TricklingTcpServer startAfterTlsHandshake(ServerCertificate certificate, Duration interval,
			Duration limit) {
		return start(interval, limit, serverContext(certificate));
	}

	private static TricklingTcpServer start(Duration interval, Duration limit, SSLContext firstConnectionTls) {
		try {
			ServerSocket socket = new ServerSocket();
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
			return new TricklingTcpServer(socket, interval, limit, firstConnectionTls);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start trickling TCP server", ex);
		}
	}

	private static SSLContext serverContext(ServerCertificate certificate) {
		try {
			String pem = Files.readString(certificate.privateKeyPem());
			byte[] pkcs8 = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
			PrivateKey key = KeyFactory.getInstance(certificate.certificate().getPublicKey().getAlgorithm())
				.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
			KeyStore keyStore = KeyStore.getInstance("PKCS12");
			keyStore.load(null, null);
			char[] password = "trickling".toCharArray();
			keyStore.setKeyEntry("server", key, password,
					new Certificate[] { certificate.certificate(), certificate.issuer().certificate() });
			KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keyManagers.init(keyStore, password);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keyManagers.getKeyManagers(), null, null);
			return context;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + certificate.privateKeyPem(), ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not build a TLS server context for " + certificate, ex);
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
				boolean first = this.accepted.isEmpty();
				this.accepted.add(socket);
				this.connectionThreads
					.add(daemon(() -> serve(socket, first), "trickling-tcp-connection-" + socket.getPort()));
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void serve(Socket socket, boolean first) {
		if (first && this.firstConnectionTls != null) {
			try (SSLSocket tls = (SSLSocket) this.firstConnectionTls.getSocketFactory()
				.createSocket(socket, null, socket.getPort(), true)) {
				tls.setUseClientMode(false);
				tls.startHandshake();
			}
			catch (IOException ex) {
				// expected: the client rejects the certificate
			}
			return;
		}
		trickle(socket);
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
