package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.guard.EndpointVerificationException;
import io.github.elasticachesecure.tls.PeerCertificate;
import io.github.elasticachesecure.tls.TlsProbeResult;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link EndpointVerificationException}: what the TLS probe of an endpoint found, and what to change.
 */
class EndpointVerificationFailureAnalyzer extends AbstractFailureAnalyzer<EndpointVerificationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EndpointVerificationException cause) {
		TlsProbeResult result = cause.getResult();
		String subject = "RedisConnectionFactory '" + cause.getBeanName() + "': the endpoint " + result.endpoint();
		PeerCertificate certificate = result.certificate();
		return switch (result.outcome()) {
			case NOT_TLS -> new FailureAnalysis(subject + " does not speak TLS: " + result.detail() + ".",
					"Point 'elasticache.secure.endpoint' at the TLS endpoint of a cache with in-transit encryption "
							+ "enabled (ElastiCache: transit encryption mode 'required'). Caches created without "
							+ "encryption have a different endpoint name and must be migrated; the starter never "
							+ "connects in plaintext.",
					cause);
			case UNTRUSTED_CERTIFICATE -> new FailureAnalysis(subject + " presented a certificate that is not trusted"
					+ describe(certificate) + ": " + result.detail() + ".",
					"If the server uses a private CA, trust it: set 'elasticache.secure.tls.bundle=<name>' and "
							+ "'spring.ssl.bundle.pem.<name>.truststore.certificate=<CA certificate PEM>'. ElastiCache's "
							+ "own certificates chain to the JDK's default trust store, so an untrusted certificate "
							+ "there means the endpoint is not the cache you expect.",
					cause);
			case HOST_NAME_MISMATCH -> new FailureAnalysis(
					subject + " presented a certificate that is not issued for '" + result.host() + "'"
							+ describe(certificate) + ".",
					"Set 'elasticache.secure.endpoint' to a host name listed in the certificate (an ElastiCache "
							+ "endpoint DNS name, not an IP address or a CNAME of your own).",
					cause);
			case HANDSHAKE_FAILED -> new FailureAnalysis(
					subject + " speaks TLS, but the handshake failed: " + result.detail() + ".",
					"Check the TLS protocols and ciphers of the SSL bundle named by 'elasticache.secure.tls.bundle' "
							+ "(spring.ssl.bundle.*.options); ElastiCache public endpoints need TLS 1.3.",
					cause);
			case UNREACHABLE -> new FailureAnalysis(subject + " could not be reached: " + result.detail() + ".",
					"Check 'elasticache.secure.endpoint', the security group and the network path to the cache, or "
							+ "set 'elasticache.secure.guard.fail-on-unreachable=false' to start with a warning.",
					cause);
			case SECURE -> throw new IllegalStateException("A secure endpoint is not a failure");
		};
	}

	private static String describe(@Nullable PeerCertificate certificate) {
		if (certificate == null) {
			return "";
		}
		return " (subject '" + certificate.subject() + "', issuer '" + certificate.issuer() + "', names "
				+ certificate.subjectAlternativeNames() + ")";
	}

}
