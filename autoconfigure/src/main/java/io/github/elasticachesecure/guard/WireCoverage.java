package io.github.elasticachesecure.guard;

import io.github.elasticachesecure.guard.InsecureConnectionException.Reason;
import io.github.elasticachesecure.tls.LiveTlsSession;
import io.github.elasticachesecure.tls.TlsSessionRefusedException;
import io.github.elasticachesecure.tls.WireCheck;
import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * How the guard relates a factory to the {@link WireCheck}: whether its connections carry
 * it, what it refused, and what its live sessions negotiated.
 */
final class WireCoverage {

	private WireCoverage() {
	}

	/**
	 * Refuse a factory whose client resources do not carry the wire check: its
	 * connections would send their first bytes without a check of their TLS session.
	 */
	static void requireGuardedResources(String beanName, LettuceClientConfiguration configuration,
			WireCheck wireCheck) {
		if (configuration.getClientResources().filter(wireCheck::guards).isEmpty()) {
			throw new InsecureConnectionException(beanName, Reason.UNCHECKED_CLIENT_RESOURCES,
					"RedisConnectionFactory '" + beanName
							+ "' is built on client resources that are not a bean of the application context (or on "
							+ "none), so its connections could send their first bytes before their TLS session is checked");
		}
	}

	/**
	 * The refusal of a connection by the wire check, as the guard reports it, or
	 * {@code null} when the failure has another cause.
	 */
	static @Nullable InsecureConnectionException refusal(String beanName, Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof TlsSessionRefusedException refused) {
				return new InsecureConnectionException(beanName, Reason.SESSION_REFUSED,
						"RedisConnectionFactory '" + beanName + "': " + refused.getMessage());
			}
			for (Throwable suppressed : cause.getSuppressed()) {
				InsecureConnectionException found = refusal(beanName, suppressed);
				if (found != null) {
					return found;
				}
			}
		}
		return null;
	}

	/**
	 * Log what the factory's connections really negotiated, from their live sessions.
	 */
	static void reportLiveSessions(String beanName, LettuceConnectionFactory factory, WireCheck wireCheck, Log logger) {
		if (!logger.isInfoEnabled()) {
			return;
		}
		for (RedisNode node : ConnectionFactoryNodes.of(factory)) {
			LiveTlsSession session = wireCheck.sessions().latest(node.getRequiredHost(), node.getRequiredPort());
			if (session != null) {
				logger.info("RedisConnectionFactory '" + beanName + "': " + session.endpoint() + " speaks "
						+ session.protocol() + " (" + session.cipherSuite() + ") on the application's connection"
						+ ((session.certificate() != null) ? ", certificate '" + session.certificate().subject()
								+ "' issued by '" + session.certificate().issuer() + "'" : ""));
			}
		}
	}

}
