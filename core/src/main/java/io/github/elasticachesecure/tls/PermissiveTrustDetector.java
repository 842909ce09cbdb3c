package io.github.elasticachesecure.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

import io.lettuce.core.SslVerifyMode;

/**
 * Finds client TLS contexts that accept any server certificate, such as one whose trust
 * manager is Netty's {@code InsecureTrustManagerFactory} (the usual copy-pasted fix for
 * PKIX errors). A probe cannot tell: it trusts what the context trusts, so a real server
 * with a certificate from an unknown CA passes it.
 * <p>
 * The context is offered a certificate that nobody issued: self-signed with a fresh key
 * pair, yet issued for the endpoint's own host name or address, so that a trust manager
 * that still checks host names (the JDK adds that check to a plain
 * {@code X509TrustManager} with {@link SslVerifyMode#FULL}) is not the one that rejects
 * it. No trust store, neither the JDK's nor a configured bundle, holds that certificate:
 * a context that accepts it accepts anything. The TLS handshake runs in memory, between
 * two {@link SSLEngine SSLEngines}, without network.
 */
public final class PermissiveTrustDetector {

	private static final char[] KEY_PASSWORD = "throwaway".toCharArray();

	/** More than the few flights of a TLS 1.2 or 1.3 handshake need. */
	private static final int MAX_EXCHANGES = 20;

	private PermissiveTrustDetector() {
	}

	/**
	 * Return whether a client TLS context accepts any server certificate.
	 * @param clientContext the client's TLS context, as it connects to the endpoint
	 * @param host the endpoint's host name or IP address, as the client connects to it
	 * @param verifyMode how the client verifies the server: {@code FULL} checks host
	 * names, {@code NONE} accepts any certificate by definition
	 * @return whether the client completed a TLS handshake with a server presenting a
	 * certificate nobody issued
	 */
	public static boolean acceptsAnyCertificate(SSLContext clientContext, String host, SslVerifyMode verifyMode) {
		if (verifyMode == SslVerifyMode.NONE) {
			return true;
		}
		SSLEngine server = serverContext(host).createSSLEngine();
		server.setUseClientMode(false);
		// No port: no session of this handshake is ever offered for resumption to a real
		// endpoint.
		SSLEngine client = clientContext.createSSLEngine(host, -1);
		client.setUseClientMode(true);
		SSLParameters parameters = client.getSSLParameters();
		parameters.setEndpointIdentificationAlgorithm((verifyMode == SslVerifyMode.FULL) ? "HTTPS" : "");
		client.setSSLParameters(parameters);
		return completesHandshake(client, server);
	}

	/**
	 * Run the handshake until the client completes it or gives up. A client that fails
	 * for another reason than the certificate (no common protocol version or cipher
	 * suite) cannot connect to a real server either: the probe reports that, so it does
	 * not count as accepting.
	 */
	private static boolean completesHandshake(SSLEngine client, SSLEngine server) {
		int bufferSize = 4
				* Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
		ByteBuffer toServer = ByteBuffer.allocate(bufferSize);
		ByteBuffer toClient = ByteBuffer.allocate(bufferSize);
		ByteBuffer clientData = ByteBuffer.allocate(client.getSession().getApplicationBufferSize());
		ByteBuffer serverData = ByteBuffer.allocate(server.getSession().getApplicationBufferSize());
		try {
			client.beginHandshake();
			server.beginHandshake();
		}
		catch (SSLException ex) {
			return false;
		}
		for (int exchange = 0; exchange < MAX_EXCHANGES; exchange++) {
			try {
				advance(client, toClient, toServer, clientData);
			}
			catch (SSLException ex) {
				return false;
			}
			if (client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
				// A client that failed is closed (and not handshaking either).
				return !client.isOutboundDone();
			}
			try {
				advance(server, toServer, toClient, serverData);
			}
			catch (SSLException ex) {
				return false;
			}
		}
		return false;
	}

	/**
	 * Let an engine send everything it has to send, then read everything it received.
	 */
	private static void advance(SSLEngine engine, ByteBuffer received, ByteBuffer sent, ByteBuffer data)
			throws SSLException {
		ByteBuffer nothing = ByteBuffer.allocate(0);
		while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
			SSLEngineResult result = engine.wrap(nothing, sent);
			runDelegatedTasks(engine);
			if (result.getStatus() != SSLEngineResult.Status.OK) {
				break;
			}
		}
		received.flip();
		try {
			while (engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP && received.hasRemaining()) {
				SSLEngineResult result = engine.unwrap(received, data);
				runDelegatedTasks(engine);
				if (result.getStatus() != SSLEngineResult.Status.OK) {
					break;
				}
			}
		}
		finally {
			received.compact();
		}
	}

	private static void runDelegatedTasks(SSLEngine engine) {
		for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
			task.run();
		}
	}

	private static SSLContext serverContext(String host) {
		try {
			ThrowawayCertificate certificate = ThrowawayCertificate.issuedFor(host);
			// JKS protects the key cheaply; PKCS12 spends tens of milliseconds on 10,000
			// PBE iterations, twice, for a key that never leaves memory.
			KeyStore keyStore = KeyStore.getInstance("JKS");
			keyStore.load(null, null);
			keyStore.setKeyEntry("server", certificate.keyPair().getPrivate(), KEY_PASSWORD,
					new Certificate[] { certificate.certificate() });
			KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keyManagers.init(keyStore, KEY_PASSWORD);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keyManagers.getKeyManagers(), new TrustManager[0], null);
			return context;
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("The JDK cannot create a TLS server for a throw-away certificate", ex);
		}
	}

}
