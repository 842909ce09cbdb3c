package io.github.elasticachesecure.health;

import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;

/**
 * {@link ReactiveHealthIndicator} for the secured ElastiCache connection (shown as
 * {@code elasticache}), for reactive applications: the check never blocks the caller and
 * completes within its timeout.
 *
 * @see ElastiCacheHealthCheck
 */
public final class ElastiCacheReactiveHealthIndicator implements ReactiveHealthIndicator {

	private final ElastiCacheHealthCheck check;

	/**
	 * Create an indicator.
	 * @param check the health check
	 */
	public ElastiCacheReactiveHealthIndicator(ElastiCacheHealthCheck check) {
		this.check = check;
	}

	@Override
	public Mono<Health> health() {
		return this.check.check();
	}

}
