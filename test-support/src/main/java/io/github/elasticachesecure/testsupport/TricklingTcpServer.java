package io.github.elasticachesecure.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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

import io.github.elasticachesecure.testkit.LoopbackTcpServer;
import io.github.elasticachesecure.testkit.TestPki.ServerCertificate;

/**
 * A loopback TCP server that answers every connection with the header of a large TLS
 * handshake record and then trickles its body, one byte per interval, for at most a given
 * time (then it closes the connection). A client that only bounds each read never times
 * out: every read gets a byte in time. Optionally the first connection gets a real TLS
 * handshake instead, with a given certificate. {@link #close()} stops listening, closes
 * every connection and ends every thread it started. <pre>{@code
 * try (TricklingTcpServer trickling = TricklingTcpServer.start(Duration.ofMillis(250), Duration.ofSeconds(30))) {
 *     // point a TLS client at localhost:trickling.port()
 * }
 * }</pre>
 */
public final class TricklingTcpServer extends LoopbackTcpServer {

	/**
	 * A TLS 1.2 handshake record of 16 KiB: the client waits for all of it before
	 * parsing.
	 */
	private static final byte[] RECORD_HEADER = { 0x16, 0x03, 0x03, 0x40, 0x00 };

	private final Duration interval;

	private final Duration limit;

	private final List<Thread> connectionThreads = new CopyOnWriteArrayList<>();

	private final SSLContext firstConnectionTls;

	private TricklingTcpServer(Duration interval, Duration limit, SSLContext firstConnectionTls) {
		super(0, "trickling-tcp-server");
		this.interval = interval;
		this.limit = limit;
		this.firstConnectionTls = firstConnectionTls;
		startAccepting();
	}

	/**
	 * Starts a trickling server on an ephemeral port of {@code 127.0.0.1}.
	 * @param interval the time between two bytes
	 * @param limit how long a connection is trickled to before it is closed
	 * @return the running server
	 */
	public static TricklingTcpServer start(Duration interval, Duration limit) {
		return new TricklingTcpServer(interval, limit, null);
	}

	/**
	 * Starts a server whose first connection gets a TLS handshake with the given
	 * certificate (for a client that connects again after rejecting it) and whose later
	 * connections are trickled to.
	 * @param certificate the certificate of the first connection
	 * @param interval the time between two bytes
	 * @param limit how long a connection is trickled to before it is closed
	 * @return the running server
	 */
	public static TricklingTcpServer startAfterTlsHandshake(ServerCertificate certificate, Duration interval,
			Duration limit) {
		return new TricklingTcpServer(interval, limit, serverContext(certificate));
	}

	static SSLContext serverContext(ServerCertificate certificate) {
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

	@Override
	protected void handle(Socket socket) {
		// this connection is already counted
		boolean first = acceptedConnections() == 1;
		this.connectionThreads
			.add(startDaemon(() -> serve(socket, first), "trickling-tcp-connection-" + socket.getPort()));
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

	/** Stops listening, closes every connection and waits for its threads to end. */
	@Override
	public void close() {
		super.close();
		// no thread is added any more
		for (Thread thread : this.connectionThreads) {
			thread.interrupt();
			join(thread);
		}
	}

}
