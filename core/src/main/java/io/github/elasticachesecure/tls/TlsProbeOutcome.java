package io.github.elasticachesecure.tls;

/**
 * What a {@link TlsEndpointProbe} found at an endpoint.
 */
public enum TlsProbeOutcome {

	/**
	 * The endpoint completed a TLS handshake and its certificate passed the requested
	 * verification.
	 */
	SECURE,

	/**
	 * The endpoint accepted the TCP connection but did not complete a TLS handshake: it
	 * answered in plaintext, reset the connection, or stayed silent (a plaintext Redis
	 * waits for a line end and never answers a ClientHello).
	 */
	NOT_TLS,

	/**
	 * The endpoint speaks TLS but the handshake failed for another reason than the
	 * certificate: no common protocol version or cipher suite, or the server rejected the
	 * client.
	 */
	HANDSHAKE_FAILED,

	/**
	 * The certificate chain does not lead to a trusted certificate authority, or is
	 * otherwise invalid (expired, for example).
	 */
	UNTRUSTED_CERTIFICATE,

	/**
	 * The certificate is trusted but not issued for the host name that was connected to.
	 */
	HOST_NAME_MISMATCH,

	/**
	 * No TCP connection could be made within the timeout.
	 */
	UNREACHABLE

}
