package io.github.elasticachesecure.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.lettuce.core.SslOptions;
import org.jspecify.annotations.Nullable;

/**
 * The certificate authorities doctor trusts: those of a PEM file, or the JDK's default
 * trust store (which ElastiCache's certificates chain to). One trust manager factory
 * serves both the TLS probe and the Lettuce connection, so that both trust the same.
 *
 * @param description where the trust comes from, for the report
 * @param trustManagers the trust managers
 */
record TrustMaterial(String description, TrustManagerFactory trustManagers) {

	static TrustMaterial load(@Nullable Path caFile) throws IOException, GeneralSecurityException {
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		if (caFile == null) {
			factory.init((KeyStore) null);
			return new TrustMaterial("the JDK's default trust store", factory);
		}
		Collection<? extends Certificate> certificates;
		try (InputStream pem = Files.newInputStream(caFile)) {
			certificates = CertificateFactory.getInstance("X.509").generateCertificates(pem);
		}
		if (certificates.isEmpty()) {
			throw new GeneralSecurityException("no certificate in " + caFile);
		}
		KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
		store.load(null, null);
		int index = 0;
		for (Certificate certificate : certificates) {
			store.setCertificateEntry("ca-" + index++, certificate);
		}
		factory.init(store);
		return new TrustMaterial(certificates.size() + " certificate(s) of " + caFile, factory);
	}

	SSLContext sslContext() throws GeneralSecurityException {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, this.trustManagers.getTrustManagers(), null);
		return context;
	}

	SslOptions sslOptions() {
		return SslOptions.builder().jdkSslProvider().trustManager(this.trustManagers).build();
	}

}
