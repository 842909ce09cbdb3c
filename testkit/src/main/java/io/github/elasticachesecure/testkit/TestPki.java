package io.github.elasticachesecure.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * A throw-away PKI for tests, generated in-process (EC P-256, SHA-256 with ECDSA) once
 * per JVM on first use, written as PEM files into a temporary directory that is deleted
 * when the JVM exits.
 * <p>
 * Contents:
 * <ul>
 * <li>{@link #trustedCa()}: the CA that clients in tests are told to trust;</li>
 * <li>{@link #localhost()}: server certificate issued by the trusted CA, SANs
 * {@code DNS:localhost} and {@code IP:127.0.0.1} (subject {@code CN=localhost});</li>
 * <li>{@link #wrongHost()}: issued by the trusted CA, but its only SAN is
 * {@code DNS:wrong-host.invalid}, so full host-name verification of {@code localhost}
 * fails;</li>
 * <li>{@link #untrustedCa()} and {@link #untrustedLocalhost()}: a second CA nobody trusts
 * and a localhost certificate issued by it;</li>
 * <li>{@link #localhostValidFor(Duration)}: further localhost certificates from the
 * trusted CA with a chosen validity (for example one expiring in 5 days).</li>
 * </ul>
 * Usage: {@code TestPki.get().trustedCa().certificatePem()} is the file for a Spring SSL
 * bundle ({@code spring.ssl.bundle.pem.NAME.truststore.certificate}) or Lettuce's
 * {@code SslOptions.builder().trustManager(file)}.
 */
public final class TestPki {

	/** Validity of the certificates this class creates unless told otherwise. */
	public static final Duration DEFAULT_VALIDITY = Duration.ofDays(2);

	/** Host name that {@link #wrongHost()} is issued for (its only SAN). */
	public static final String WRONG_HOST_NAME = "wrong-host.invalid";

	private static volatile TestPki instance;

	private static final AtomicInteger SERIAL = new AtomicInteger(1);

	private final Path directory;

	private final Authority trustedCa;

	private final Authority untrustedCa;

	private final ServerCertificate localhost;

	private final ServerCertificate wrongHost;

	private final ServerCertificate untrustedLocalhost;

	private final Map<Duration, ServerCertificate> byValidity = new ConcurrentHashMap<>();

	private ServerCertificate localhostByNameOnly;

	private TestPki() throws IOException, GeneralSecurityException {
		this.directory = TempFiles.createTempDirectory("testbed-pki-");
		this.trustedCa = Authority.create(this.directory, "trusted-ca", "CN=ElastiCache Secure Test CA,O=testbed",
				DEFAULT_VALIDITY);
		this.untrustedCa = Authority.create(this.directory, "untrusted-ca", "CN=Untrusted Test CA,O=testbed",
				DEFAULT_VALIDITY);
		this.localhost = this.trustedCa.issue("localhost", "CN=localhost,O=testbed", DEFAULT_VALIDITY,
				List.of("localhost"), List.of("127.0.0.1"));
		this.wrongHost = this.trustedCa.issue("wrong-host", "CN=" + WRONG_HOST_NAME + ",O=testbed", DEFAULT_VALIDITY,
				List.of(WRONG_HOST_NAME), List.of());
		this.untrustedLocalhost = this.untrustedCa.issue("untrusted-localhost", "CN=localhost,O=testbed untrusted",
				DEFAULT_VALIDITY, List.of("localhost"), List.of("127.0.0.1"));
	}

	/**
	 * Returns the PKI of this JVM, generating it on first use (thread-safe).
	 * @return the shared test PKI
	 */
	public static TestPki get() {
		TestPki pki = instance;
		if (pki == null) {
			synchronized (TestPki.class) {
				pki = instance;
				if (pki == null) {
					try {
						pki = new TestPki();
					}
					catch (IOException ex) {
						throw new UncheckedIOException("Could not write the test PKI", ex);
					}
					catch (GeneralSecurityException ex) {
						throw new IllegalStateException("Could not generate the test PKI", ex);
					}
					instance = pki;
				}
			}
		}
		return pki;
	}

	/**
	 * @return the directory holding all PEM files (deleted on JVM exit)
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * @return the CA that tests trust
	 */
	public Authority trustedCa() {
		return this.trustedCa;
	}

	/**
	 * @return a second CA that nothing trusts
	 */
	public Authority untrustedCa() {
		return this.untrustedCa;
	}

	/**
	 * @return the trusted CA's localhost / 127.0.0.1 server certificate (valid 2 days)
	 */
	public ServerCertificate localhost() {
		return this.localhost;
	}

	/**
	 * @return a certificate from the trusted CA whose only SAN is
	 * {@value #WRONG_HOST_NAME}
	 */
	public ServerCertificate wrongHost() {
		return this.wrongHost;
	}

	/**
	 * @return a localhost / 127.0.0.1 certificate issued by the untrusted CA
	 */
	public ServerCertificate untrustedLocalhost() {
		return this.untrustedLocalhost;
	}

	/**
	 * Returns a localhost / 127.0.0.1 certificate issued by the trusted CA that expires
	 * {@code validity} from now (created on first request per validity, then reused).
	 * @param validity time from now until {@code notAfter}, for example
	 * {@code Duration.ofDays(5)}
	 * @return the certificate
	 */
	public ServerCertificate localhostValidFor(Duration validity) {
		return this.byValidity.computeIfAbsent(validity, (v) -> {
			try {
				return this.trustedCa.issue("localhost-" + v.toSeconds() + "s", "CN=localhost,O=testbed,OU=valid " + v,
						v, List.of("localhost"), List.of("127.0.0.1"));
			}
			catch (IOException | GeneralSecurityException ex) {
				throw new IllegalStateException("Could not issue certificate", ex);
			}
		});
	}

	/**
	 * Returns a certificate issued by the trusted CA for the host name {@code localhost}
	 * only, without an IP address, as ElastiCache's certificates name hosts (created on
	 * first request, then reused).
	 * @return the certificate
	 */
	public synchronized ServerCertificate localhostByNameOnly() {
		if (this.localhostByNameOnly == null) {
			try {
				this.localhostByNameOnly = this.trustedCa.issue("localhost-name-only",
						"CN=localhost,O=testbed,OU=name only", DEFAULT_VALIDITY, List.of("localhost"), List.of());
			}
			catch (IOException | GeneralSecurityException ex) {
				throw new IllegalStateException("Could not issue certificate", ex);
			}
		}
		return this.localhostByNameOnly;
	}

	/**
	 * Issues a server certificate from the trusted CA for the names clients will use to
	 * reach a server: each name that is an IPv4 or IPv6 literal becomes an IP address
	 * SAN, any other a DNS name SAN (valid {@link #DEFAULT_VALIDITY}).
	 * @param names host names and addresses, for example {@code localhost},
	 * {@code 127.0.0.1}
	 * @return a new certificate
	 */
	public ServerCertificate serverCertificate(Collection<String> names) {
		List<String> dnsNames = names.stream().filter((name) -> !isAddress(name)).distinct().toList();
		List<String> addresses = names.stream().filter(TestPki::isAddress).distinct().toList();
		String subject = "CN=" + (dnsNames.isEmpty() ? addresses.get(0) : dnsNames.get(0)) + ",O=testbed";
		try {
			return this.trustedCa.issue("server-" + nextSerial(), subject, DEFAULT_VALIDITY, dnsNames, addresses);
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("Could not issue certificate", ex);
		}
	}

	private static boolean isAddress(String name) {
		return IPAddress.isValid(name);
	}

	/**
	 * Writes one PEM file holding the certificates of both CAs, for servers that must
	 * trust peers of either.
	 * @return the file
	 */
	public synchronized Path bothCaCertificatesPem() {
		Path bundle = this.directory.resolve("both-cas.pem");
		try {
			if (!Files.exists(bundle)) {
				TempFiles.write(bundle, Files.readString(this.trustedCa.certificatePem())
						+ Files.readString(this.untrustedCa.certificatePem()));
			}
			return bundle;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A certificate authority: a self-signed CA certificate and its key.
	 */
	public static final class Authority {

		private final X509Certificate certificate;

		private final PrivateKey privateKey;

		private final Path certificatePem;

		private final Path directory;

		private Authority(X509Certificate certificate, PrivateKey privateKey, Path certificatePem, Path directory) {
			this.certificate = certificate;
			this.privateKey = privateKey;
			this.certificatePem = certificatePem;
			this.directory = directory;
		}

		static Authority create(Path directory, String fileName, String subject, Duration validity)
				throws IOException, GeneralSecurityException {
			KeyPair keyPair = newKeyPair();
			X500Principal name = new X500Principal(subject);
			Instant now = Instant.now();
			JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, nextSerial(),
					Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), name, keyPair.getPublic())
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
				.addExtension(Extension.subjectKeyIdentifier, false,
						utils.createSubjectKeyIdentifier(keyPair.getPublic()));
			X509Certificate certificate = sign(builder, keyPair.getPrivate());
			Path pem = directory.resolve(fileName + ".crt");
			TempFiles.write(pem, toPem("CERTIFICATE", certificate.getEncoded()));
			return new Authority(certificate, keyPair.getPrivate(), pem, directory);
		}

		ServerCertificate issue(String fileName, String subject, Duration validity, List<String> dnsNames,
				List<String> ipAddresses) throws IOException, GeneralSecurityException {
			KeyPair keyPair = newKeyPair();
			Instant now = Instant.now();
			JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
			List<GeneralName> names = new ArrayList<>();
			dnsNames.forEach((dns) -> names.add(new GeneralName(GeneralName.dNSName, dns)));
			ipAddresses.forEach((ip) -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(this.certificate, nextSerial(),
					Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)),
					new X500Principal(subject), keyPair.getPublic())
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
				// clientAuth too: redis-server presents the same certificate on
				// replication and cluster-bus links
				.addExtension(Extension.extendedKeyUsage, false,
						new ExtendedKeyUsage(
								new KeyPurposeId[] { KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth }))
				.addExtension(Extension.subjectAlternativeName, false,
						new GeneralNames(names.toArray(GeneralName[]::new)))
				.addExtension(Extension.subjectKeyIdentifier, false,
						utils.createSubjectKeyIdentifier(keyPair.getPublic()))
				.addExtension(Extension.authorityKeyIdentifier, false,
						utils.createAuthorityKeyIdentifier(this.certificate));
			X509Certificate issued = sign(builder, this.privateKey);
			Path certPem = this.directory.resolve(fileName + ".crt");
			Path keyPem = this.directory.resolve(fileName + ".key");
			TempFiles.write(certPem, toPem("CERTIFICATE", issued.getEncoded()));
			TempFiles.write(keyPem, toPem("PRIVATE KEY", keyPair.getPrivate().getEncoded()));
			Path chainPem = this.directory.resolve(fileName + "-chain.crt");
			TempFiles.write(chainPem,
					toPem("CERTIFICATE", issued.getEncoded()) + toPem("CERTIFICATE", this.certificate.getEncoded()));
			return new ServerCertificate(issued, certPem, keyPem, chainPem, this);
		}

		/**
		 * @return the CA certificate
		 */
		public X509Certificate certificate() {
			return this.certificate;
		}

		/**
		 * @return PEM file with the CA certificate (a trust anchor for clients and
		 * redis-server)
		 */
		public Path certificatePem() {
			return this.certificatePem;
		}

		/**
		 * @return the CA's subject distinguished name (RFC 2253), for example
		 * {@code CN=...,O=testbed}
		 */
		public String subject() {
			return this.certificate.getSubjectX500Principal().getName();
		}

		/**
		 * Returns the CA certificate in PEM form, for a trust store or a
		 * {@code spring.ssl.bundle.pem.*} property.
		 * @return the PEM text
		 */
		public String certificatePemText() {
			try {
				return toPem("CERTIFICATE", this.certificate.getEncoded());
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("Could not encode the CA certificate", ex);
			}
		}

		/**
		 * Returns a Spring SSL bundle whose trust store holds only this CA (needs
		 * {@code spring-boot} on the class path): what a client that verifies the servers
		 * this CA issued for needs.
		 * @return the SSL bundle
		 */
		public SslBundle sslBundle() {
			return SslBundle.of(new PemSslStoreBundle((PemSslStoreDetails) null,
					PemSslStoreDetails.forCertificate(certificatePemText())));
		}

		/**
		 * Returns a new in-memory PKCS12 key store that holds only this CA as trusted
		 * certificate entry (alias {@code ca}, no password).
		 * @return the trust store
		 */
		public KeyStore trustStore() {
			try {
				KeyStore keyStore = KeyStore.getInstance("PKCS12");
				keyStore.load(null, null);
				keyStore.setCertificateEntry("ca", this.certificate);
				return keyStore;
			}
			catch (IOException | GeneralSecurityException ex) {
				throw new IllegalStateException("Could not build trust store", ex);
			}
		}

		/**
		 * Returns a new TLS context (JDK provider, default protocols) that trusts only
		 * this CA.
		 * @return the SSL context
		 */
		public SSLContext sslContext() {
			try {
				TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
				tmf.init(trustStore());
				SSLContext context = SSLContext.getInstance("TLS");
				context.init(null, tmf.getTrustManagers(), null);
				return context;
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("Could not build SSL context", ex);
			}
		}

		@Override
		public String toString() {
			return "Authority[" + subject() + ", " + this.certificatePem + "]";
		}

	}

	/**
	 * A server certificate with its private key, both as PEM files readable by
	 * redis-server.
	 *
	 * @param certificate the certificate
	 * @param certificatePem PEM file with the certificate only
	 * @param privateKeyPem PEM file with the unencrypted PKCS#8 private key
	 * @param chainPem PEM file with the certificate followed by its issuing CA
	 * @param issuer the issuing authority
	 */
	public record ServerCertificate(X509Certificate certificate, Path certificatePem, Path privateKeyPem, Path chainPem,
			Authority issuer) {

		/**
		 * @return the subject distinguished name (RFC 2253), for example
		 * {@code CN=localhost,O=testbed}
		 */
		public String subject() {
			return this.certificate.getSubjectX500Principal().getName();
		}

		/**
		 * @return the issuer distinguished name (RFC 2253), equal to
		 * {@code issuer().subject()}
		 */
		public String issuerName() {
			return this.certificate.getIssuerX500Principal().getName();
		}

		/**
		 * @return the end of validity
		 */
		public Instant notAfter() {
			return this.certificate.getNotAfter().toInstant();
		}

		@Override
		public String toString() {
			return "ServerCertificate[" + subject() + " issued by " + issuerName() + ", " + this.certificatePem + "]";
		}

	}

	private static KeyPair newKeyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
		return generator.generateKeyPair();
	}

	private static BigInteger nextSerial() {
		return BigInteger.valueOf(System.currentTimeMillis())
			.shiftLeft(16)
			.add(BigInteger.valueOf(SERIAL.getAndIncrement()));
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
			throws GeneralSecurityException {
		try {
			ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
			return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
		}
		catch (org.bouncycastle.operator.OperatorCreationException ex) {
			throw new GeneralSecurityException(ex);
		}
	}

	private static String toPem(String type, byte[] der) {
		String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
		return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
	}

}
