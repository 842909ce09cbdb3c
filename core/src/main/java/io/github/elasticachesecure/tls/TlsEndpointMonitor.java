package io.github.elasticachesecure.tls;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import io.lettuce.core.SslVerifyMode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the TLS details of one endpoint (negotiated protocol, cipher suite, server
 * certificate) for health details and metrics, without a handshake per health check.
 * <p>
 * It starts from an earlier probe of the same endpoint (the startup guard's) and probes
 * again in the background, on a daemon thread and at most one probe at a time, once the
 * last result is older than the recheck interval (or older than {@link #RETRY_INTERVAL}
 * when the last probe did not complete a handshake). Readers always get the last result
 * at once.
 */
public final class TlsEndpointMonitor {

	/**
	 * How soon a probe that did not complete a handshake is repeated.
	 */
	public static final Duration RETRY_INTERVAL = Duration.ofSeconds(30);

	private static final Log logger = LogFactory.getLog(TlsEndpointMonitor.class);

	private final String host;

	private final int port;

	private final TlsEndpointProbe probe;

	private final Supplier<SSLContext> sslContext;

	private final SslVerifyMode verifyMode;

	private final Duration recheckInterval;

	private final Supplier<@Nullable Observation> earlier;

	private final Clock clock;

	private final Supplier<@Nullable LiveTlsSession> liveSession;

	private final AtomicBoolean probing = new AtomicBoolean();

	private volatile @Nullable Observation latest;

	/**
	 * Create a monitor.
	 * @param host the endpoint host, as the client connects to it
	 * @param port the endpoint port
	 * @param probe the probe
	 * @param sslContext the client's TLS context (created on first use)
	 * @param verifyMode the client's verification mode
	 * @param recheckInterval how old a result may get before it is probed again
	 * @param earlier an earlier observation of the endpoint (the startup guard's probe),
	 * used until the first own probe; it may supply {@code null}
	 * @param clock the clock
	 * @param liveSession the latest live session of the application's connection to the
	 * endpoint, whose protocol and cipher suite are reported rather than the probe's; it
	 * may supply {@code null}
	 */
	public TlsEndpointMonitor(String host, int port, TlsEndpointProbe probe, Supplier<SSLContext> sslContext,
			SslVerifyMode verifyMode, Duration recheckInterval, Supplier<@Nullable Observation> earlier, Clock clock,
			Supplier<@Nullable LiveTlsSession> liveSession) {
		this.host = host;
		this.port = port;
		this.probe = probe;
		this.sslContext = sslContext;
		this.verifyMode = verifyMode;
		this.recheckInterval = recheckInterval;
		this.earlier = earlier;
		this.clock = clock;
		this.liveSession = liveSession;
	}

	/**
	 * Return the latest result, and start a background probe if it is stale.
	 * @return the latest observation, or {@code null} before any probe completed
	 */
	public @Nullable Observation current() {
		Observation observation = this.latest;
		if (observation == null) {
			observation = this.earlier.get();
		}
		if (observation == null || isStale(observation)) {
			probeInBackground();
		}
		return withLiveSession(observation);
	}

	/**
	 * The probe says whether new connections would verify; what a connection negotiated
	 * (its engine, protocols and cipher suites may differ from the probe's) comes from
	 * its live session, and the certificate from the newer of the two handshakes.
	 */
	private @Nullable Observation withLiveSession(@Nullable Observation observation) {
		LiveTlsSession session = this.liveSession.get();
		if (observation == null || session == null || !observation.result().isSecure()) {
			return observation;
		}
		PeerCertificate certificate = (session.verifiedAt().isAfter(observation.probedAt())
				|| observation.result().certificate() == null) ? session.certificate()
						: observation.result().certificate();
		return new Observation(observation.result().withSession(session, certificate), observation.probedAt());
	}

	/**
	 * Start a background probe now, whatever the age of the last result: for example when
	 * the connection has just failed, which a changed certificate may explain.
	 */
	public void recheck() {
		probeInBackground();
	}

	/**
	 * Probe now, on the calling thread, and keep the result.
	 * @return the new observation
	 */
	public Observation probeNow() {
		Observation observation = new Observation(
				this.probe.probe(this.host, this.port, this.sslContext.get(), this.verifyMode), this.clock.instant());
		this.latest = observation;
		return observation;
	}

	private boolean isStale(Observation observation) {
		Duration age = Duration.between(observation.probedAt(), this.clock.instant());
		return age.compareTo(observation.result().isSecure() ? this.recheckInterval : RETRY_INTERVAL) >= 0;
	}

	private void probeInBackground() {
		if (!this.probing.compareAndSet(false, true)) {
			return;
		}
		Thread thread = new Thread(() -> {
			try {
				probeNow();
			}
			catch (RuntimeException ex) {
				logger.debug("TLS probe of " + this.host + ":" + this.port + " failed", ex);
			}
			finally {
				this.probing.set(false);
			}
		}, "elasticache-tls-probe");
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * One probe result and when it was taken.
	 *
	 * @param result the probe result
	 * @param probedAt when the probe ran
	 */
	public record Observation(TlsProbeResult result, Instant probedAt) {

	}

}
