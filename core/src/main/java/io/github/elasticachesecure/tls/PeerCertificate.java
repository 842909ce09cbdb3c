package io.github.elasticachesecure.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * What a server certificate says about itself, for reports: never trust material on its
 * own.
 *
 * @param subject the subject distinguished name
 * @param issuer the issuer distinguished name
 * @param subjectAlternativeNames the DNS names and IP addresses the certificate is valid
 * for
 * @param notAfter the end of the validity period
 */
public record PeerCertificate(String subject, String issuer, List<String> subjectAlternativeNames, Instant notAfter) {

	private static final int SAN_DNS_NAME = 2;

	private static final int SAN_IP_ADDRESS = 7;

	/**
	 * Describe the given certificate.
	 * @param certificate the certificate
	 * @return its description
	 */
	public static PeerCertificate of(X509Certificate certificate) {
		return new PeerCertificate(certificate.getSubjectX500Principal().getName(),
				certificate.getIssuerX500Principal().getName(), subjectAlternativeNames(certificate),
				certificate.getNotAfter().toInstant());
	}

	/**
	 * Return whether one of the subject alternative names is the host, as a host-name
	 * check compares them (RFC 6125): ignoring case, and with a wildcard standing for the
	 * host's first label only ({@code *.example.com} names {@code a.example.com}, neither
	 * {@code example.com} nor {@code a.b.example.com}).
	 * @param host the host name or address the client connects to
	 * @return whether the certificate names the host
	 */
	boolean namesHost(String host) {
		String name = host.toLowerCase(Locale.ROOT);
		int firstDot = name.indexOf('.');
		for (String san : this.subjectAlternativeNames) {
			String candidate = san.toLowerCase(Locale.ROOT);
			if (candidate.equals(name) || (candidate.startsWith("*.") && firstDot > 0
					&& name.substring(firstDot).equals(candidate.substring(1)))) {
				return true;
			}
		}
		return false;
	}

	private static List<String> subjectAlternativeNames(X509Certificate certificate) {
		try {
			Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
			List<String> names = new ArrayList<>();
			if (entries != null) {
				for (List<?> entry : entries) {
					Object type = entry.get(0);
					if (type instanceof Integer kind && (kind == SAN_DNS_NAME || kind == SAN_IP_ADDRESS)) {
						names.add(String.valueOf(entry.get(1)));
					}
				}
			}
			return List.copyOf(names);
		}
		catch (CertificateParsingException ex) {
			return List.of();
		}
	}

}
