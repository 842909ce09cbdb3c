package io.github.elasticachesecure.testsupport;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} that runs a fixed number of times faster than real time from a given
 * instant: a token's 15 minutes pass in seconds, while every wait in the code under test
 * stays a real one.
 */
public class AcceleratedClock extends Clock {

	private final Instant start;

	private final long startNanos = System.nanoTime();

	private final long factor;

	public AcceleratedClock(Instant start, long factor) {
		this.start = start;
		this.factor = factor;
	}

	@Override
	public Instant instant() {
		return this.start.plusNanos((System.nanoTime() - this.startNanos) * this.factor);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

}
