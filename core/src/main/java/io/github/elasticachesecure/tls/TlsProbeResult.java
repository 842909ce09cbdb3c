package io.github.elasticachesecure.tls;

import org.jspecify.annotations.Nullable;

/**
 * The result of probing one endpoint.
 *
 * @param host the host that was probed
 * @param port the port that was probed
 * @param outcome what was found
 * @param detail a short, secret-free explanation (the underlying error for failures)
 * @param protocol the negotiated TLS protocol, for a completed handshake
 * @param cipherSuite the negotiated cipher suite, for a completed handshake
 * @param certificate the server's certificate, when the server presented one
 */
public record TlsProbeResult(String host, int port, TlsProbeOutcome outcome, String detail, @Nullable String protocol,
		@Nullable String cipherSuite, @Nullable PeerCertificate certificate) {

	/**
	 * Return whether the endpoint is safe to use.
	 * @return whether the outcome is {@link TlsProbeOutcome#SECURE}
	 */
	public boolean isSecure() {
		return this.outcome == TlsProbeOutcome.SECURE;
	}

	/**
	 * Return the endpoint as {@code host:port}.
	 * @return the endpoint
	 */
	public String endpoint() {
		return this.host + ":" + this.port;
	}

	/**
	 * Return this result with what a live session of the application's connection
	 * negotiated.
	 * @param session the live session
	 * @param certificate the certificate to report (the newer of the probe's and the
	 * session's)
	 * @return the result with the session's protocol and cipher suite
	 */
	public TlsProbeResult withSession(LiveTlsSession session, @Nullable PeerCertificate certificate) {
		return new TlsProbeResult(this.host, this.port, this.outcome, this.detail, session.protocol(),
				session.cipherSuite(), certificate);
	}

}
