package io.github.elasticachesecure.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.github.elasticachesecure.iam.IamTokenStatus;
import io.github.elasticachesecure.logging.FailureDescription;
import io.github.elasticachesecure.secret.SecretStatus;
import io.github.elasticachesecure.tls.PeerCertificate;
import io.github.elasticachesecure.tls.TlsEndpointMonitor;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import io.github.elasticachesecure.tls.TlsProbeResult;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The health check behind the {@code elasticache} indicator: a PING over the
 * application's own secured connection, bounded in time, and secret-free details of the
 * connection (TLS session, certificate, authentication).
 * <p>
 * The PING goes through {@link RedisConnectionFactory#getConnection()} and, for Lettuce,
 * through the connection's asynchronous commands: with native connection sharing (Spring
 * Data Redis's default) that is the application's shared connection, so no connection is
 * opened per check. The whole check, including obtaining the connection, is bounded by
 * the timeout, independently of Lettuce's command timeout; a command still queued then is
 * cancelled.
 * <p>
 * For a cluster, every master that serves slots is pinged and {@code CLUSTER INFO} must
 * report the slots covered ({@link ClusterHealth}), within the same bound.
 * <p>
 * At most one PING (or cluster check) is in flight, shared by the checks that come
 * meanwhile; a reader endpoint's checks keep a connection per endpoint
 * ({@link ReplicationGroupHealth}), closed with {@link #close()}.
 * <p>
 * The status is {@code DOWN} when the PING fails or does not answer in time, when a
 * cluster misses a master or slots, when IAM authentication has no usable token left, and
 * when the last TLS probe found the endpoint's TLS no longer verifying (for instance an
 * expired or replaced certificate). A certificate close to expiry keeps the status
 * {@code UP} and adds a warning to the details, as does a password secret that could not
 * be read (the last good password stays in use).
 */
public final class ElastiCacheHealthCheck implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ElastiCacheHealthCheck.class);

	private static final int MAX_REASON_LENGTH = 300;

	// The parts answer by the deadline themselves; this covers only their threads being
	// scheduled late.
	static final Duration DEADLINE_GRACE = Duration.ofMillis(50);

	private final RedisConnectionFactory connectionFactory;

	private final ConnectionSummary connection;

	private final Duration timeout;

	private final Duration certificateExpiryWarning;

	private final @Nullable TlsEndpointMonitor tls;

	private final @Nullable Supplier<IamTokenStatus> iam;

	private final Clock clock;

	private final @Nullable ReplicationGroupHealth replicationGroup;

	private final SingleFlight<Optional<String>> pings = new SingleFlight<>();

	private volatile @Nullable Supplier<@Nullable Object> audit;

	private volatile @Nullable Supplier<SecretStatus> secret;

	/**
	 * Create a health check.
	 * @param connectionFactory the application's connection factory
	 * @param connection what to report about the connection
	 * @param timeout the upper bound of one check
	 * @param certificateExpiryWarning how long before the certificate expires a warning
	 * is added
	 * @param tls the TLS details of the endpoint, or {@code null} to report none
	 * @param iam the IAM token status, or {@code null} without IAM authentication
	 * @param clock the clock
	 * @param replicationGroup the primary and reader endpoints to report, or {@code null}
	 * without a reader endpoint
	 */
	public ElastiCacheHealthCheck(RedisConnectionFactory connectionFactory, ConnectionSummary connection,
			Duration timeout, Duration certificateExpiryWarning, @Nullable TlsEndpointMonitor tls,
			@Nullable Supplier<IamTokenStatus> iam, Clock clock, @Nullable ReplicationGroupHealth replicationGroup) {
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("The health check timeout must be positive");
		}
		this.connectionFactory = connectionFactory;
		this.connection = connection;
		this.timeout = timeout;
		this.certificateExpiryWarning = certificateExpiryWarning;
		this.tls = tls;
		this.iam = iam;
		this.clock = clock;
		this.replicationGroup = replicationGroup;
	}

	/**
	 * Return the upper bound of one check.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Show the posture audit's latest findings in the details of every check, as
	 * {@code audit}.
	 * @param audit the findings at the time of a check, {@code null} for none yet
	 */
	public void showAudit(Supplier<@Nullable Object> audit) {
		this.audit = audit;
	}

	/**
	 * Show the reads of the password's secret in the details of every check, as
	 * {@code secret}; a failed last read adds a warning (the last good password stays in
	 * use).
	 * @param secret the status of the secret at the time of a check
	 */
	public void showSecret(Supplier<SecretStatus> secret) {
		this.secret = secret;
	}

	/**
	 * Check the connection. The returned {@link Mono} always completes with a
	 * {@link Health} within the timeout (plus scheduling delays of a few milliseconds),
	 * never with an error.
	 * @return the health
	 */
	public Mono<Health> check() {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			HealthDeadline deadline = HealthDeadline.after(this.timeout);
			Mono<Health> connection = Mono.defer(() -> ping().timeout(deadline.remaining()))
				.map((clusterProblem) -> healthy(System.nanoTime() - start, clusterProblem.orElse(null)))
				.onErrorResume((ex) -> Mono.just(unhealthy(System.nanoTime() - start, ex)));
			Mono<Health> health = (this.replicationGroup != null) ? this.replicationGroup.addTo(connection, deadline)
					: connection;
			// The parts end at the deadline, doing their slow work (obtaining or opening
			// a connection) on other threads;
			// should one still be late, this answers for them.
			return health.timeout(this.timeout.plus(DEADLINE_GRACE),
					Mono.fromSupplier(() -> unhealthy(System.nanoTime() - start, new TimeoutException())));
		});
	}

	/**
	 * The PING in flight, or a new one bounded by the timeout from its start; a check
	 * that gives up leaves it to end.
	 */
	private Mono<Optional<String>> ping() {
		return this.pings.join(() -> ConnectionPing.ping(this.connectionFactory, this.timeout.dividedBy(2))
			.timeout(this.timeout)
			.toFuture());
	}

	/**
	 * Close the connections kept for a replication group's endpoints (the application's
	 * own are its to close).
	 */
	@Override
	public void close() {
		if (this.replicationGroup != null) {
			this.replicationGroup.close();
		}
	}

	private Health healthy(long latencyNanos, @Nullable String clusterProblem) {
		Instant now = this.clock.instant();
		Health.Builder builder = Health.up();
		List<String> warnings = new ArrayList<>();
		IamTokenStatus iamStatus = (this.iam != null) ? this.iam.get() : null;
		TlsEndpointMonitor.Observation observation = (this.tls != null) ? this.tls.current() : null;
		String problem = clusterProblem;
		if (problem == null && iamStatus != null && !iamStatus.tokenUsable()) {
			problem = "no usable IAM token: "
					+ ((iamStatus.lastRefreshError() != null)
							? "the last refresh failed (" + iamStatus.lastRefreshError() + ")" : "none was signed yet")
					+ "; connected clients keep working, new connections and re-authentications fail";
		}
		if (problem == null && observation != null && isBroken(observation.result())) {
			// The connection answers: the certificate may verify again (live connections
			// outlast a replaced one).
			this.tls.recheck();
			// What the user must know comes first: the probe's detail (the JDK's own
			// words, of any length) is last.
			problem = "the endpoint's TLS no longer verifies (" + observation.result().outcome()
					+ "): new connections fail; " + observation.result().detail();
		}
		if (observation != null && observation.result().certificate() != null) {
			Instant notAfter = observation.result().certificate().notAfter();
			if (problem == null && !now.isBefore(notAfter)) {
				problem = "the server certificate expired at " + notAfter + "; new connections fail";
			}
			else if (Duration.between(now, notAfter).compareTo(this.certificateExpiryWarning) < 0) {
				warnings
					.add("the server certificate expires in " + Duration.between(now, notAfter).toDays() + " days, at "
							+ notAfter + " (warning threshold " + this.certificateExpiryWarning.toDays() + " days)");
			}
		}
		SecretStatus secretStatus = (this.secret != null) ? this.secret.get() : null;
		if (secretStatus != null && !SecretStatus.OK.equals(secretStatus.lastOutcome())) {
			warnings.add(CredentialsDetails.warning(secretStatus));
		}
		if (problem != null) {
			builder.down().withDetail("reason", truncate(problem));
		}
		return builder.withDetails(details(now, latencyNanos, observation, iamStatus, warnings)).build();
	}

	private Health unhealthy(long latencyNanos, Throwable ex) {
		String reason = (ex instanceof TimeoutException)
				? "no reply to PING from " + this.connection.endpoint() + " within " + format(this.timeout)
						+ " (server stopped, unreachable or not answering)"
				: "PING to " + this.connection.endpoint() + " failed: " + FailureDescription.of(ex);
		TlsEndpointMonitor.Observation observation = null;
		if (this.tls != null) {
			// A failed connection may be a server certificate that no longer verifies:
			// probe again, and name it.
			observation = this.tls.current();
			this.tls.recheck();
			if (observation != null && isCertificateRefused(observation.result())) {
				reason = "the endpoint's TLS no longer verifies (" + observation.result().outcome()
						+ "): reconnections are refused; " + reason + "; " + observation.result().detail();
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("ElastiCache health check DOWN: " + reason);
		}
		IamTokenStatus iamStatus = (this.iam != null) ? this.iam.get() : null;
		return Health.down()
			.withDetail("reason", truncate(reason))
			.withDetails(details(this.clock.instant(), latencyNanos, observation, iamStatus, List.of()))
			.build();
	}

	private Map<String, Object> details(Instant now, long latencyNanos,
			TlsEndpointMonitor.@Nullable Observation observation, @Nullable IamTokenStatus iamStatus,
			List<String> warnings) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("endpoint", this.connection.endpoint());
		details.put("topology", this.connection.topology().value());
		details.put("tls", true);
		details.put("verifyMode", this.connection.verifyMode().name());
		if (observation != null) {
			TlsProbeResult result = observation.result();
			putIfNotNull(details, "protocol", result.protocol());
			putIfNotNull(details, "cipherSuite", result.cipherSuite());
			PeerCertificate certificate = result.certificate();
			if (certificate != null) {
				Map<String, Object> certificateDetails = new LinkedHashMap<>();
				certificateDetails.put("subject", certificate.subject());
				certificateDetails.put("issuer", certificate.issuer());
				certificateDetails.put("notAfter", certificate.notAfter().toString());
				certificateDetails.put("daysToExpiry", Duration.between(now, certificate.notAfter()).toDays());
				details.put("certificate", certificateDetails);
			}
			details.put("tlsProbe", result.outcome().name());
			details.put("tlsProbedAt", observation.probedAt().toString());
		}
		details.put("auth", this.connection.authMode().value());
		Supplier<SecretStatus> secret = this.secret;
		SecretStatus secretStatus = (secret != null) ? secret.get() : null;
		// Without a configured user name, the one the secret gives is the connection's.
		putIfNotNull(details, "username", (this.connection.username() != null || secretStatus == null)
				? this.connection.username() : secretStatus.username());
		if (iamStatus != null) {
			details.put("iam", CredentialsDetails.of(iamStatus));
		}
		if (secretStatus != null) {
			details.put("secret", CredentialsDetails.of(secretStatus));
		}
		details.put("latencyMillis", Math.round(latencyNanos / 100_000.0) / 10.0);
		putIfNotNull(details, "audit", (this.audit != null) ? this.audit.get() : null);
		if (!warnings.isEmpty()) {
			details.put("warnings", List.copyOf(warnings));
		}
		return details;
	}

	private static boolean isBroken(TlsProbeResult result) {
		// An unreachable endpoint says nothing about its TLS; the PING decides.
		return !result.isSecure() && result.outcome() != TlsProbeOutcome.UNREACHABLE;
	}

	private static boolean isCertificateRefused(TlsProbeResult result) {
		return result.outcome() == TlsProbeOutcome.UNTRUSTED_CERTIFICATE
				|| result.outcome() == TlsProbeOutcome.HOST_NAME_MISMATCH;
	}

	private static void putIfNotNull(Map<String, Object> details, String key, @Nullable Object value) {
		if (value != null) {
			details.put(key, (value instanceof Instant instant) ? instant.toString() : value);
		}
	}

	private static String format(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
	}

	private static String truncate(String text) {
		return (text.length() > MAX_REASON_LENGTH) ? text.substring(0, MAX_REASON_LENGTH) + "..." : text;
	}

}
