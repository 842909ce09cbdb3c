package io.github.elasticachesecure.guard;

import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;

import io.github.elasticachesecure.guard.InsecureConnectionException.Reason;
import io.github.elasticachesecure.logging.FailureDescription;
import io.github.elasticachesecure.tls.PermissiveTrustDetector;
import io.github.elasticachesecure.tls.TlsEndpointProbe;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import io.github.elasticachesecure.tls.TlsProbeResult;
import io.github.elasticachesecure.tls.WireCheck;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.NamedNode;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Refuses Redis connection factories that would talk to Redis insecurely: without TLS,
 * with STARTTLS (credentials sent before TLS starts), with less certificate verification
 * than allowed, or to an endpoint whose TLS the {@link TlsEndpointProbe} cannot confirm.
 * A factory whose endpoints passed is used once (a PING), so that rejected credentials
 * are reported at startup.
 * <p>
 * It reads each factory's own client configuration, so user-defined factories are checked
 * the same way as the starter's, and it probes with the factory's own trust material. A
 * sentinel factory's master and replicas are probed too, at the addresses its sentinels
 * report, and so is every node of a cluster factory's topology, at the address its seed
 * announces.
 */
public final class RedisConnectionGuard {

	private static final Log logger = LogFactory.getLog(RedisConnectionGuard.class);

	private final SslVerifyMode allowedVerifyMode;

	private final boolean failOnUnreachable;

	private final TlsEndpointProbe probe;

	private final WireCheck wireCheck;

	/**
	 * Create a guard.
	 * @param allowedVerifyMode the weakest verification a factory may use ({@code FULL}
	 * unless the application explicitly opted into less)
	 * @param failOnUnreachable whether an endpoint that cannot be reached is a failure
	 * rather than a warning
	 * @param probe the probe for endpoints
	 * @param wireCheck the check every connection's TLS session passes before its first
	 * byte: a factory's client resources must carry it
	 */
	public RedisConnectionGuard(SslVerifyMode allowedVerifyMode, boolean failOnUnreachable, TlsEndpointProbe probe,
			WireCheck wireCheck) {
		this.allowedVerifyMode = allowedVerifyMode;
		this.failOnUnreachable = failOnUnreachable;
		this.probe = probe;
		this.wireCheck = wireCheck;
	}

	/**
	 * Check one factory: {@link #checkTls} and, when every endpoint proved secure,
	 * {@link #checkAuthentication}.
	 * @param beanName the bean name, for reports
	 * @param factory the factory, started
	 * @return the probe results of its endpoints
	 */
	public List<TlsProbeResult> check(String beanName, RedisConnectionFactory factory) {
		List<TlsProbeResult> results = checkTls(beanName, factory);
		if (results.stream().allMatch(TlsProbeResult::isSecure)) {
			checkAuthentication(beanName, factory);
		}
		return results;
	}

	/**
	 * Check how a factory is configured and probe the TLS of the endpoints it will use.
	 * For a sentinel factory these are its sentinels and then the data nodes a sentinel
	 * that passed names (the master, and the replicas when the factory reads from them);
	 * that question is the only Redis connection opened here, and only the sentinel
	 * credentials travel over it. Nothing uses the factory itself, so this can run before
	 * the factory is started.
	 * @param beanName the bean name, for reports
	 * @param factory the factory
	 * @return the probe results of its endpoints
	 * @throws InsecureConnectionException when the factory is configured insecurely
	 * @throws EndpointVerificationException when an endpoint fails the TLS probe
	 */
	public List<TlsProbeResult> checkTls(String beanName, RedisConnectionFactory factory) {
		if (!(factory instanceof LettuceConnectionFactory lettuce)) {
			throw new InsecureConnectionException(beanName, Reason.UNSUPPORTED_FACTORY, "RedisConnectionFactory '"
					+ beanName + "' is a " + factory.getClass().getName() + ", whose TLS settings cannot be verified");
		}
		LettuceClientConfiguration configuration = lettuce.getClientConfiguration();
		if (lettuce.getSocketConfiguration() != null || !configuration.isUseSsl()) {
			throw new InsecureConnectionException(beanName, Reason.PLAINTEXT, "RedisConnectionFactory '" + beanName
					+ "' connects to " + ConnectionFactoryNodes.describe(lettuce) + " without TLS");
		}
		if (configuration.isStartTls()) {
			throw new InsecureConnectionException(beanName, Reason.STARTTLS,
					"RedisConnectionFactory '" + beanName + "' uses STARTTLS to "
							+ ConnectionFactoryNodes.describe(lettuce)
							+ ", so its first command (HELLO or AUTH, with the credentials) is sent before TLS starts");
		}
		SslVerifyMode verifyMode = configuration.getVerifyMode();
		if (strength(verifyMode) < strength(this.allowedVerifyMode)) {
			throw new InsecureConnectionException(beanName, Reason.VERIFICATION_DISABLED,
					"RedisConnectionFactory '" + beanName + "' verifies server certificates with mode " + verifyMode
							+ ", weaker than the allowed " + this.allowedVerifyMode);
		}
		if (verifyMode != SslVerifyMode.FULL) {
			logger.warn("RedisConnectionFactory '" + beanName + "' verifies server certificates with mode " + verifyMode
					+ " (explicit opt-in): "
					+ ((verifyMode == SslVerifyMode.NONE)
							? "any certificate is accepted, so the connection is open to interception"
							: "host names are not checked"));
		}
		SSLContext sslContext = FactoryTrust.sslContext(beanName, configuration);
		if (verifyMode != SslVerifyMode.NONE) {
			refuseTrustingAnyCertificate(beanName, lettuce, sslContext, verifyMode);
		}
		WireCoverage.requireGuardedResources(beanName, configuration, this.wireCheck);
		List<TlsProbeResult> results = new ArrayList<>(
				probe(beanName, ConnectionFactoryNodes.of(lettuce), sslContext, verifyMode, null));
		RedisSentinelConfiguration sentinel = lettuce.getSentinelConfiguration();
		if (sentinel != null) {
			results.addAll(probe(beanName, sentinelDataNodes(beanName, sentinel, configuration, results), sslContext,
					verifyMode, null));
		}
		RedisClusterConfiguration cluster = lettuce.getClusterConfiguration();
		if (cluster != null) {
			ClusterTopologyNodes.Answer answer = ClusterTopologyNodes.lookUp(beanName, cluster, configuration, results);
			if (answer.failure() != null) {
				unanswered(beanName, answer.asked(), "the cluster seeds " + answer.failure(),
						"the other cluster nodes");
			}
			results.addAll(probe(beanName, answer.nodes(), sslContext, verifyMode, answer.announcedBy()));
		}
		return results;
	}

	/**
	 * Probe nodes together ({@link NodeProbes}), then report them in their order: the
	 * first that did not pass fails the check, as if they had been probed one after the
	 * other.
	 */
	private List<TlsProbeResult> probe(String beanName, List<RedisNode> nodes, SSLContext sslContext,
			SslVerifyMode verifyMode, @Nullable String announcedBy) {
		List<TlsProbeResult> results = NodeProbes.probeAll(this.probe, nodes, sslContext, verifyMode);
		results.forEach((result) -> report(beanName, result, announcedBy));
		return results;
	}

	/**
	 * Nodes that could not be asked for the nodes they name: a warning, or a failure when
	 * unreachable endpoints are.
	 */
	private void unanswered(String beanName, @Nullable RedisNode asked, String failure, String unchecked) {
		if (asked != null && this.failOnUnreachable) {
			throw new EndpointVerificationException(beanName, new TlsProbeResult(asked.getRequiredHost(),
					asked.getRequiredPort(), TlsProbeOutcome.UNREACHABLE, failure, null, null, null));
		}
		logger.warn("RedisConnectionFactory '" + beanName + "': " + failure + ", so the TLS of " + unchecked
				+ " could not be checked");
	}

	/**
	 * The data nodes a sentinel that passed its probe names. A sentinel that cannot be
	 * asked is a warning, or a failure when unreachable endpoints are.
	 */
	private List<RedisNode> sentinelDataNodes(String beanName, RedisSentinelConfiguration sentinel,
			LettuceClientConfiguration configuration, List<TlsProbeResult> sentinelResults) {
		NamedNode master = sentinel.getMaster();
		if (master == null) {
			// the factory refuses to start without a master name
			return List.of();
		}
		SentinelDataNodes.Answer answer = SentinelDataNodes.lookUp(master.getName(), sentinel, configuration,
				(sentinelUri) -> sentinelResults.stream()
					.anyMatch((result) -> result.isSecure() && result.host().equals(sentinelUri.getHost())
							&& result.port() == sentinelUri.getPort()));
		String failure = answer.failure();
		if (failure == null) {
			return answer.nodes();
		}
		RedisURI asked = answer.asked();
		unanswered(beanName, (asked != null) ? new RedisNode(asked.getHost(), asked.getPort()) : null,
				"the sentinels " + failure, "the master and replicas");
		return List.of();
	}

	/**
	 * A probe trusts what the factory trusts, so a trust manager that accepts anything
	 * (such as Netty's {@code InsecureTrustManagerFactory}) would pass it with any
	 * server: test the trust itself first.
	 */
	private void refuseTrustingAnyCertificate(String beanName, LettuceConnectionFactory factory, SSLContext sslContext,
			SslVerifyMode verifyMode) {
		for (String host : ConnectionFactoryNodes.of(factory)
			.stream()
			.map(RedisNode::getRequiredHost)
			.distinct()
			.toList()) {
			if (PermissiveTrustDetector.acceptsAnyCertificate(sslContext, host, verifyMode)) {
				String message = "RedisConnectionFactory '" + beanName + "' verifies server certificates with mode "
						+ verifyMode + ", but its trust manager accepts any certificate (it accepted a self-signed "
						+ "certificate made up for '" + host + "')";
				if (this.allowedVerifyMode != SslVerifyMode.NONE) {
					throw new InsecureConnectionException(beanName, Reason.TRUSTS_ANY_CERTIFICATE, message);
				}
				logger.warn(message + " (explicit opt-in of mode NONE): the connection is open to interception");
				return;
			}
		}
	}

	/**
	 * Use a started factory once (a PING), so that rejected credentials stop the start
	 * with a clear report instead of failing the first request. A missing permission
	 * ({@code NOPERM}) for the PING is a warning, one for a command the client sends to
	 * connect fails the check; other failures are left to the application's own error
	 * handling. Call it only once {@link #checkTls} passed: it sends the credentials.
	 * @param beanName the bean name, for reports
	 * @param factory the factory, started
	 * @throws AuthenticationRejectedException when the server rejected the credentials
	 * @throws MissingPermissionException when the user may not run a command the client
	 * needs to connect
	 * @throws InsecureConnectionException when the wire check closed the connection
	 * before its first byte
	 */
	public void checkAuthentication(String beanName, RedisConnectionFactory factory) {
		try (RedisConnection connection = factory.getConnection()) {
			connection.ping();
			if (factory instanceof LettuceConnectionFactory lettuce) {
				WireCoverage.reportLiveSessions(beanName, lettuce, this.wireCheck, logger);
			}
		}
		catch (RuntimeException ex) {
			InsecureConnectionException refused = WireCoverage.refusal(beanName, ex);
			if (refused != null) {
				throw refused;
			}
			String user = ConnectionFactoryNodes.username(factory);
			String reply = AuthenticationRejectedException.findServerRejection(ex);
			if (reply != null) {
				throw new AuthenticationRejectedException(beanName, user, ConnectionFactoryNodes.authMode(factory),
						reply);
			}
			String refusal = AuthenticationRejectedException.findPermissionRefusal(ex);
			if (refusal != null) {
				MissingPermissionException connectCommandRefused = MissingPermissionException.ofConnectCommand(beanName,
						user, refusal);
				if (connectCommandRefused != null) {
					throw connectCommandRefused;
				}
				// Not a credentials problem, and the application may not need PING: say
				// what is missing.
				logger.warn("RedisConnectionFactory '" + beanName + "': user '" + ((user != null) ? user : "default")
						+ "' may not run a command of the startup check (" + refusal + "); the credentials were "
						+ "not rejected. Grant the user that command in its ACL if the application needs it; "
						+ "health checks use PING.");
				return;
			}
			logger.warn(
					"RedisConnectionFactory '" + beanName + "': the startup PING failed: " + FailureDescription.of(ex));
		}
	}

	private void report(String beanName, TlsProbeResult result, @Nullable String announcedBy) {
		if (result.isSecure()) {
			// What the application's own connections negotiate is logged from their live
			// sessions, once they exist.
			logger.info("RedisConnectionFactory '" + beanName + "': " + result.endpoint()
					+ " speaks TLS (the guard's probe handshake passed)");
			return;
		}
		if (result.outcome() == TlsProbeOutcome.UNREACHABLE && !this.failOnUnreachable) {
			logger.warn("RedisConnectionFactory '" + beanName + "': " + result.endpoint()
					+ " could not be reached at startup, so its TLS could not be checked: " + result.detail());
			return;
		}
		throw new EndpointVerificationException(beanName, result, announcedBy);
	}

	private static int strength(SslVerifyMode mode) {
		return switch (mode) {
			case NONE -> 0;
			case CA -> 1;
			case FULL -> 2;
		};
	}

}
