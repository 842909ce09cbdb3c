package io.github.elasticachesecure.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.github.elasticachesecure.testkit.LoopbackTcpServer;
import io.github.elasticachesecure.testkit.TestPki.ServerCertificate;

/**
 * A loopback TLS server that completes a handshake on every connection with a given
 * certificate, then reads until the client closes. Nothing else is served: it stands for
 * a TLS endpoint in tests of the probe, without a Redis process. {@link #close()} stops
 * listening, closes every connection and ends every thread it started.
 */
public final class TlsHandshakeServer extends LoopbackTcpServer {

	private final SSLContext context;

	private final List<Thread> connectionThreads = new CopyOnWriteArrayList<>();

	private TlsHandshakeServer(ServerCertificate certificate) {
		super(0, "tls-handshake-server");
		this.context = TricklingTcpServer.serverContext(certificate);
		startAccepting();
	}

	/**
	 * Starts a TLS server on an ephemeral port of {@code 127.0.0.1}.
	 * @param certificate the certificate (with its issuing CA as chain) the server
	 * presents
	 * @return the running server
	 */
	public static TlsHandshakeServer start(ServerCertificate certificate) {
		return new TlsHandshakeServer(certificate);
	}

	@Override
	protected void handle(Socket socket) {
		this.connectionThreads.add(startDaemon(() -> serve(socket), "tls-handshake-connection-" + socket.getPort()));
	}

	private void serve(Socket socket) {
		try (SSLSocket tls = (SSLSocket) this.context.getSocketFactory()
			.createSocket(socket, null, socket.getPort(), true)) {
			tls.setUseClientMode(false);
			tls.startHandshake();
			InputStream in = tls.getInputStream();
			while (in.read() != -1) {
				// nothing is served
			}
		}
		catch (IOException ex) {
			// the client rejected the certificate, closed the connection, or close() did
		}
	}

	/** Stops listening, closes every connection and waits for its threads to end. */
	@Override
	public void close() {
		super.close();
		this.connectionThreads.forEach(LoopbackTcpServer::join);
	}

}
