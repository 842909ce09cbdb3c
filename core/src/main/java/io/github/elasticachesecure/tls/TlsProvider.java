package io.github.elasticachesecure.tls;

import java.util.Locale;

/**
 * The TLS engine Lettuce runs its connections on. Trust material, protocols, cipher
 * suites and verification are the same on both engines.
 */
public enum TlsProvider {

	/**
	 * The JDK's own engine ({@code SSLEngine} of the running JVM).
	 */
	JDK,

	/**
	 * Netty's OpenSSL engine, BoringSSL from
	 * {@code io.netty:netty-tcnative-boringssl-static}, which must be on the classpath
	 * and load on the platform.
	 */
	OPENSSL,

	/**
	 * {@link #OPENSSL} when Netty's OpenSSL engine is on the classpath and loads,
	 * {@link #JDK} otherwise.
	 */
	AUTO;

	/**
	 * Return the provider as it is written in configuration and shown in health details.
	 * @return {@code jdk}, {@code openssl} or {@code auto}
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
