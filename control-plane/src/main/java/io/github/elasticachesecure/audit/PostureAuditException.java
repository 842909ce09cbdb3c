package io.github.elasticachesecure.audit;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when the posture audit, asked to stop the start
 * ({@code elasticache.secure.audit.mode=fail}), found checks of high severity failing.
 * The message names each finding and its fix; it carries no secret.
 */
public class PostureAuditException extends RuntimeException {

	private final PostureReport report;

	/**
	 * Create an exception.
	 * @param report the report, with at least one failed check of high severity
	 */
	public PostureAuditException(PostureReport report) {
		super("The posture audit of ElastiCache cache '" + report.cacheName() + "' in " + report.region() + " found "
				+ report.highFailures().size() + " check(s) of high severity failing: "
				+ report.highFailures()
					.stream()
					.map((finding) -> finding.id() + " (" + finding.found() + ")")
					.collect(Collectors.joining("; ")));
		this.report = report;
	}

	/**
	 * Return the report.
	 * @return the report
	 */
	public PostureReport getReport() {
		return this.report;
	}

	/**
	 * Return the failed checks that stop the start.
	 * @return the failed checks of high severity
	 */
	public List<Finding> getHighFailures() {
		return this.report.highFailures();
	}

}
