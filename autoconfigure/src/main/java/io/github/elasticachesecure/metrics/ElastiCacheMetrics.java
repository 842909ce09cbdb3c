package io.github.elasticachesecure.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.github.elasticachesecure.cache.CacheNode;
import io.github.elasticachesecure.cache.ZoneReads;
import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.iam.IamTokenStatus;
import io.github.elasticachesecure.logging.ReauthenticationRace;
import io.github.elasticachesecure.secret.SecretStatus;
import io.github.elasticachesecure.tls.PeerCertificate;
import io.github.elasticachesecure.tls.TlsEndpointMonitor;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import io.lettuce.core.event.EventBus;
import io.lettuce.core.event.connection.ReauthenticationEvent;
import io.lettuce.core.event.connection.ReauthenticationFailedEvent;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * Binds the meters of the secured ElastiCache connection. Every meter reads state that
 * exists independently of the registry (the token provider's counts, events counted since
 * this binder was created, the guard's report), so values recorded before the registry
 * was bound are not lost.
 * <table>
 * <caption>Meters</caption>
 * <tr>
 * <th>Name</th>
 * <th>Type</th>
 * <th>Tags</th>
 * <th>Meaning</th>
 * </tr>
 * <tr>
 * <td>{@value #TOKEN_REFRESHES}</td>
 * <td>counter</td>
 * <td>result=success|failure</td>
 * <td>IAM token refreshes</td>
 * </tr>
 * <tr>
 * <td>{@value #TOKEN_EXPIRY}</td>
 * <td>gauge, seconds</td>
 * <td></td>
 * <td>time until the current IAM token's usable period ends (NaN without a token)</td>
 * </tr>
 * <tr>
 * <td>{@value #SECRET_REFRESHES}</td>
 * <td>counter</td>
 * <td>result=success|failure</td>
 * <td>reads of the password's secret ({@code elasticache.secure.auth.secret})</td>
 * </tr>
 * <tr>
 * <td>{@value #REAUTHENTICATIONS}</td>
 * <td>counter</td>
 * <td>result=success|failure</td>
 * <td>re-authentications of live connections (Lettuce events; a connection that was
 * closing when its new token came counts as neither)</td>
 * </tr>
 * <tr>
 * <td>{@value #GUARD_CHECKS}</td>
 * <td>counter</td>
 * <td>outcome=secure|not_tls|...|unreachable</td>
 * <td>endpoints the startup guard probed, by outcome</td>
 * </tr>
 * <tr>
 * <td>{@value #CERTIFICATE_EXPIRY}</td>
 * <td>gauge, seconds</td>
 * <td></td>
 * <td>time until the server certificate expires (NaN before a probe saw it)</td>
 * </tr>
 * <tr>
 * <td>{@value #READS}</td>
 * <td>counter</td>
 * <td>zone=same|other|unknown</td>
 * <td>reads answered by nodes in the application's Availability Zone, in another, or by a
 * node the API did not describe ({@code read-from=same-az} only; {@link ZoneReads})</td>
 * </tr>
 * <tr>
 * <td>{@value #NODE_ZONE}</td>
 * <td>gauge, always 1</td>
 * <td>node=host:port, zone, role=primary|replica|unknown, local=true|false</td>
 * <td>each node's Availability Zone as the API reported it, and whether it is the
 * application's ({@code read-from=same-az} only)</td>
 * </tr>
 * </table>
 */
public final class ElastiCacheMetrics implements MeterBinder, AutoCloseable {

	/**
	 * Name of the IAM token refresh counter.
	 */
	public static final String TOKEN_REFRESHES = "elasticache.iam.token.refreshes";

	/**
	 * Name of the IAM token expiry gauge.
	 */
	public static final String TOKEN_EXPIRY = "elasticache.iam.token.expiry";

	/**
	 * Name of the counter of the password secret's reads.
	 */
	public static final String SECRET_REFRESHES = "elasticache.secret.refreshes";

	/**
	 * Name of the re-authentication counter.
	 */
	public static final String REAUTHENTICATIONS = "elasticache.reauthentications";

	/**
	 * Name of the startup guard counter.
	 */
	public static final String GUARD_CHECKS = "elasticache.guard.checks";

	/**
	 * Name of the certificate expiry gauge.
	 */
	public static final String CERTIFICATE_EXPIRY = "elasticache.tls.certificate.expiry";

	/**
	 * Name of the counter of reads by the zone of the node that answered.
	 */
	public static final String READS = "elasticache.reads";

	/**
	 * Name of the gauge of each node's zone.
	 */
	public static final String NODE_ZONE = "elasticache.node.zone";

	private static final String UNKNOWN = "unknown";

	private final @Nullable Supplier<IamTokenStatus> iamStatus;

	private volatile @Nullable ZoneReads zoneReads;

	private volatile @Nullable Supplier<SecretStatus> secretStatus;

	private final @Nullable StartupGuardReport guardReport;

	private final @Nullable TlsEndpointMonitor tlsMonitor;

	private final Clock clock;

	private final AtomicLong reauthentications = new AtomicLong();

	private final AtomicLong reauthenticationFailures = new AtomicLong();

	private final @Nullable Disposable subscription;

	/**
	 * Create the binder and start counting re-authentication events.
	 * @param eventBus Lettuce's event bus ({@code ClientResources.eventBus()}), or
	 * {@code null} to count none
	 * @param iamStatus the IAM token status, or {@code null} without IAM authentication
	 * @param guardReport the startup guard's report, or {@code null}
	 * @param tlsMonitor the TLS monitor of the endpoint, or {@code null}
	 * @param clock the clock for the expiry gauges
	 */
	public ElastiCacheMetrics(@Nullable EventBus eventBus, @Nullable Supplier<IamTokenStatus> iamStatus,
			@Nullable StartupGuardReport guardReport, @Nullable TlsEndpointMonitor tlsMonitor, Clock clock) {
		this.iamStatus = iamStatus;
		this.guardReport = guardReport;
		this.tlsMonitor = tlsMonitor;
		this.clock = clock;
		this.subscription = (eventBus != null) ? eventBus.get().subscribe((event) -> {
			if (event instanceof ReauthenticationEvent) {
				this.reauthentications.incrementAndGet();
			}
			else if (event instanceof ReauthenticationFailedEvent failed
					&& !ReauthenticationRace.isClosingConnection(failed.getCause())) {
				// A connection that was closing when its new token came is no failure: it
				// is going away.
				this.reauthenticationFailures.incrementAndGet();
			}
		}) : null;
	}

	/**
	 * Count the reads of the password's secret; before the registry is bound.
	 * @param secret the status of the secret
	 */
	public void countSecretReads(Supplier<SecretStatus> secret) {
		this.secretStatus = secret;
	}

	/**
	 * Count the reads by zone and show each node's zone; before the registry is bound.
	 * @param reads the reads counted by the zone of the node that answered, installed as
	 * Lettuce's command latency recorder
	 */
	public void countReadsByZone(ZoneReads reads) {
		this.zoneReads = reads;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		ZoneReads reads = this.zoneReads;
		if (reads != null) {
			bindZones(registry, reads);
		}
		Supplier<SecretStatus> secret = this.secretStatus;
		if (secret != null) {
			FunctionCounter.builder(SECRET_REFRESHES, secret, (status) -> status.get().successCount())
				.tag("result", "success")
				.description("Reads of the password's secret")
				.register(registry);
			FunctionCounter.builder(SECRET_REFRESHES, secret, (status) -> status.get().failureCount())
				.tag("result", "failure")
				.description("Reads of the password's secret")
				.register(registry);
		}
		Supplier<IamTokenStatus> iam = this.iamStatus;
		if (iam != null) {
			FunctionCounter.builder(TOKEN_REFRESHES, iam, (status) -> status.get().refreshSuccessCount())
				.tag("result", "success")
				.description("IAM token refreshes")
				.register(registry);
			FunctionCounter.builder(TOKEN_REFRESHES, iam, (status) -> status.get().refreshFailureCount())
				.tag("result", "failure")
				.description("IAM token refreshes")
				.register(registry);
			Gauge.builder(TOKEN_EXPIRY, iam, (status) -> secondsUntil(status.get().tokenUsableUntil()))
				.baseUnit("seconds")
				.strongReference(true)
				.description("Time until the current IAM token may no longer be handed out")
				.register(registry);
		}
		FunctionCounter.builder(REAUTHENTICATIONS, this.reauthentications, AtomicLong::get)
			.tag("result", "success")
			.description("Re-authentications of live connections with new credentials")
			.register(registry);
		FunctionCounter.builder(REAUTHENTICATIONS, this.reauthenticationFailures, AtomicLong::get)
			.tag("result", "failure")
			.description("Re-authentications of live connections with new credentials")
			.register(registry);
		StartupGuardReport report = this.guardReport;
		if (report != null) {
			for (TlsProbeOutcome outcome : TlsProbeOutcome.values()) {
				FunctionCounter.builder(GUARD_CHECKS, report, (guard) -> guard.count(outcome))
					.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
					.description("Endpoints checked by the startup guard, by outcome")
					.register(registry);
			}
		}
		TlsEndpointMonitor monitor = this.tlsMonitor;
		if (monitor != null) {
			Gauge.builder(CERTIFICATE_EXPIRY, monitor, this::certificateExpiry)
				.baseUnit("seconds")
				.description("Time until the server certificate expires")
				.register(registry);
		}
	}

	private static void bindZones(MeterRegistry registry, ZoneReads reads) {
		for (ZoneReads.Placement placement : ZoneReads.Placement.values()) {
			FunctionCounter.builder(READS, reads, (counted) -> counted.count(placement))
				.tag("zone", placement.tagValue())
				.description("Reads by the Availability Zone of the node that answered, seen from the application's")
				.register(registry);
		}
		for (CacheNode node : reads.nodes()) {
			Gauge.builder(NODE_ZONE, () -> 1)
				.tag("node", node.endpoint())
				.tag("zone", (node.availabilityZone() != null) ? node.availabilityZone() : UNKNOWN)
				.tag("role", (node.role() != null) ? node.role() : UNKNOWN)
				.tag("local", Boolean.toString(reads.isLocal(node)))
				.description("The Availability Zone of a node of the cache, as the ElastiCache API reported it")
				.register(registry);
		}
	}

	private double certificateExpiry(TlsEndpointMonitor monitor) {
		TlsEndpointMonitor.Observation observation = monitor.current();
		PeerCertificate certificate = (observation != null) ? observation.result().certificate() : null;
		return secondsUntil((certificate != null) ? certificate.notAfter() : null);
	}

	private double secondsUntil(@Nullable Instant instant) {
		return (instant != null) ? Duration.between(this.clock.instant(), instant).toMillis() / 1000.0 : Double.NaN;
	}

	/**
	 * Stop counting re-authentication events.
	 */
	@Override
	public void close() {
		if (this.subscription != null) {
			this.subscription.dispose();
		}
	}

}
