package io.github.elasticachesecure.cli;

import java.time.Duration;
import java.time.Instant;

import io.github.elasticachesecure.tls.PeerCertificate;

/**
 * Describes the server certificate the TLS probe saw, trusted or not, and how long it
 * stays valid.
 */
final class CertificateStep implements DoctorStep {

	/**
	 * The starter's default for
	 * {@code elasticache.secure.health.certificate-expiry-warning}.
	 */
	static final Duration EXPIRY_WARNING = Duration.ofDays(14);

	@Override
	public String name() {
		return "certificate";
	}

	@Override
	public StepResult run(Diagnosis diagnosis) {
		PeerCertificate certificate = diagnosis.tlsProbe().certificate();
		if (certificate == null) {
			throw new Diagnosis.Missing("a certificate presented by the server");
		}
		Duration left = Duration.between(Instant.now(), certificate.notAfter());
		String summary = "'" + certificate.subject() + "' issued by '" + certificate.issuer() + "', names "
				+ certificate.subjectAlternativeNames() + ", valid until " + certificate.notAfter() + " ("
				+ left.toDays() + " days)";
		StepResult result;
		if (left.isNegative()) {
			result = StepResult.fail(name(), summary,
					"The certificate has expired: ElastiCache renews its own, so an expired certificate means the "
							+ "endpoint is not the cache you expect; renew a self-managed server's certificate.");
		}
		else if (left.compareTo(EXPIRY_WARNING) < 0) {
			result = StepResult.warn(name(), summary, "The certificate expires within " + EXPIRY_WARNING.toDays()
					+ " days: renew it (ElastiCache renews its own) before clients start to refuse it.");
		}
		else {
			result = StepResult.pass(name(), summary);
		}
		return result.with("subject", certificate.subject())
			.with("issuer", certificate.issuer())
			.with("names", certificate.subjectAlternativeNames())
			.with("notAfter", certificate.notAfter().toString())
			.with("daysToExpiry", left.toDays());
	}

}
