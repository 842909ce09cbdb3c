package io.github.elasticachesecure.guard;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.github.elasticachesecure.tls.TlsProbeOutcome;
import io.github.elasticachesecure.tls.TlsProbeResult;
import org.jspecify.annotations.Nullable;

/**
 * The probe results of the startup guard, kept for health details and metrics once the
 * application started. Free of secrets, like the results themselves.
 */
public final class StartupGuardReport {

	private final Clock clock;

	private volatile List<TlsProbeResult> results = List.of();

	private volatile @Nullable Instant checkedAt;

	/**
	 * Create an empty report.
	 */
	public StartupGuardReport() {
		this(Clock.systemUTC());
	}

	/**
	 * Create an empty report.
	 * @param clock the clock that dates the results
	 */
	public StartupGuardReport(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Add the results of a check, as each factory is checked.
	 * @param results the probe results, as {@link RedisConnectionGuard#checkTls} returned
	 * them
	 */
	public synchronized void add(List<TlsProbeResult> results) {
		List<TlsProbeResult> all = new ArrayList<>(this.results);
		all.addAll(results);
		this.results = List.copyOf(all);
		this.checkedAt = this.clock.instant();
	}

	/**
	 * Return the recorded results.
	 * @return the results, empty before the guard ran
	 */
	public List<TlsProbeResult> results() {
		return this.results;
	}

	/**
	 * Return when the latest results were added.
	 * @return the time, or {@code null} before the guard ran
	 */
	public @Nullable Instant checkedAt() {
		return this.checkedAt;
	}

	/**
	 * Return the result for one endpoint.
	 * @param host the host, as probed
	 * @param port the port
	 * @return the result, or {@code null} if the endpoint was not probed
	 */
	public @Nullable TlsProbeResult resultFor(String host, int port) {
		for (TlsProbeResult result : this.results) {
			if (result.host().equalsIgnoreCase(host) && result.port() == port) {
				return result;
			}
		}
		return null;
	}

	/**
	 * Return how many endpoints had the given outcome.
	 * @param outcome the outcome
	 * @return the number of endpoints
	 */
	public long count(TlsProbeOutcome outcome) {
		return this.results.stream().filter((result) -> result.outcome() == outcome).count();
	}

}
