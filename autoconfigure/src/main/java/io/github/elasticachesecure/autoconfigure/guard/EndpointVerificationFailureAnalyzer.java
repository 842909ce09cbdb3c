package io.github.elasticachesecure.autoconfigure.guard;

import io.github.elasticachesecure.guard.EndpointVerificationException;
import io.github.elasticachesecure.tls.PeerCertificate;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import io.github.elasticachesecure.tls.TlsProbeResult;
import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link EndpointVerificationException}: what the TLS probe of an endpoint
 * found, and what to change.
 */
class EndpointVerificationFailureAnalyzer extends AbstractFailureAnalyzer<EndpointVerificationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EndpointVerificationException cause) {
		TlsProbeResult result = cause.getResult();
		String announcedBy = cause.getAnnouncedBy();
		String subject = "RedisConnectionFactory '" + cause.getBeanName() + "': the endpoint " + result.endpoint()
				+ ((announcedBy != null) ? ", announced by " + announcedBy + "," : "");
		PeerCertificate certificate = result.certificate();
		if (announcedBy != null && result.outcome() == TlsProbeOutcome.HOST_NAME_MISMATCH) {
			return announcedHostNameMismatch(subject, result, certificate, cause);
		}
		return switch (result.outcome()) {
			case NOT_TLS -> new FailureAnalysis(subject + " does not speak TLS: " + result.detail() + ".",
					"Point 'elasticache.secure.endpoint' at the TLS endpoint of a cache with in-transit encryption "
							+ "enabled (ElastiCache: transit encryption mode 'required'). Caches created without "
							+ "encryption have a different endpoint name and must be migrated; the starter never "
							+ "connects in plaintext. In tests, a plaintext container (@ServiceConnection RedisContainer) "
							+ "is refused alike: use the test kit's ElastiCacheContainer.",
					cause);
			case UNTRUSTED_CERTIFICATE -> new FailureAnalysis(
					subject + " presented a certificate that is not trusted" + describe(certificate) + ": "
							+ result.detail() + ".",
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

	/**
	 * A node the cluster announces must present a certificate for the address announced:
	 * the client connects there.
	 */
	private static FailureAnalysis announcedHostNameMismatch(String subject, TlsProbeResult result,
			@Nullable PeerCertificate certificate, EndpointVerificationException cause) {
		if (NetUtil.isValidIpV4Address(result.host()) || NetUtil.isValidIpV6Address(result.host())) {
			return new FailureAnalysis(
					subject + " is an IP address, and its certificate is not issued for it" + describe(certificate)
							+ ". Certificates name hosts, not IP addresses, so with full verification "
							+ "the client would fail the TLS handshake with every node of a cluster that announces IP "
							+ "addresses, on the first redirection (MOVED) to it.",
					"A TLS-enabled ElastiCache cluster announces host names: point 'elasticache.secure.endpoint' at "
							+ "its configuration endpoint. For a self-managed cluster, set 'cluster-announce-hostname' on "
							+ "every node to a name its certificate lists, and 'cluster-preferred-endpoint-type hostname'. "
							+ "Do not lower 'elasticache.secure.tls.verify-mode': it would accept any node's certificate.",
					cause);
		}
		return new FailureAnalysis(
				subject + " presented a certificate that is not issued for '" + result.host() + "'"
						+ describe(certificate) + ".",
				"Give every node a certificate issued for the host name it announces ('cluster-announce-hostname'); "
						+ "the client connects to the announced names.",
				cause);
	}

	private static String describe(@Nullable PeerCertificate certificate) {
		if (certificate == null) {
			return "";
		}
		return " (subject '" + certificate.subject() + "', issuer '" + certificate.issuer() + "', names "
				+ certificate.subjectAlternativeNames() + ")";
	}

}
