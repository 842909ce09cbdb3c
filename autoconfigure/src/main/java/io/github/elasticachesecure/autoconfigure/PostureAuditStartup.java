package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.github.elasticachesecure.audit.Finding;
import io.github.elasticachesecure.audit.PostureAuditException;
import io.github.elasticachesecure.audit.PostureAuditRunner;
import io.github.elasticachesecure.audit.PostureReport;
import io.github.elasticachesecure.audit.Severity;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * The posture audit at startup: started when this bean is created (before the connection
 * factory, so it runs beside the guard's probes and the rest of the start), joined once
 * every singleton exists. Failed checks are logged once; in {@code fail} mode a failed
 * check of high severity stops the start with a {@link PostureAuditException}.
 */
final class PostureAuditStartup implements SmartInitializingSingleton, DisposableBean {

	private static final Log logger = LogFactory.getLog(PostureAuditStartup.class);

	// The audit bounds its own calls; this covers building the report and scheduling.
	private static final Duration JOIN_MARGIN = Duration.ofSeconds(5);

	private final PostureAuditRunner runner;

	private final ElastiCacheSecureProperties.Audit.Mode mode;

	private final Duration timeout;

	PostureAuditStartup(PostureAuditRunner runner, ElastiCacheSecureProperties.Audit properties) {
		this.runner = runner;
		this.mode = properties.getMode();
		this.timeout = properties.getTimeout();
		runner.start();
	}

	PostureAuditRunner runner() {
		return this.runner;
	}

	@Override
	public void afterSingletonsInstantiated() {
		PostureReport report = this.runner.await(this.timeout.plus(JOIN_MARGIN));
		if (report == null) {
			logger.warn("ElastiCache posture audit did not complete within " + this.timeout.plus(JOIN_MARGIN)
					+ "; /actuator/elasticache/audit runs it again");
			return;
		}
		for (Finding finding : report.failures()) {
			if (finding.severity() == Severity.INFO) {
				logger.info("ElastiCache posture audit: " + finding);
			}
			else {
				logger.warn("ElastiCache posture audit: " + finding);
			}
		}
		logger.info("ElastiCache posture audit of '" + report.cacheName() + "' in " + report.region() + ": "
				+ report.findings().size() + " checks, " + report.failures().size() + " failed, "
				+ report.highFailures().size() + " of high severity");
		if (this.mode == ElastiCacheSecureProperties.Audit.Mode.FAIL && !report.highFailures().isEmpty()) {
			throw new PostureAuditException(report);
		}
	}

	@Override
	public void destroy() throws Exception {
		this.runner.close();
	}

}
