package io.github.elasticachesecure.health;

import java.time.Duration;

/**
 * When one health check must have answered: the parts of a check share it, so that a part
 * that starts late (its connection opened first, its thread scheduled late) still ends at
 * the same moment.
 *
 * @param nanoTime the deadline in {@link System#nanoTime()}
 */
record HealthDeadline(long nanoTime) {

	static HealthDeadline after(Duration timeout) {
		return new HealthDeadline(System.nanoTime() + timeout.toNanos());
	}

	/**
	 * The time left, at least a millisecond: a part started after the deadline still gets
	 * a timer that fires.
	 */
	Duration remaining() {
		return Duration.ofNanos(Math.max(this.nanoTime - System.nanoTime(), 1_000_000));
	}

}
