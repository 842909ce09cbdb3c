package io.github.elasticachesecure.autoconfigure;

import java.util.stream.Collectors;

import io.github.elasticachesecure.audit.PostureAuditException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link PostureAuditException}: each failed check of high severity with what
 * was found, and its fix.
 */
class PostureAuditFailureAnalyzer extends AbstractFailureAnalyzer<PostureAuditException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PostureAuditException cause) {
		String found = cause.getHighFailures()
			.stream()
			.map((finding) -> "  - " + finding.id() + ": " + finding.found())
			.collect(Collectors.joining("\n"));
		String fixes = cause.getHighFailures()
			.stream()
			.map((finding) -> "  - " + finding.id() + ": " + finding.fix())
			.collect(Collectors.joining("\n"));
		return new FailureAnalysis(
				"The posture audit (elasticache.secure.audit.mode=fail) of ElastiCache cache '"
						+ cause.getReport().cacheName() + "' in " + cause.getReport().region()
						+ " found checks of high severity failing:\n" + found,
				"Correct the cache's settings:\n" + fixes + "\nOr set 'elasticache.secure.audit.mode=warn' to start "
						+ "with these findings logged.",
				cause);
	}

}
