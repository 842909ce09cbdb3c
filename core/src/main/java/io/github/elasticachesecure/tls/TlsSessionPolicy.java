package io.github.elasticachesecure.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.lettuce.core.SslVerifyMode;
import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

/**
 * What a live TLS session must show before a Redis byte may cross it: a protocol at or
 * above the minimum, an AEAD cipher suite with forward secrecy, and, unless verification
 * is off, a server certificate chain (which the session's own engine verified with the
 * factory's trust material) whose leaf names the host the client meant to reach.
 *
 * @param minimumProtocol the lowest protocol accepted, {@code TLSv1.2} or {@code TLSv1.3}
 * @param verifyMode the weakest verification the application allows: {@code FULL} adds
 * the host-name check here
 */
public record TlsSessionPolicy(String minimumProtocol, SslVerifyMode verifyMode) {

	/**
	 * The protocols a minimum may name, lowest first.
	 */
	public static final List<String> PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

	// Protocols a session may report, lowest first; anything else (SSLv3, or a name the
	// JDK does not know) is refused.
	private static final List<String> RANKED_PROTOCOLS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

	/**
	 * Create a policy.
	 * @param minimumProtocol the lowest protocol accepted
	 * @param verifyMode the weakest verification the application allows
	 * @throws IllegalArgumentException when the minimum is not one of {@link #PROTOCOLS}
	 */
	public TlsSessionPolicy {
		if (!PROTOCOLS.contains(minimumProtocol)) {
			throw new IllegalArgumentException("The minimum TLS protocol must be one of " + PROTOCOLS);
		}
	}

	/**
	 * Return what is wrong with a completed session, or {@code null} when it may carry
	 * Redis traffic.
	 * @param session the session of a completed handshake
	 * @param expectedHost the host the client meant to reach (not where an address
	 * resolver sent it)
	 * @return a secret-free description of the first violation, {@code null} for none
	 */
	public @Nullable String violation(SSLSession session, String expectedHost) {
		String protocol = session.getProtocol();
		if (RANKED_PROTOCOLS.indexOf(protocol) < RANKED_PROTOCOLS.indexOf(this.minimumProtocol)) {
			return "the session negotiated " + protocol + ", below the minimum " + this.minimumProtocol;
		}
		String cipherSuite = session.getCipherSuite();
		if (!isAeadWithForwardSecrecy(cipherSuite)) {
			return "the session negotiated the cipher suite " + cipherSuite
					+ ", which is not an AEAD suite with forward secrecy";
		}
		if (this.verifyMode == SslVerifyMode.NONE) {
			return null;
		}
		X509Certificate leaf = leaf(session);
		if (leaf == null) {
			return "the server presented no certificate";
		}
		PeerCertificate certificate = PeerCertificate.of(leaf);
		if (this.verifyMode == SslVerifyMode.FULL && !names(certificate, expectedHost)) {
			return "the server's certificate does not name " + expectedHost + " (it names "
					+ certificate.subjectAlternativeNames() + ")";
		}
		return null;
	}

	/**
	 * Return whether a cipher suite, in the JDK's (IANA) or OpenSSL's naming, encrypts
	 * with an AEAD cipher and agrees its keys with ephemeral Diffie-Hellman. Every TLS
	 * 1.3 suite does both.
	 * @param cipherSuite the suite's name
	 * @return whether it is acceptable
	 */
	static boolean isAeadWithForwardSecrecy(String cipherSuite) {
		String name = cipherSuite.toUpperCase(Locale.ROOT).replace('-', '_');
		if (name.startsWith("TLS_AES_") || name.startsWith("TLS_CHACHA20_")) {
			return !name.contains("CCM_8");
		}
		String keyExchange = name.startsWith("TLS_") ? name.substring(4) : name;
		boolean forwardSecret = keyExchange.startsWith("ECDHE_") || keyExchange.startsWith("DHE_");
		boolean aead = (name.contains("_GCM_") || name.endsWith("_GCM") || name.contains("CHACHA20_POLY1305")
				|| name.endsWith("_CCM")) && !name.contains("CCM_8");
		return forwardSecret && aead && !name.contains("_ANON_");
	}

	static @Nullable X509Certificate leaf(SSLSession session) {
		try {
			Certificate[] chain = session.getPeerCertificates();
			return (chain.length > 0 && chain[0] instanceof X509Certificate x509) ? x509 : null;
		}
		catch (SSLPeerUnverifiedException ex) {
			return null;
		}
	}

	/**
	 * The host-name check of a {@code FULL} verification, done here a second time from
	 * the live session: a customizer can swap the engine's parameters or reroute the
	 * connection, and the JDK's own host-name checker is not public API. An address is
	 * compared as an address ({@code ::1} and {@code 0:0:0:0:0:0:0:1} are one).
	 */
	private static boolean names(PeerCertificate certificate, String host) {
		if (certificate.namesHost(host)) {
			return true;
		}
		byte[] address = NetUtil.createByteArrayFromIpAddressString(host);
		if (address == null) {
			return false;
		}
		for (String name : certificate.subjectAlternativeNames()) {
			byte[] candidate = NetUtil.createByteArrayFromIpAddressString(name);
			if (candidate != null && sameAddress(address, candidate)) {
				return true;
			}
		}
		return false;
	}

	private static boolean sameAddress(byte[] a, byte[] b) {
		try {
			return InetAddress.getByAddress(a).equals(InetAddress.getByAddress(b));
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}
