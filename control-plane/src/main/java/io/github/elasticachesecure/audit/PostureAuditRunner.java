package io.github.elasticachesecure.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link PostureAudit} off the caller's thread, keeps the latest report, and lets
 * callers ask for a new run at most once per interval: concurrent requests share the run
 * in progress, and requests within the interval get the latest report. So an endpoint can
 * offer "audit again" without letting its callers multiply AWS calls.
 */
public final class PostureAuditRunner implements AutoCloseable {

	private final PostureAudit audit;

	private final Duration minimumInterval;

	private final Clock clock;

	private @Nullable CompletableFuture<PostureReport> run;

	private @Nullable Instant startedAt;

	private volatile @Nullable PostureReport latest;

	/**
	 * Create a runner.
	 * @param audit the audit, closed with the runner
	 * @param minimumInterval the shortest time between the starts of two runs
	 * @param clock the clock
	 */
	public PostureAuditRunner(PostureAudit audit, Duration minimumInterval, Clock clock) {
		this.audit = audit;
		this.minimumInterval = minimumInterval;
		this.clock = clock;
	}

	/**
	 * Start a run unless one is in progress or the last one started less than the minimum
	 * interval ago.
	 * @return the run in progress or just started, or the completed last run
	 */
	public synchronized CompletableFuture<PostureReport> start() {
		Instant now = this.clock.instant();
		if (this.run == null || (this.run.isDone() && this.startedAt != null
				&& !now.isBefore(this.startedAt.plus(this.minimumInterval)))) {
			this.startedAt = now;
			CompletableFuture<PostureReport> run = new CompletableFuture<>();
			Thread thread = new Thread(() -> {
				try {
					PostureReport report = this.audit.run();
					this.latest = report;
					run.complete(report);
				}
				catch (RuntimeException | Error ex) {
					run.completeExceptionally(ex);
				}
			}, "elasticache-posture-audit");
			// A daemon: a run that outlives the application's shutdown must not hold the
			// JVM.
			thread.setDaemon(true);
			thread.start();
			this.run = run;
		}
		return this.run;
	}

	/**
	 * Wait for the current run.
	 * @param timeout how long to wait
	 * @return the report, or {@code null} when none was started or it did not complete in
	 * time
	 */
	public @Nullable PostureReport await(Duration timeout) {
		CompletableFuture<PostureReport> run;
		synchronized (this) {
			run = this.run;
		}
		if (run == null) {
			return null;
		}
		try {
			return run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (ExecutionException | TimeoutException ex) {
			return null;
		}
	}

	/**
	 * Return the report of the last completed run.
	 * @return the report, or {@code null} before the first run completed
	 */
	public @Nullable PostureReport latest() {
		return this.latest;
	}

	/**
	 * Return when the next run may start.
	 * @return the time, or {@code null} when a run may start now
	 */
	public synchronized @Nullable Instant nextRunAllowedAt() {
		if (this.startedAt == null) {
			return null;
		}
		Instant next = this.startedAt.plus(this.minimumInterval);
		return next.isAfter(this.clock.instant()) ? next : null;
	}

	/**
	 * Return the audit as health details and the actuator endpoint show it: the latest
	 * report, and when the next run may start.
	 * @return the details
	 */
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		PostureReport report = this.latest;
		details.put("status", (report != null) ? "done" : "running");
		if (report != null) {
			details.putAll(report.toDetails());
		}
		Instant next = nextRunAllowedAt();
		if (next != null) {
			details.put("nextRunAllowedAt", next.toString());
		}
		return details;
	}

	@Override
	public void close() {
		this.audit.close();
	}

}
