package io.github.elasticachesecure.tls;

import java.time.Duration;

import javax.net.ssl.SSLContext;

import io.github.elasticachesecure.testkit.FreePorts;
import io.github.elasticachesecure.testkit.TestPki.ServerCertificate;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.ResettingTcpServer;
import io.github.elasticachesecure.testsupport.SilentTcpServer;
import io.github.elasticachesecure.testsupport.Threads;
import io.github.elasticachesecure.testsupport.TlsHandshakeServer;
import io.github.elasticachesecure.testsupport.TricklingTcpServer;
import io.lettuce.core.SslVerifyMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests of {@link TlsEndpointProbe} against loopback peers.
 */
class TlsEndpointProbeIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	/**
	 * Added to the probe timeout for the upper bound of one probe: what a loaded 2-core
	 * machine may add. Only the bound is promised; how long probes take belongs in the
	 * benchmark harness ({@code benchmarks/}), not in a test.
	 */
	private static final Duration MARGIN = Duration.ofSeconds(2);

	/**
	 * For the tests of what a probe finds rather than of its timeout: a loaded machine
	 * may take seconds to complete a handshake, which a 1 s timeout would report as a
	 * peer that does not speak TLS.
	 */
	private static final Duration NO_TIMEOUT = Duration.ofSeconds(60);

	@Test
	void silentPeerIsCutOffAtTheTimeout() throws Exception {
		TlsProbeResult result;
		Duration elapsed;
		Duration timeout = Duration.ofMillis(500);
		// A peer that accepts TCP and never answers: without the timeout the handshake
		// would wait for ever.
		try (SilentTcpServer silent = SilentTcpServer.start()) {
			TlsEndpointProbe probe = new TlsEndpointProbe(timeout);
			long start = System.nanoTime();
			result = probe.probe(silent.host(), silent.port(), TestPki.get().trustedCa().sslContext(),
					SslVerifyMode.FULL);
			elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(silent.acceptedConnections()).isEqualTo(1);
		}
		assertThat(elapsed).isLessThan(timeout.plus(MARGIN));
		assertThat(result.outcome()).isEqualTo(TlsProbeOutcome.NOT_TLS);
		assertThat(result.detail()).contains("did not answer the TLS handshake within PT0.5S");
		Threads.awaitNoneNamed("tls-endpoint-probe");
	}

	@Test
	void tricklingPeerIsCutOffAtTheDeadline() throws Exception {
		TlsProbeResult result;
		Duration elapsed;
		// Without a deadline the probe would read until the peer stops trickling, 30 s
		// later.
		try (TricklingTcpServer trickling = TricklingTcpServer.start(Duration.ofMillis(250), Duration.ofSeconds(30))) {
			TlsEndpointProbe probe = new TlsEndpointProbe(TIMEOUT);
			SSLContext sslContext = TestPki.get().trustedCa().sslContext();
			long start = System.nanoTime();
			result = probe.probe(trickling.host(), trickling.port(), sslContext, SslVerifyMode.FULL);
			elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(trickling.acceptedConnections()).isEqualTo(1);
		}
		assertThat(elapsed).isLessThan(TIMEOUT.plus(MARGIN));
		assertThat(result.outcome()).isEqualTo(TlsProbeOutcome.NOT_TLS);
		assertThat(result.detail()).contains("did not answer the TLS handshake within PT1S");
		Threads.awaitNoneNamed("tls-endpoint-probe");
	}

	@Test
	void certificateFetchAfterAnUntrustedCertificateIsBoundByTheSameDeadline() throws Exception {
		TlsProbeResult result;
		Duration elapsed;
		// The probe connects again to read the certificate for the report: this server
		// trickles to that connection.
		try (TricklingTcpServer server = TricklingTcpServer.startAfterTlsHandshake(TestPki.get().untrustedLocalhost(),
				Duration.ofMillis(250), Duration.ofSeconds(30))) {
			TlsEndpointProbe probe = new TlsEndpointProbe(TIMEOUT);
			SSLContext sslContext = TestPki.get().trustedCa().sslContext();
			long start = System.nanoTime();
			result = probe.probe(server.host(), server.port(), sslContext, SslVerifyMode.FULL);
			elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(server.acceptedConnections()).isEqualTo(2);
		}
		assertThat(elapsed).isLessThan(TIMEOUT.plus(MARGIN));
		assertThat(result.outcome()).isEqualTo(TlsProbeOutcome.UNTRUSTED_CERTIFICATE);
		assertThat(result.certificate()).isNull();
		Threads.awaitNoneNamed("tls-endpoint-probe");
	}

	@Test
	void trustedServerIsSecureWithItsSessionAndCertificate() {
		ServerCertificate localhost = TestPki.get().localhost();
		try (TlsHandshakeServer server = TlsHandshakeServer.start(localhost)) {
			TlsProbeResult result = new TlsEndpointProbe(NO_TIMEOUT).probe(server.host(), server.port(),
					TestPki.get().trustedCa().sslContext(), SslVerifyMode.FULL);
			assertThat(result.outcome()).isEqualTo(TlsProbeOutcome.SECURE);
			assertThat(result.isSecure()).isTrue();
			assertThat(result.detail()).isEqualTo("TLS handshake completed");
			assertThat(result.host()).isEqualTo("localhost");
			assertThat(result.port()).isEqualTo(server.port());
			assertThat(result.protocol()).startsWith("TLSv1.");
			assertThat(result.cipherSuite()).startsWith("TLS_");
			assertRecorded(result.certificate(), localhost);
			assertThat(result.certificate().subjectAlternativeNames()).containsExactly("localhost", "127.0.0.1");
		}
	}

	@Test
	void certificateForAnotherHostIsAHostNameMismatchThatNamesTheCertificate() {
		ServerCertificate wrongHost = TestPki.get().wrongHost();
		try (TlsHandshakeServer server = TlsHandshakeServer.start(wrongHost)) {
			TlsProbeResult result = new TlsEndpointProbe(NO_TIMEOUT).probe(server.host(), server.port(),
					TestPki.get().trustedCa().sslContext(), SslVerifyMode.FULL);
			assertThat(result.outcome()).isEqualTo(TlsProbeOutcome.HOST_NAME_MISMATCH);
			assertThat(result.isSecure()).isFalse();
			assertThat(result.detail()).containsIgnoringCase("localhost");
			assertThat(result.protocol()).isNull();
			assertThat(result.cipherSuite()).isNull();
			assertRecorded(result.certificate(), wrongHost);
			assertThat(result.certificate().subjectAlternativeNames()).containsExactly(TestPki.WRONG_HOST_NAME);
			// The first handshake and the one that reads the certificate for the report.
			assertThat(server.acceptedConnections()).isEqualTo(2);
		}
	}

	@Test
	void certificateFromAnUnknownAuthorityIsUntrustedAndNamed() {
		ServerCertificate untrusted = TestPki.get().untrustedLocalhost();
		try (TlsHandshakeServer server = TlsHandshakeServer.start(untrusted)) {
			TlsProbeResult result = new TlsEndpointProbe(NO_TIMEOUT).probe(server.host(), server.port(),
					TestPki.get().trustedCa().sslContext(), SslVerifyMode.FULL);
			assertThat(result.outcome()).isEqualTo(TlsProbeOutcome.UNTRUSTED_CERTIFICATE);
			assertThat(result.detail()).contains("PKIX");
			assertRecorded(result.certificate(), untrusted);
		}
	}

	@Test
	void noVerificationAcceptsAnUntrustedCertificateAndStillRecordsIt() {
		ServerCertificate untrusted = TestPki.get().untrustedLocalhost();
		try (TlsHandshakeServer server = TlsHandshakeServer.start(untrusted)) {
			TlsProbeResult result = new TlsEndpointProbe(NO_TIMEOUT).probe(server.host(), server.port(),
					TestPki.get().trustedCa().sslContext(), SslVerifyMode.NONE);
			assertThat(result.outcome()).isEqualTo(TlsProbeOutcome.SECURE);
			assertRecorded(result.certificate(), untrusted);
			assertThat(server.acceptedConnections()).isEqualTo(1);
		}
	}

	@Test
	void caVerificationSkipsTheHostNameCheck() {
		try (TlsHandshakeServer server = TlsHandshakeServer.start(TestPki.get().wrongHost())) {
			TlsProbeResult result = new TlsEndpointProbe(NO_TIMEOUT).probe(server.host(), server.port(),
					TestPki.get().trustedCa().sslContext(), SslVerifyMode.CA);
			assertThat(result.outcome()).isEqualTo(TlsProbeOutcome.SECURE);
		}
	}

	@Test
	void closedPortIsUnreachable() {
		int port = FreePorts.unusedLoopbackPort();
		TlsProbeResult result = new TlsEndpointProbe(NO_TIMEOUT).probe("localhost", port,
				TestPki.get().trustedCa().sslContext(), SslVerifyMode.FULL);
		assertThat(result.outcome()).isEqualTo(TlsProbeOutcome.UNREACHABLE);
		assertThat(result.detail()).containsIgnoringCase("refused");
		assertThat(result.endpoint()).isEqualTo("localhost:" + port);
		assertThat(result.certificate()).isNull();
	}

	@Test
	void handshakeResetIsNotTls() {
		try (ResettingTcpServer server = ResettingTcpServer.start()) {
			TlsProbeResult result = new TlsEndpointProbe(NO_TIMEOUT).probe(server.host(), server.port(),
					TestPki.get().trustedCa().sslContext(), SslVerifyMode.FULL);
			assertThat(result.outcome()).isEqualTo(TlsProbeOutcome.NOT_TLS);
			assertThat(result.detail()).isNotBlank().doesNotContain("did not answer");
		}
	}

	@Test
	void timeoutMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new TlsEndpointProbe(Duration.ZERO))
			.withMessage("The probe timeout must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> new TlsEndpointProbe(Duration.ofMillis(-1)));
		assertThatNoException().isThrownBy(() -> new TlsEndpointProbe(Duration.ofNanos(1)));
	}

	private static void assertRecorded(PeerCertificate recorded, ServerCertificate expected) {
		assertThat(recorded).isNotNull();
		assertThat(recorded.subject()).isEqualTo(expected.subject());
		assertThat(recorded.issuer()).isEqualTo(expected.issuerName());
		assertThat(recorded.notAfter()).isEqualTo(expected.notAfter());
	}

}
