package io.github.elasticachesecure.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import io.github.elasticachesecure.testbed.TestPki;
import io.lettuce.core.SslVerifyMode;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link PermissiveTrustDetector} and the {@link ThrowawayCertificate} it offers.
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
		// The JDK wraps a plain X509TrustManager and checks host names with FULL: the certificate must name the host.
		SSLContext context = context(new TrustManager[] { new TrustAllCertificates() });
		assertThat(PermissiveTrustDetector.acceptsAnyCertificate(context, host, SslVerifyMode.FULL)).isTrue();
		assertThat(PermissiveTrustDetector.acceptsAnyCertificate(context, host, SslVerifyMode.CA)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "localhost", "127.0.0.1", ELASTICACHE_HOST })
	void trustStoresDoNotAcceptTheCertificate(String host) throws GeneralSecurityException {
		for (SslVerifyMode mode : List.of(SslVerifyMode.FULL, SslVerifyMode.CA)) {
			assertThat(PermissiveTrustDetector.acceptsAnyCertificate(TestPki.get().trustedCa().sslContext(), host,
					mode))
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
		List<List<?>> names = new ArrayList<>(ThrowawayCertificate.issuedFor("127.0.0.1").certificate()
			.getSubjectAlternativeNames());
		assertThat(names).containsExactly(List.of(7, "127.0.0.1"));
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
