package io.github.elasticachesecure.autoconfigure.guard;

import java.time.Instant;
import java.util.List;

import io.github.elasticachesecure.guard.EndpointVerificationException;
import io.github.elasticachesecure.tls.PeerCertificate;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import io.github.elasticachesecure.tls.TlsProbeResult;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource.Mode;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link EndpointVerificationFailureAnalyzer}.
 */
class EndpointVerificationFailureAnalyzerTests {

	private static final PeerCertificate CERTIFICATE = new PeerCertificate("CN=other.example", "CN=Test CA",
			List.of("other.example"), Instant.parse("2030-01-01T00:00:00Z"));

	private static final String SUBJECT = "RedisConnectionFactory 'redisConnectionFactory': the endpoint cache.example:6379";

	@Test
	void notTls() {
		FailureAnalysis analysis = analyze(TlsProbeOutcome.NOT_TLS, "the server answered in plaintext", null);
		assertThat(analysis.getDescription())
			.isEqualTo(SUBJECT + " does not speak TLS: the server answered in plaintext.");
		assertThat(analysis.getAction()).startsWith("Point 'elasticache.secure.endpoint' at the TLS endpoint")
			.contains("the starter never connects in plaintext");
	}

	@Test
	void untrustedCertificateDescribesTheCertificate() {
		FailureAnalysis analysis = analyze(TlsProbeOutcome.UNTRUSTED_CERTIFICATE, "PKIX path building failed",
				CERTIFICATE);
		assertThat(analysis.getDescription()).isEqualTo(SUBJECT
				+ " presented a certificate that is not trusted (subject 'CN=other.example', issuer 'CN=Test CA', "
				+ "names [other.example]): PKIX path building failed.");
		assertThat(analysis.getAction()).contains("set 'elasticache.secure.tls.bundle=<name>'")
			.contains("'spring.ssl.bundle.pem.<name>.truststore.certificate=<CA certificate PEM>'");
	}

	@Test
	void untrustedWithoutACertificate() {
		assertThat(analyze(TlsProbeOutcome.UNTRUSTED_CERTIFICATE, "no certificate", null).getDescription())
			.isEqualTo(SUBJECT + " presented a certificate that is not trusted: no certificate.");
	}

	@Test
	void hostNameMismatchNamesTheHostAndTheCertificate() {
		FailureAnalysis analysis = analyze(TlsProbeOutcome.HOST_NAME_MISMATCH, "No subject alternative DNS name",
				CERTIFICATE);
		assertThat(analysis.getDescription())
			.isEqualTo(SUBJECT + " presented a certificate that is not issued for 'cache.example' (subject "
					+ "'CN=other.example', issuer 'CN=Test CA', names [other.example]).");
		assertThat(analysis.getAction())
			.startsWith("Set 'elasticache.secure.endpoint' to a host name listed in the certificate");
	}

	@Test
	void handshakeFailed() {
		FailureAnalysis analysis = analyze(TlsProbeOutcome.HANDSHAKE_FAILED, "no cipher suites in common", null);
		assertThat(analysis.getDescription())
			.isEqualTo(SUBJECT + " speaks TLS, but the handshake failed: no cipher suites in common.");
		assertThat(analysis.getAction()).contains("'elasticache.secure.tls.bundle'").contains("TLS 1.3");
	}

	@Test
	void unreachableOffersTheWarningInstead() {
		FailureAnalysis analysis = analyze(TlsProbeOutcome.UNREACHABLE, "Connection refused", null);
		assertThat(analysis.getDescription()).isEqualTo(SUBJECT + " could not be reached: Connection refused.");
		assertThat(analysis.getAction()).startsWith("Check 'elasticache.secure.endpoint'")
			.contains("'elasticache.secure.guard.fail-on-unreachable=false'");
	}

	@Test
	void aSecureEndpointIsNoFailure() {
		EndpointVerificationException exception = new EndpointVerificationException("redisConnectionFactory",
				result(TlsProbeOutcome.SECURE, "TLSv1.3", null));
		assertThatIllegalStateException()
			.isThrownBy(() -> new EndpointVerificationFailureAnalyzer().analyze(exception));
	}

	@ParameterizedTest
	@EnumSource(mode = Mode.EXCLUDE, names = "SECURE")
	void printsNothingOfTheFailureAroundIt(TlsProbeOutcome outcome) {
		EndpointVerificationException exception = new EndpointVerificationException("redisConnectionFactory",
				result(outcome, "refused", CERTIFICATE));
		FailureAnalysis analysis = new EndpointVerificationFailureAnalyzer()
			.analyze(new BeanCreationException("redisConnectionFactory", "password S3cret-wrapper", exception));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).startsWith(SUBJECT);
		assertThat(analysis.getAction()).isNotBlank();
		assertThat((analysis.getDescription() + analysis.getAction()).contains("S3cret")).as("a secret in the analysis")
			.isFalse();
	}

	@Test
	void aClusterNodeAnnouncedByIpAddressExplainsWhyAndHowToAnnounceHostNames() {
		FailureAnalysis analysis = analyzeAnnounced("10.0.1.12", TlsProbeOutcome.HOST_NAME_MISMATCH);
		assertThat(analysis.getDescription())
			.startsWith("RedisConnectionFactory 'redisConnectionFactory': the endpoint "
					+ "10.0.1.12:6379, announced by the cluster topology (CLUSTER NODES) of cache.example:6379, is an IP address")
			.contains("Certificates name hosts, not IP addresses");
		assertThat(analysis.getAction()).contains("configuration endpoint")
			.contains("'cluster-preferred-endpoint-type hostname'");
	}

	@Test
	void aClusterNodeAnnouncedByIpv6AddressIsAnIpAddressToo() {
		assertThat(analyzeAnnounced("fd00::12", TlsProbeOutcome.HOST_NAME_MISMATCH).getDescription())
			.contains("is an IP address");
	}

	@Test
	void aClusterNodeAnnouncedByAnotherHostNameAsksForItsCertificate() {
		FailureAnalysis analysis = analyzeAnnounced("node-2.example", TlsProbeOutcome.HOST_NAME_MISMATCH);
		assertThat(analysis.getDescription()).contains("announced by the cluster topology")
			.contains("presented a certificate that is not issued for 'node-2.example'")
			.doesNotContain("is an IP address");
		assertThat(analysis.getAction())
			.startsWith("Give every node a certificate issued for the host name it announces");
	}

	@Test
	void anAnnouncedNodeFailingOtherwiseGetsTheUsualReport() {
		FailureAnalysis analysis = analyzeAnnounced("10.0.1.12", TlsProbeOutcome.UNTRUSTED_CERTIFICATE);
		assertThat(analysis.getDescription()).contains("announced by the cluster topology")
			.contains("presented a certificate that is not trusted")
			.doesNotContain("is an IP address");
	}

	private static FailureAnalysis analyzeAnnounced(String host, TlsProbeOutcome outcome) {
		EndpointVerificationException exception = new EndpointVerificationException("redisConnectionFactory",
				new TlsProbeResult(host, 6379, outcome, "detail", null, null, CERTIFICATE),
				"the cluster topology (CLUSTER NODES) of cache.example:6379");
		assertThat(exception).hasMessageContaining(
				"endpoint " + host + ":6379 (announced by the cluster topology (CLUSTER NODES) of cache.example:6379)");
		FailureAnalysis analysis = new EndpointVerificationFailureAnalyzer().analyze(exception);
		assertThat(analysis).isNotNull();
		return analysis;
	}

	private static FailureAnalysis analyze(TlsProbeOutcome outcome, String detail,
			@Nullable PeerCertificate certificate) {
		EndpointVerificationException exception = new EndpointVerificationException("redisConnectionFactory",
				result(outcome, detail, certificate));
		assertThat(exception).hasMessageNotContaining("announced");
		FailureAnalysis analysis = new EndpointVerificationFailureAnalyzer().analyze(exception);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getCause()).isSameAs(exception);
		return analysis;
	}

	private static TlsProbeResult result(TlsProbeOutcome outcome, String detail,
			@Nullable PeerCertificate certificate) {
		return new TlsProbeResult("cache.example", 6379, outcome, detail, null, null, certificate);
	}

}
