package io.github.elasticachesecure.health;

import java.time.Duration;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@link HealthIndicator} for the secured ElastiCache connection (shown as
 * {@code elasticache}): answers within the check's timeout, whatever Lettuce's command
 * timeout is.
 *
 * @see ElastiCacheHealthCheck
 */
public final class ElastiCacheHealthIndicator implements HealthIndicator {

	// The check bounds itself; this margin, the bound's stated allowance, only covers
	// scheduling delays.
	private static final Duration BLOCK_MARGIN = Duration.ofMillis(100);

	private final ElastiCacheHealthCheck check;

	/**
	 * Create an indicator.
	 * @param check the health check
	 */
	public ElastiCacheHealthIndicator(ElastiCacheHealthCheck check) {
		this.check = check;
	}

	@Override
	public Health health() {
		try {
			Health health = this.check.check().block(this.check.timeout().plus(BLOCK_MARGIN));
			return (health != null) ? health : Health.unknown().build();
		}
		catch (RuntimeException ex) {
			return Health.down()
				.withDetail("reason", "health check did not complete: " + ex.getClass().getSimpleName())
				.build();
		}
	}

}
