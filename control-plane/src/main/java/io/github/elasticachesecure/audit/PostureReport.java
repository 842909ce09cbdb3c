package io.github.elasticachesecure.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The findings of one run of the {@link PostureAudit}.
 *
 * @param cacheName the replication group id or serverless cache name audited
 * @param region the AWS region of the cache
 * @param auditedAt when the audit ended
 * @param findings every check's outcome, in the order the checks ran
 */
public record PostureReport(String cacheName, String region, Instant auditedAt, List<Finding> findings) {

	/**
	 * Create a report.
	 * @param cacheName the cache audited
	 * @param region the region
	 * @param auditedAt when the audit ended
	 * @param findings the findings
	 */
	public PostureReport {
		findings = List.copyOf(findings);
	}

	/**
	 * Return the failed checks.
	 * @return the findings that did not pass
	 */
	public List<Finding> failures() {
		return this.findings.stream().filter((finding) -> !finding.passed()).toList();
	}

	/**
	 * Return the failed checks of high severity, which stop a start in {@code fail} mode.
	 * @return the findings
	 */
	public List<Finding> highFailures() {
		return this.findings.stream().filter(Finding::isHighFailure).toList();
	}

	/**
	 * Return the finding of a check.
	 * @param id the check's id
	 * @return the findings with that id (a check may report several, such as one per
	 * security group)
	 */
	public List<Finding> findings(String id) {
		return this.findings.stream().filter((finding) -> finding.id().equals(id)).toList();
	}

	/**
	 * Return the report as plain data for JSON (health details, actuator, scripts):
	 * counts, then every finding with its status ({@code pass} or its severity).
	 * @return the details
	 */
	public Map<String, Object> toDetails() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("cache", this.cacheName);
		details.put("region", this.region);
		details.put("auditedAt", this.auditedAt.toString());
		details.put("failedHigh", highFailures().size());
		details.put("failed", failures().size());
		details.put("findings", this.findings.stream().map(PostureReport::details).toList());
		return details;
	}

	private static Map<String, Object> details(Finding finding) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("id", finding.id());
		details.put("severity", finding.severity().value());
		details.put("status", finding.passed() ? "pass" : finding.severity().value());
		details.put("found", finding.found());
		if (finding.fix() != null) {
			details.put("fix", finding.fix());
		}
		return details;
	}

}
