package io.github.elasticachesecure.cli;

import java.util.List;

import io.github.elasticachesecure.audit.Finding;
import io.github.elasticachesecure.audit.PostureAudit;
import io.github.elasticachesecure.audit.PostureReport;
import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.cache.CacheTopology;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs the starter's posture audit ({@link PostureAudit}) on the cache through the AWS
 * APIs, with the AWS default credentials chain: transit and at-rest encryption,
 * authentication and users, engine version, network. Needs {@code --region} and a cache
 * name, and runs only when the chain has credentials. A failed check of high severity
 * fails the step, any other failed check makes it a warning.
 */
final class AuditStep implements DoctorStep {

	@Override
	public String name() {
		return "audit";
	}

	@Override
	public StepResult run(Diagnosis diagnosis) {
		DoctorSettings settings = diagnosis.settings();
		String region = settings.region();
		String cacheName = diagnosis.cacheName();
		if (region == null || cacheName == null) {
			return StepResult.skip(name(), "give --region" + ((cacheName == null) ? " and --cache" : "")
					+ " to audit the cache's settings through the AWS APIs");
		}
		try {
			diagnosis.awsCredentials().resolveCredentials();
		}
		catch (SdkException ex) {
			return StepResult.skip(name(), "no AWS credentials in the default chain, so the cache's settings were not "
					+ "audited (it needs read-only elasticache:Describe* and ec2:DescribeSecurityGroups)");
		}
		PostureReport report;
		try (PostureAudit audit = PostureAudit.builder(cacheName, region, diagnosis.awsCredentials())
			.topology(diagnosis.serverless() ? CacheTopology.SERVERLESS : CacheTopology.REPLICATION_GROUP)
			.authentication(settings.iam() ? AuthMode.IAM : AuthMode.PASSWORD, settings.user())
			.timeout(diagnosis.timeout())
			.build()) {
			report = audit.run();
		}
		List<Finding> failures = report.failures();
		StepResult result;
		if (failures.isEmpty()) {
			result = StepResult.pass(name(), "all " + report.findings().size() + " checks of cache '" + cacheName
					+ "' in " + region + " passed");
		}
		else {
			String summary = failures.size() + " of " + report.findings().size() + " checks of cache '" + cacheName
					+ "' in " + region + " failed: " + ids(failures);
			result = report.highFailures().isEmpty() ? StepResult.warn(name(), summary, fixes(failures))
					: StepResult.fail(name(), summary, fixes(failures));
		}
		return result.with("findings", report.findings().stream().map(AuditStep::line).toList());
	}

	private static String ids(List<Finding> findings) {
		return String.join(", ",
				findings.stream().map((finding) -> finding.id() + " (" + finding.severity().value() + ")").toList());
	}

	private static String fixes(List<Finding> failures) {
		return String.join(" ",
				failures.stream()
					.filter((finding) -> finding.fix() != null)
					.map((finding) -> finding.id() + ": " + finding.fix())
					.toList());
	}

	private static String line(Finding finding) {
		return (finding.passed() ? "PASS " : "FAIL ") + finding.id() + " [" + finding.severity().value() + "]: "
				+ finding.found();
	}

}
