package io.github.elasticachesecure.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.elasticachesecure.audit.PostureAuditRunner;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code elasticache} actuator endpoint, read-only: {@code /actuator/elasticache}
 * shows the cache as the starter resolved it (its endpoints, and what the ElastiCache API
 * said of it when it was found by its name), the connection (TLS and IAM state, as the
 * health check computes them) and the posture audit's latest report;
 * {@code /actuator/elasticache/audit} runs the audit again and shows its report. The
 * audit only reads ({@code Describe*} calls), and runs at most once a minute whoever
 * asks: requests in between get the latest report and when the next run may start. No
 * secret is shown.
 */
@Endpoint(id = "elasticache")
public final class ElastiCacheActuatorEndpoint {

	// The check and the audit bound themselves; this covers scheduling.
	private static final Duration BLOCK_MARGIN = Duration.ofSeconds(1);

	private final Map<String, Object> cache;

	private final @Nullable ElastiCacheHealthCheck check;

	private final @Nullable PostureAuditRunner audit;

	private final Duration auditTimeout;

	/**
	 * Create the endpoint.
	 * @param cache the resolved description of the cache, shown as it is (no secret may
	 * be part of it)
	 * @param check the health check, {@code null} when the health indicator is disabled
	 * @param audit the posture audit, {@code null} when it is off
	 * @param auditTimeout the bound of one run of the audit
	 */
	public ElastiCacheActuatorEndpoint(Map<String, Object> cache, @Nullable ElastiCacheHealthCheck check,
			@Nullable PostureAuditRunner audit, Duration auditTimeout) {
		this.cache = Map.copyOf(cache);
		this.check = check;
		this.audit = audit;
		this.auditTimeout = auditTimeout;
	}

	/**
	 * The cache, the connection and the latest audit.
	 * @return the state
	 */
	@ReadOperation
	public Map<String, Object> state() {
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("cache", this.cache);
		if (this.check != null) {
			Health health = this.check.check().block(this.check.timeout().plus(BLOCK_MARGIN));
			if (health != null) {
				Map<String, Object> connection = new LinkedHashMap<>();
				connection.put("status", health.getStatus().getCode());
				connection.putAll(health.getDetails());
				connection.remove("audit");
				state.put("connection", connection);
			}
		}
		state.put("audit", auditDetails(this.audit));
		return state;
	}

	/**
	 * Run the audit again, unless a run started less than a minute ago: then its report.
	 * @param part {@code audit}
	 * @return the audit's report, or {@code null} (not found) for another part
	 */
	@ReadOperation
	public @Nullable Map<String, Object> part(@Selector String part) {
		if (!"audit".equals(part)) {
			return null;
		}
		if (this.audit != null) {
			this.audit.start();
			this.audit.await(this.auditTimeout.plus(BLOCK_MARGIN));
		}
		return auditDetails(this.audit);
	}

	private static Map<String, Object> auditDetails(@Nullable PostureAuditRunner audit) {
		return (audit != null) ? audit.details() : Map.of("status", "off");
	}

}
