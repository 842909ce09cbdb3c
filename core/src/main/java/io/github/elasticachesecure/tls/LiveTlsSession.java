package io.github.elasticachesecure.tls;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a live Redis connection's TLS session negotiated, as the wire check saw it when it
 * let the connection's first byte through: the source of every report of the connection's
 * TLS (guard, health, endpoint), never the configuration.
 *
 * @param host the host the client meant to reach
 * @param port the port
 * @param protocol the negotiated protocol
 * @param cipherSuite the negotiated cipher suite
 * @param certificate the server's certificate, {@code null} when verification is off and
 * none was presented
 * @param verifiedAt when the wire check accepted the session
 */
public record LiveTlsSession(String host, int port, String protocol, String cipherSuite,
		@Nullable PeerCertificate certificate, Instant verifiedAt) {

	/**
	 * Return the endpoint as {@code host:port}.
	 * @return the endpoint
	 */
	public String endpoint() {
		return this.host + ":" + this.port;
	}

}
