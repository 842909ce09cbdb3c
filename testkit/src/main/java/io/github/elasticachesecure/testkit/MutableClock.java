package io.github.elasticachesecure.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that tests move by hand: given to an {@link IamFront} and to the token
 * signer, it expires tokens and re-authentication deadlines without waiting. An
 * {@link #accelerated(Instant, long) accelerated} one also runs a fixed number of times
 * faster than real time: a token's 15 minutes pass in seconds, while every wait in the
 * code under test stays a real one.
 */
public class MutableClock extends Clock {

	private final AtomicReference<Instant> instant;

	private final long startNanos = System.nanoTime();

	private final long factor;

	/**
	 * A clock that stands still at the given instant until {@link #advance(Duration)}
	 * moves it.
	 * @param instant the time it shows
	 */
	public MutableClock(Instant instant) {
		this(instant, 0);
	}

	private MutableClock(Instant instant, long factor) {
		this.instant = new AtomicReference<>(instant);
		this.factor = factor;
	}

	/**
	 * A clock that runs {@code factor} times faster than real time from {@code start}
	 * (and can still be moved by hand).
	 * @param start the time it shows now
	 * @param factor how many times faster than real time it runs
	 * @return the clock
	 */
	public static MutableClock accelerated(Instant start, long factor) {
		return new MutableClock(start, factor);
	}

	public void advance(Duration duration) {
		this.instant.updateAndGet((current) -> current.plus(duration));
	}

	@Override
	public Instant instant() {
		return this.instant.get().plusNanos((System.nanoTime() - this.startNanos) * this.factor);
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
