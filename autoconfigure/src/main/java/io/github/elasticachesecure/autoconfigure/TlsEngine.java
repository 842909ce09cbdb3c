package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.tls.TlsProvider;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * Resolves {@code elasticache.secure.tls.provider} to the engine Lettuce runs TLS on.
 */
final class TlsEngine {

	static final String PROPERTY = "elasticache.secure.tls.provider";

	static final String ARTIFACT = "io.netty:netty-tcnative-boringssl-static";

	// The class Netty's OpenSsl loads first; asked of the application's class loader, as
	// the starter asks of the AWS SDK.
	static final String TCNATIVE_CLASS = "io.netty.internal.tcnative.SSL";

	private TlsEngine() {
	}

	/**
	 * Return the engine for the requested provider.
	 * @param requested the configured provider
	 * @param classLoader the application's class loader
	 * @return {@link SslProvider#JDK} or {@link SslProvider#OPENSSL}
	 * @throws ElastiCacheConfigurationException if {@code openssl} is requested and the
	 * engine is missing or does not load
	 */
	static SslProvider resolve(TlsProvider requested, @Nullable ClassLoader classLoader) {
		if (requested == TlsProvider.JDK) {
			return SslProvider.JDK;
		}
		boolean present = ClassUtils.isPresent(TCNATIVE_CLASS, classLoader);
		if (present && OpenSsl.isAvailable()) {
			return SslProvider.OPENSSL;
		}
		if (requested == TlsProvider.AUTO) {
			return SslProvider.JDK;
		}
		if (!present) {
			throw new ElastiCacheConfigurationException(PROPERTY,
					"'" + PROPERTY + "=openssl' asks for Netty's OpenSSL engine, which is not on the classpath.",
					"Add the dependency " + ARTIFACT
							+ " (Spring Boot's dependency management sets its version), or set '" + PROPERTY
							+ "' to 'auto' (OpenSSL when present) or 'jdk'.");
		}
		Throwable cause = OpenSsl.unavailabilityCause();
		throw new ElastiCacheConfigurationException(PROPERTY,
				"'" + PROPERTY
						+ "=openssl' asks for Netty's OpenSSL engine, which is on the classpath but does not load "
						+ "on this platform: " + cause,
				"Use a build of " + ARTIFACT + " for this operating system and architecture (with the version "
						+ "Spring Boot's dependency management sets, matching Netty's), or set '" + PROPERTY
						+ "' to 'auto' or 'jdk'.",
				cause);
	}

}
