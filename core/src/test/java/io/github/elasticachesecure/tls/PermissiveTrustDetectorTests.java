package io.github.elasticachesecure.tls;

import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import io.github.elasticachesecure.testkit.TestPki;
import io.lettuce.core.SslVerifyMode;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x509.Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link PermissiveTrustDetector} and the {@link ThrowawayCertificate} it
 * offers.
 */
class PermissiveTrustDetectorTests {

	private static final String ELASTICACHE_HOST = "master.my-cache.abc123.use1.cache.amazonaws.com";

	@ParameterizedTest
	@ValueSource(strings = { "localhost", "127.0.0.1", "::1", ELASTICACHE_HOST })
	void nettysInsecureTrustManagerIsFoundWhateverTheHost(String host) {
		SSLContext context = context(InsecureTrustManagerFactory.INSTANCE.getTrustManagers());
		assertThat(PermissiveTrustDetector.acceptsAnyCertificate(context, host, SslVerifyMode.FULL)).isTrue();
		assertThat(PermissiveTrustDetector.acceptsAnyCertificate(context, host, SslVerifyMode.CA)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "localhost", "127.0.0.1", "::1", ELASTICACHE_HOST })
	void copyPastedTrustAllManagerIsFoundAlthoughTheJdkChecksHostNamesForIt(String host) {
		// The JDK wraps a plain X509TrustManager and checks host names with FULL: the
		// certificate must name the host.
		SSLContext context = context(new TrustManager[] { new TrustAllCertificates() });
		assertThat(PermissiveTrustDetector.acceptsAnyCertificate(context, host, SslVerifyMode.FULL)).isTrue();
		assertThat(PermissiveTrustDetector.acceptsAnyCertificate(context, host, SslVerifyMode.CA)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "localhost", "127.0.0.1", ELASTICACHE_HOST })
	void trustStoresDoNotAcceptTheCertificate(String host) throws GeneralSecurityException {
		for (SslVerifyMode mode : List.of(SslVerifyMode.FULL, SslVerifyMode.CA)) {
			assertThat(
					PermissiveTrustDetector.acceptsAnyCertificate(TestPki.get().trustedCa().sslContext(), host, mode))
				.as("test CA, %s", mode)
				.isFalse();
			assertThat(PermissiveTrustDetector.acceptsAnyCertificate(jdkDefaultContext(), host, mode))
				.as("JDK trust store, %s", mode)
				.isFalse();
		}
	}

	@Test
	void noVerificationAcceptsAnything() throws GeneralSecurityException {
		assertThat(PermissiveTrustDetector.acceptsAnyCertificate(jdkDefaultContext(), "localhost", SslVerifyMode.NONE))
			.isTrue();
	}

	@Test
	void throwawayCertificateIsSelfSignedForTheHostWithAFreshKey() throws Exception {
		ThrowawayCertificate first = ThrowawayCertificate.issuedFor(ELASTICACHE_HOST);
		ThrowawayCertificate second = ThrowawayCertificate.issuedFor(ELASTICACHE_HOST);
		X509Certificate certificate = first.certificate();
		certificate.checkValidity();
		certificate.verify(first.keyPair().getPublic());
		assertThat(certificate.getVersion()).isEqualTo(3);
		assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=" + ELASTICACHE_HOST);
		assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
		assertThat(certificate.getSubjectAlternativeNames()).containsExactly(List.of(2, ELASTICACHE_HOST));
		assertThat(second.keyPair().getPublic()).isNotEqualTo(first.keyPair().getPublic());
		assertThat(second.certificate().getSerialNumber()).isNotEqualTo(certificate.getSerialNumber());
	}

	@Test
	void throwawayCertificateForAnAddressNamesTheAddress() throws Exception {
		List<List<?>> names = new ArrayList<>(
				ThrowawayCertificate.issuedFor("127.0.0.1").certificate().getSubjectAlternativeNames());
		assertThat(names).containsExactly(List.of(7, "127.0.0.1"));
	}

	@Test
	void clientWithNoUsableProtocolVersionDoesNotCountAsAccepting() throws GeneralSecurityException {
		// Trusts anything, but only offers TLS 1.0, which the JDK disables: it cannot
		// connect to any server either.
		SSLContext context = SSLContext.getInstance("TLSv1");
		context.init(null, new TrustManager[] { new TrustAllCertificates() }, null);
		assertThat(PermissiveTrustDetector.acceptsAnyCertificate(context, "localhost", SslVerifyMode.FULL)).isFalse();
	}

	@Test
	void clientWithNoCipherSuiteInCommonWithTheServerDoesNotCountAsAccepting() {
		// Trusts anything, but only offers RSA key exchange, which the server's EC key
		// cannot serve: the server ends the handshake.
		SSLContext context = withCipherSuites(context(new TrustManager[] { new TrustAllCertificates() }),
				"TLS_RSA_WITH_AES_128_GCM_SHA256");
		assertThat(PermissiveTrustDetector.acceptsAnyCertificate(context, "localhost", SslVerifyMode.FULL)).isFalse();
		// The same client with the JDK's cipher suites is found.
		assertThat(PermissiveTrustDetector.acceptsAnyCertificate(
				context(new TrustManager[] { new TrustAllCertificates() }), "localhost", SslVerifyMode.FULL))
			.isTrue();
	}

	@Test
	void throwawayCertificateHasAP256Key() throws Exception {
		// The curve every TLS client supports.
		ECPublicKey key = (ECPublicKey) ThrowawayCertificate.issuedFor("localhost").keyPair().getPublic();
		assertThat(key.getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
		assertThat(key.getParams().getOrder().bitLength()).isEqualTo(256);
	}

	/**
	 * Host names whose fields are just below, at and above the lengths where DER changes
	 * its length encoding (127 and 128 bytes: one length octet or more; 255 and 256: one
	 * or two; 65,535 and 65,536: two or three).
	 */
	@ParameterizedTest
	@ValueSource(ints = { 127, 128, 129, 255, 256, 65535, 65536 })
	void throwawayCertificateIsDerForAnyLengthOfHostName(int length) throws Exception {
		String host = hostNameOfLength(length);
		ThrowawayCertificate certificate = ThrowawayCertificate.issuedFor(host);
		certificate.certificate().verify(certificate.keyPair().getPublic());
		assertThat(certificate.certificate().getSubjectAlternativeNames()).containsExactly(List.of(2, host));
		// DER, not merely BER that the JDK accepts: BouncyCastle re-encodes every length
		// in its one DER form.
		byte[] encoded = certificate.certificate().getEncoded();
		assertThat(Certificate.getInstance(encoded).getEncoded(ASN1Encoding.DER)).isEqualTo(encoded);
	}

	@Test
	void throwawayCertificateTimesAreUtcTimeThrough2049AndGeneralizedTimeFrom2050() throws Exception {
		// RFC 5280 4.1.2.5: a UTCTime "50..." means 1950, so the end of this validity
		// needs a GeneralizedTime.
		Instant now = Instant.parse("2049-12-31T23:30:00Z");
		X509Certificate certificate = ThrowawayCertificate.issuedFor("localhost", now).certificate();
		assertThat(certificate.getNotBefore().toInstant()).isEqualTo(Instant.parse("2049-12-31T22:30:00Z"));
		assertThat(certificate.getNotAfter().toInstant()).isEqualTo(Instant.parse("2050-01-01T23:30:00Z"));
		Certificate parsed = Certificate.getInstance(certificate.getEncoded());
		assertThat(parsed.getStartDate().toASN1Primitive()).isInstanceOf(ASN1UTCTime.class);
		assertThat(parsed.getEndDate().toASN1Primitive()).isInstanceOf(ASN1GeneralizedTime.class);
	}

	/**
	 * A host name of the given length (at least 2) made of DNS labels of at most 63
	 * characters.
	 */
	private static String hostNameOfLength(int length) {
		StringBuilder host = new StringBuilder(length);
		while (length - host.length() > 63) {
			host.append("a".repeat(61)).append('.');
		}
		return host.append("a".repeat(length - host.length())).toString();
	}

	/**
	 * A client context whose engines offer only the given cipher suites.
	 */
	private static SSLContext withCipherSuites(SSLContext delegate, String... cipherSuites) {
		SSLContextSpi spi = new SSLContextSpi() {

			@Override
			protected void engineInit(KeyManager[] keyManagers, TrustManager[] trustManagers, SecureRandom random)
					throws KeyManagementException {
				throw new KeyManagementException("Initialised already");
			}

			@Override
			protected SSLSocketFactory engineGetSocketFactory() {
				return delegate.getSocketFactory();
			}

			@Override
			protected SSLServerSocketFactory engineGetServerSocketFactory() {
				return delegate.getServerSocketFactory();
			}

			@Override
			protected SSLEngine engineCreateSSLEngine() {
				return restricted(delegate.createSSLEngine());
			}

			@Override
			protected SSLEngine engineCreateSSLEngine(String host, int port) {
				return restricted(delegate.createSSLEngine(host, port));
			}

			private SSLEngine restricted(SSLEngine engine) {
				engine.setEnabledCipherSuites(cipherSuites);
				return engine;
			}

			@Override
			protected SSLSessionContext engineGetServerSessionContext() {
				return delegate.getServerSessionContext();
			}

			@Override
			protected SSLSessionContext engineGetClientSessionContext() {
				return delegate.getClientSessionContext();
			}

		};
		return new SSLContext(spi, delegate.getProvider(), delegate.getProtocol()) {
		};
	}

	private static SSLContext jdkDefaultContext() throws GeneralSecurityException {
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init((KeyStore) null);
		return context(factory.getTrustManagers());
	}

	private static SSLContext context(TrustManager[] trustManagers) {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trustManagers, null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The "trust all certificates" manager found in many answers to PKIX errors.
	 */
	private static final class TrustAllCertificates implements X509TrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}
