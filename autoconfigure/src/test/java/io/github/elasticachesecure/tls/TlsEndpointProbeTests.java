package io.github.elasticachesecure.tls;

import java.time.Duration;

import javax.net.ssl.SSLContext;

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

	@Test
	void tricklingPeerIsCutOffAtTheDeadline() throws Exception {
		TlsProbeResult result;
		Duration elapsed;
		// Without a deadline the probe would read until the peer stops trickling, 30 s later.
		try (TricklingTcpServer trickling = TricklingTcpServer.start(Duration.ofMillis(250), Duration.ofSeconds(30))) {
			TlsEndpointProbe probe = new TlsEndpointProbe(Duration.ofSeconds(1));
			SSLContext sslContext = TestPki.get().trustedCa().sslContext();
			long start = System.nanoTime();
			result = probe.probe(trickling.host(), trickling.port(), sslContext, SslVerifyMode.FULL);
			elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(trickling.acceptedConnections()).isEqualTo(1);
		}
		assertThat(elapsed).isLessThan(Duration.ofSeconds(3));
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
			TlsEndpointProbe probe = new TlsEndpointProbe(Duration.ofSeconds(1));
			SSLContext sslContext = TestPki.get().trustedCa().sslContext();
			long start = System.nanoTime();
			result = probe.probe(server.host(), server.port(), sslContext, SslVerifyMode.FULL);
			elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(server.acceptedConnections()).isEqualTo(2);
		}
		assertThat(elapsed).isLessThan(Duration.ofSeconds(3));
		assertThat(result.outcome()).isEqualTo(TlsProbeOutcome.UNTRUSTED_CERTIFICATE);
		assertThat(result.certificate()).isNull();
		Threads.awaitNoneNamed("tls-endpoint-probe");
	}

}
