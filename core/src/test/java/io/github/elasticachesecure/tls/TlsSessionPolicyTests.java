package io.github.elasticachesecure.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.github.elasticachesecure.testkit.TestPki;
import io.lettuce.core.SslVerifyMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * What {@link TlsSessionPolicy} accepts of a completed session: the protocol, the cipher
 * suite and the server certificate, on sessions that report fixed values.
 */
class TlsSessionPolicyTests {

	private static final String GCM_SUITE = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";

	@Test
	void theMinimumMustBeTls12Or13() {
		assertThat(TlsSessionPolicy.PROTOCOLS).containsExactly("TLSv1.2", "TLSv1.3");
		assertThatIllegalArgumentException().isThrownBy(() -> new TlsSessionPolicy("TLSv1.1", SslVerifyMode.FULL))
			.withMessage("The minimum TLS protocol must be one of [TLSv1.2, TLSv1.3]");
		assertThat(new TlsSessionPolicy("TLSv1.3", SslVerifyMode.CA).minimumProtocol()).isEqualTo("TLSv1.3");
	}

	@Test
	void aProtocolBelowTheMinimumIsRefused() {
		TlsSessionPolicy tls13 = new TlsSessionPolicy("TLSv1.3", SslVerifyMode.NONE);
		assertThat(tls13.violation(session("TLSv1.2", GCM_SUITE), "localhost"))
			.isEqualTo("the session negotiated TLSv1.2, below the minimum TLSv1.3");
		assertThat(tls13.violation(session("TLSv1.3", "TLS_AES_128_GCM_SHA256"), "localhost")).isNull();
		TlsSessionPolicy tls12 = new TlsSessionPolicy("TLSv1.2", SslVerifyMode.NONE);
		assertThat(tls12.violation(session("TLSv1.2", GCM_SUITE), "localhost")).isNull();
		assertThat(tls12.violation(session("TLSv1.1", GCM_SUITE), "localhost"))
			.isEqualTo("the session negotiated TLSv1.1, below the minimum TLSv1.2");
		assertThat(tls12.violation(session("SSLv3", GCM_SUITE), "localhost"))
			.isEqualTo("the session negotiated SSLv3, below the minimum TLSv1.2");
	}

	@Test
	void aSuiteWithoutAeadOrForwardSecrecyIsRefused() {
		TlsSessionPolicy policy = new TlsSessionPolicy("TLSv1.2", SslVerifyMode.NONE);
		assertThat(policy.violation(session("TLSv1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256"), "localhost"))
			.isEqualTo("the session negotiated the cipher suite TLS_RSA_WITH_AES_128_GCM_SHA256, "
					+ "which is not an AEAD suite with forward secrecy");
	}

	@ParameterizedTest
	@ValueSource(strings = { "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
			"TLS_AES_128_CCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
			"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CCM",
			"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", "DHE-RSA-AES256-GCM-SHA384",
			"ecdhe-rsa-aes256-gcm-sha384", "TLS_ECDHE_RSA_WITH_AES_128_GCM" })
	void aeadSuitesWithForwardSecrecyAreAccepted(String suite) {
		assertThat(TlsSessionPolicy.isAeadWithForwardSecrecy(suite)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "TLS_AES_128_CCM_8_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256",
			"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8",
			"TLS_DH_anon_WITH_AES_128_GCM_SHA256", "TLS_ECDH_anon_WITH_AES_128_CBC_SHA",
			"TLS_ECDHE_ANON_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256", "ECDHE-RSA-AES128-SHA256",
			"TLS_PSK_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_NULL_SHA" })
	void otherSuitesAreRefused(String suite) {
		assertThat(TlsSessionPolicy.isAeadWithForwardSecrecy(suite)).isFalse();
	}

	@Test
	void withoutVerificationNoCertificateIsNeeded() throws Exception {
		TlsSessionPolicy policy = new TlsSessionPolicy("TLSv1.2", SslVerifyMode.NONE);
		SSLSession session = session("TLSv1.3", "TLS_AES_128_GCM_SHA256");
		given(session.getPeerCertificates()).willThrow(new SSLPeerUnverifiedException("none"));
		assertThat(policy.violation(session, "localhost")).isNull();
	}

	@Test
	void verificationNeedsACertificate() throws Exception {
		for (SslVerifyMode mode : List.of(SslVerifyMode.CA, SslVerifyMode.FULL)) {
			TlsSessionPolicy policy = new TlsSessionPolicy("TLSv1.2", mode);
			SSLSession unverified = session("TLSv1.3", "TLS_AES_128_GCM_SHA256");
			given(unverified.getPeerCertificates()).willThrow(new SSLPeerUnverifiedException("none"));
			assertThat(policy.violation(unverified, "localhost")).as("%s", mode)
				.isEqualTo("the server presented no certificate");
			SSLSession empty = session("TLSv1.3", "TLS_AES_128_GCM_SHA256");
			given(empty.getPeerCertificates()).willReturn(new Certificate[0]);
			assertThat(policy.violation(empty, "localhost")).as("%s", mode)
				.isEqualTo("the server presented no certificate");
		}
	}

	@Test
	void theLeafIsTheChainsFirstCertificate() throws Exception {
		X509Certificate leaf = TestPki.get().localhost().certificate();
		X509Certificate ca = TestPki.get().trustedCa().certificate();
		SSLSession session = session("TLSv1.3", "TLS_AES_128_GCM_SHA256");
		given(session.getPeerCertificates()).willReturn(new Certificate[] { leaf, ca });
		assertThat(TlsSessionPolicy.leaf(session)).isSameAs(leaf);
		Certificate notX509 = mock(Certificate.class);
		given(session.getPeerCertificates()).willReturn(new Certificate[] { notX509, ca });
		assertThat(TlsSessionPolicy.leaf(session)).isNull();
	}

	@Test
	void fullVerificationNeedsTheCertificateToNameTheHost() throws Exception {
		X509Certificate certificate = TestPki.get().wrongHost().certificate();
		SSLSession session = session("TLSv1.3", "TLS_AES_128_GCM_SHA256");
		given(session.getPeerCertificates()).willReturn(new Certificate[] { certificate });
		assertThat(new TlsSessionPolicy("TLSv1.2", SslVerifyMode.FULL).violation(session, "localhost"))
			.isEqualTo("the server's certificate does not name localhost (it names [wrong-host.invalid])");
		assertThat(new TlsSessionPolicy("TLSv1.2", SslVerifyMode.FULL).violation(session, "127.0.0.1"))
			.isEqualTo("the server's certificate does not name 127.0.0.1 (it names [wrong-host.invalid])");
		assertThat(new TlsSessionPolicy("TLSv1.2", SslVerifyMode.FULL).violation(session, TestPki.WRONG_HOST_NAME))
			.isNull();
		assertThat(new TlsSessionPolicy("TLSv1.2", SslVerifyMode.CA).violation(session, "localhost")).isNull();
	}

	@Test
	void anAddressIsComparedAsAnAddress() throws Exception {
		X509Certificate certificate = TestPki.get()
			.serverCertificate(List.of("0:0:0:0:0:0:0:1", "10.0.0.7"))
			.certificate();
		SSLSession session = session("TLSv1.3", "TLS_AES_128_GCM_SHA256");
		given(session.getPeerCertificates()).willReturn(new Certificate[] { certificate });
		TlsSessionPolicy policy = new TlsSessionPolicy("TLSv1.2", SslVerifyMode.FULL);
		assertThat(policy.violation(session, "::1")).isNull();
		assertThat(policy.violation(session, "0000:0000:0000:0000:0000:0000:0000:0001")).isNull();
		assertThat(policy.violation(session, "10.0.0.7")).isNull();
		assertThat(policy.violation(session, "::2")).startsWith("the server's certificate does not name ::2");
		assertThat(policy.violation(session, "10.0.0.8")).startsWith("the server's certificate does not name 10.0.0.8");
		assertThat(policy.violation(session, "localhost"))
			.startsWith("the server's certificate does not name localhost");
	}

	private static SSLSession session(String protocol, String cipherSuite) {
		SSLSession session = mock(SSLSession.class);
		given(session.getProtocol()).willReturn(protocol);
		given(session.getCipherSuite()).willReturn(cipherSuite);
		return session;
	}

}
