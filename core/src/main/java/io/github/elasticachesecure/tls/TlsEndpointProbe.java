package io.github.elasticachesecure.tls;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import io.github.elasticachesecure.logging.Causes;
import io.lettuce.core.SslVerifyMode;
import org.jspecify.annotations.Nullable;

/**
 * Checks that an endpoint speaks TLS and presents a certificate that the client's trust
 * material accepts, with one bounded TCP connect and TLS handshake. No Redis command is
 * sent and no credential is used.
 * <p>
 * The probe uses the JDK's {@link SSLSocket} rather than a Lettuce connection so that it
 * can tell a plaintext peer, an untrusted certificate and a host-name mismatch apart, and
 * name the certificate it saw.
 */
public final class TlsEndpointProbe {

	private final Duration timeout;

	/**
	 * Create a probe.
	 * @param timeout upper bound for the TCP connect and the TLS handshake together
	 */
	public TlsEndpointProbe(Duration timeout) {
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("The probe timeout must be positive");
		}
		this.timeout = timeout;
	}

	/**
	 * Probe an endpoint.
	 * @param host the host name or address, as the client connects to it
	 * @param port the port
	 * @param sslContext the client's TLS context (its trust material decides what is
	 * trusted)
	 * @param verifyMode how the client verifies the server: {@code FULL} adds the
	 * host-name check, {@code NONE} accepts any certificate (an explicit opt-in of the
	 * caller)
	 * @return what was found
	 */
	public TlsProbeResult probe(String host, int port, SSLContext sslContext, SslVerifyMode verifyMode) {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		Socket tcp = new Socket();
		try (SocketDeadline socketDeadline = new SocketDeadline(tcp, deadline)) {
			try {
				tcp.connect(new InetSocketAddress(host, port), remainingMillis(deadline));
			}
			catch (IOException ex) {
				return failure(host, port, TlsProbeOutcome.UNREACHABLE,
						socketDeadline.expired() ? "Connect timed out" : Causes.describe(ex), null);
			}
			SSLContext context = (verifyMode == SslVerifyMode.NONE) ? recordingContext(new AtomicReference<>(), true)
					: sslContext;
			try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(tcp, host, port, true)) {
				if (verifyMode == SslVerifyMode.FULL) {
					SSLParameters parameters = tls.getSSLParameters();
					parameters.setEndpointIdentificationAlgorithm("HTTPS");
					tls.setSSLParameters(parameters);
				}
				tls.setSoTimeout(remainingMillis(deadline));
				tls.startHandshake();
				SSLSession session = tls.getSession();
				return new TlsProbeResult(host, port, TlsProbeOutcome.SECURE, "TLS handshake completed",
						session.getProtocol(), session.getCipherSuite(), leafOf(session.getPeerCertificates()));
			}
			catch (IOException ex) {
				if (ex instanceof SocketTimeoutException || socketDeadline.expired()) {
					return failure(host, port, TlsProbeOutcome.NOT_TLS,
							"accepted the TCP connection but did not answer the TLS handshake within " + this.timeout
									+ " (a plaintext Redis waits silently for a command)",
							null);
				}
				if (ex instanceof SSLHandshakeException handshake) {
					return handshakeFailure(host, port, handshake, deadline);
				}
				// "Unsupported or unrecognized SSL message", a reset or an early close:
				// the peer is not a TLS server.
				return failure(host, port, TlsProbeOutcome.NOT_TLS, Causes.describe(ex), null);
			}
		}
		finally {
			closeQuietly(tcp);
		}
	}

	private TlsProbeResult handshakeFailure(String host, int port, SSLHandshakeException ex, long deadline) {
		if (hasCause(ex, EOFException.class, SocketException.class)) {
			return failure(host, port, TlsProbeOutcome.NOT_TLS, Causes.describe(ex), null);
		}
		if (!hasCause(ex, CertificateException.class)) {
			return failure(host, port, TlsProbeOutcome.HANDSHAKE_FAILED, Causes.describe(ex), null);
		}
		PeerCertificate certificate = fetchCertificate(host, port, deadline);
		boolean chainProblem = hasCause(ex, CertPathBuilderException.class, CertPathValidatorException.class);
		TlsProbeOutcome outcome = (!chainProblem && certificate != null && !certificate.namesHost(host))
				? TlsProbeOutcome.HOST_NAME_MISMATCH : TlsProbeOutcome.UNTRUSTED_CERTIFICATE;
		return failure(host, port, outcome, Causes.describe(ex), certificate);
	}

	/**
	 * Handshake once more only to read the certificate the server presents, for the
	 * report. The recording trust manager rejects every chain, so this handshake never
	 * completes and nothing is sent over it.
	 */
	private @Nullable PeerCertificate fetchCertificate(String host, int port, long deadline) {
		AtomicReference<@Nullable X509Certificate> seen = new AtomicReference<>();
		try (Socket tcp = new Socket(); SocketDeadline socketDeadline = new SocketDeadline(tcp, deadline)) {
			tcp.connect(new InetSocketAddress(host, port), remainingMillis(deadline));
			try (SSLSocket tls = (SSLSocket) recordingContext(seen, false).getSocketFactory()
				.createSocket(tcp, host, port, true)) {
				tls.setSoTimeout(remainingMillis(deadline));
				tls.startHandshake();
			}
		}
		catch (IOException ex) {
			// Expected: the recording trust manager aborts the handshake (or the deadline
			// closed the socket).
		}
		X509Certificate certificate = seen.get();
		return (certificate != null) ? PeerCertificate.of(certificate) : null;
	}

	/**
	 * A context whose trust manager records the server's leaf certificate. With
	 * {@code accept} it accepts any chain: only used for a caller that opted into
	 * {@link SslVerifyMode#NONE}.
	 */
	private static SSLContext recordingContext(AtomicReference<@Nullable X509Certificate> seen, boolean accept) {
		X509TrustManager recorder = new X509TrustManager() {

			@Override
			public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
				throw new CertificateException("Not a server");
			}

			@Override
			public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
				if (chain.length > 0) {
					seen.set(chain[0]);
				}
				if (!accept) {
					throw new CertificateException("Certificate recorded for the report");
				}
			}

			@Override
			public X509Certificate[] getAcceptedIssuers() {
				return new X509Certificate[0];
			}

		};
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, new TrustManager[] { recorder }, null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("The JDK provides no TLS context", ex);
		}
	}

	private static @Nullable PeerCertificate leafOf(Certificate[] chain) {
		return (chain.length > 0 && chain[0] instanceof X509Certificate leaf) ? PeerCertificate.of(leaf) : null;
	}

	private static TlsProbeResult failure(String host, int port, TlsProbeOutcome outcome, String detail,
			@Nullable PeerCertificate certificate) {
		return new TlsProbeResult(host, port, outcome, detail, null, null, certificate);
	}

	@SafeVarargs
	private static boolean hasCause(Throwable ex, Class<? extends Throwable>... types) {
		return Stream.of(types).anyMatch((type) -> Causes.find(ex, type) != null);
	}

	private static int remainingMillis(long deadline) {
		long remaining = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, remaining));
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Nothing was sent; a failed close leaves nothing to clean up.
		}
	}

	/**
	 * Closes a socket at a deadline. A read timeout bounds each read, not the handshake:
	 * a peer that trickles one byte per read timeout would hold the probe indefinitely,
	 * and closing the socket is the one way to end a blocked read of an
	 * {@link SSLSocket}.
	 */
	private static final class SocketDeadline implements AutoCloseable {

		private static final ScheduledThreadPoolExecutor timer = createTimer();

		private final AtomicBoolean expired = new AtomicBoolean();

		private final ScheduledFuture<?> closing;

		SocketDeadline(Socket socket, long deadline) {
			this.closing = timer.schedule(() -> {
				this.expired.set(true);
				closeQuietly(socket);
			}, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
		}

		boolean expired() {
			return this.expired.get();
		}

		@Override
		public void close() {
			this.closing.cancel(false);
		}

		/**
		 * One daemon thread for all probes, ended a second after the last deadline is
		 * gone, so that no thread is left behind between probes.
		 */
		private static ScheduledThreadPoolExecutor createTimer() {
			ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (task) -> {
				Thread thread = new Thread(task, "tls-endpoint-probe-deadline");
				thread.setDaemon(true);
				return thread;
			});
			timer.setKeepAliveTime(1, TimeUnit.SECONDS);
			timer.allowCoreThreadTimeOut(true);
			timer.setRemoveOnCancelPolicy(true);
			return timer;
		}

	}

}
