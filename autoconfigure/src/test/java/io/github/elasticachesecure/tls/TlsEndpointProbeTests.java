package io.github.elasticachesecure.tls;

import java.time.Duration;

import javax.net.ssl.SSLContext;

import io.github.elasticachesecure.testbed.SilentTcpServer;
import io.github.elasticachesecure.testbed.TestPki;
import io.github.elasticachesecure.testbed.Threads;
import io.github.elasticachesecure.testbed.TricklingTcpServer;
import io.lettuce.core.SslVerifyMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link TlsEndpointProbe} against loopback peers.
 */
class TlsEndpointProbeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	/**
	 * Added to the probe timeout for the upper bound of one probe: what a loaded 2-core machine may add. Only the bound
	 * is promised; how long probes take belongs in the benchmark harness ({@code benchmarks/}), not in a test.
	 */
	private static final Duration MARGIN = Duration.ofSeconds(2);

	@Test
	void silentPeerIsCutOffAtTheTimeout() throws Exception {
		TlsProbeResult result;
		Duration elapsed;
		Duration timeout = Duration.ofMillis(500);
		// A peer that accepts TCP and never answers: without the timeout the handshake would wait for ever.
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
		// Without a deadline the probe would read until the peer stops trickling, 30 s later.
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
		// The probe connects again to read the certificate for the report: this server trickles to that connection.
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

}
