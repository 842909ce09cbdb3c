package io.github.elasticachesecure.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/**
 * A self-signed X.509 v3 certificate with a fresh EC P-256 key pair, made up for one host
 * name or IP address: valid, issued for that host, and trusted by no trust store.
 * <p>
 * The JDK has no public API to create a certificate, and Netty's
 * {@code SelfSignedCertificate} needs BouncyCastle (test-only here) or else runs the
 * {@code keytool} program (about 2 s, temporary files) and sets no subjectAltName,
 * without which no IP address passes a host-name check. So this class DER-encodes the
 * fields a TLS client checks (RFC 5280: version, serial, names, validity, key,
 * subjectAltName), signs them with {@link Signature}, and has the JDK's
 * {@link CertificateFactory} parse the result.
 */
final class ThrowawayCertificate {

	private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private static final int INTEGER = 0x02;

	private static final int BIT_STRING = 0x03;

	private static final int OCTET_STRING = 0x04;

	private static final int UTF8_STRING = 0x0C;

	private static final int UTC_TIME = 0x17;

	private static final int GENERALIZED_TIME = 0x18;

	private static final int SEQUENCE = 0x30;

	private static final int SET = 0x31;

	private static final int EXPLICIT_0 = 0xA0;

	private static final int EXPLICIT_3 = 0xA3;

	private static final int DNS_NAME = 0x82;

	private static final int IP_ADDRESS = 0x87;

	/** OID 2.5.4.3, commonName. */
	private static final byte[] COMMON_NAME = { 0x06, 0x03, 0x55, 0x04, 0x03 };

	/** OID 2.5.29.17, subjectAltName. */
	private static final byte[] SUBJECT_ALT_NAME = { 0x06, 0x03, 0x55, 0x1D, 0x11 };

	/**
	 * AlgorithmIdentifier of ecdsa-with-SHA256 (OID 1.2.840.10045.4.3.2, no parameters).
	 */
	private static final byte[] ECDSA_WITH_SHA256 = { 0x30, 0x0A, 0x06, 0x08, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE,
			0x3D, 0x04, 0x03, 0x02 };

	private static final SecureRandom random = new SecureRandom();

	private final KeyPair keyPair;

	private final X509Certificate certificate;

	private ThrowawayCertificate(KeyPair keyPair, X509Certificate certificate) {
		this.keyPair = keyPair;
		this.certificate = certificate;
	}

	/**
	 * Create a certificate with a fresh key pair, valid from an hour ago for a day.
	 * @param host the host name or IP address literal the certificate is issued for
	 * (common name and subjectAltName)
	 * @return the certificate and its key pair
	 * @throws GeneralSecurityException if the JDK cannot generate, sign or parse it
	 */
	static ThrowawayCertificate issuedFor(String host) throws GeneralSecurityException {
		return issuedFor(host, Instant.now());
	}

	/**
	 * Create a certificate with a fresh key pair, valid from an hour before the given
	 * time until a day after it.
	 * @param host the host name or IP address literal the certificate is issued for
	 * (common name and subjectAltName)
	 * @param now the time its validity is counted from
	 * @return the certificate and its key pair
	 * @throws GeneralSecurityException if the JDK cannot generate, sign or parse it
	 */
	static ThrowawayCertificate issuedFor(String host, Instant now) throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"), random);
		KeyPair keyPair = generator.generateKeyPair();
		byte[] name = der(SEQUENCE,
				der(SET, der(SEQUENCE, COMMON_NAME, der(UTF8_STRING, host.getBytes(StandardCharsets.UTF_8)))));
		Instant start = now.truncatedTo(ChronoUnit.SECONDS);
		byte[] toBeSigned = der(SEQUENCE, der(EXPLICIT_0, der(INTEGER, 2)),
				der(INTEGER, new BigInteger(64, random).setBit(62).toByteArray()), ECDSA_WITH_SHA256, name,
				der(SEQUENCE, time(start.minus(Duration.ofHours(1))), time(start.plus(Duration.ofDays(1)))), name,
				keyPair.getPublic().getEncoded(), der(EXPLICIT_3, der(SEQUENCE,
						der(SEQUENCE, SUBJECT_ALT_NAME, der(OCTET_STRING, der(SEQUENCE, generalName(host)))))));
		Signature signer = Signature.getInstance("SHA256withECDSA");
		signer.initSign(keyPair.getPrivate(), random);
		signer.update(toBeSigned);
		byte[] encoded = der(SEQUENCE, toBeSigned, ECDSA_WITH_SHA256, der(BIT_STRING, new byte[1], signer.sign()));
		X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(new ByteArrayInputStream(encoded));
		return new ThrowawayCertificate(keyPair, certificate);
	}

	/**
	 * Return the key pair whose public key the certificate holds.
	 * @return the key pair
	 */
	KeyPair keyPair() {
		return this.keyPair;
	}

	/**
	 * Return the certificate.
	 * @return the certificate
	 */
	X509Certificate certificate() {
		return this.certificate;
	}

	private static byte[] generalName(String host) {
		if (host.indexOf(':') >= 0 || IPV4_LITERAL.matcher(host).matches()) {
			try {
				// A literal is parsed, never looked up.
				return der(IP_ADDRESS, InetAddress.getByName(host).getAddress());
			}
			catch (UnknownHostException ex) {
				throw new IllegalArgumentException("'" + host + "' is not an IP address", ex);
			}
		}
		return der(DNS_NAME, host.getBytes(StandardCharsets.US_ASCII));
	}

	/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
	private static byte[] time(Instant instant) {
		boolean utcTime = instant.atOffset(ZoneOffset.UTC).getYear() < 2050;
		String text = DateTimeFormatter.ofPattern(utcTime ? "yyMMddHHmmss'Z'" : "yyyyMMddHHmmss'Z'")
			.withZone(ZoneOffset.UTC)
			.format(instant);
		return der(utcTime ? UTC_TIME : GENERALIZED_TIME, text.getBytes(StandardCharsets.US_ASCII));
	}

	private static byte[] der(int tag, int smallInteger) {
		return der(tag, new byte[] { (byte) smallInteger });
	}

	/**
	 * A DER type-length-value: the tag, the definite length of the contents, the
	 * contents.
	 */
	private static byte[] der(int tag, byte[]... contents) {
		int length = 0;
		for (byte[] content : contents) {
			length += content.length;
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
		out.write(tag);
		if (length < 0x80) {
			out.write(length);
		}
		else {
			int octets = (length > 0xFFFF) ? 3 : (length > 0xFF) ? 2 : 1;
			out.write(0x80 | octets);
			for (int shift = 8 * (octets - 1); shift >= 0; shift -= 8) {
				out.write(length >>> shift);
			}
		}
		for (byte[] content : contents) {
			out.writeBytes(content);
		}
		return out.toByteArray();
	}

}
