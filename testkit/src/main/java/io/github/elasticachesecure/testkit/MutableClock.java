package io.github.elasticachesecure.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that tests move by hand: given to an {@link IamFront} and to the token
 * signer, it expires tokens and re-authentication deadlines without waiting.
 */
public class MutableClock extends Clock {

	private final AtomicReference<Instant> instant;

	public MutableClock(Instant instant) {
		this.instant = new AtomicReference<>(instant);
	}

	public void advance(Duration duration) {
		this.instant.updateAndGet((current) -> current.plus(duration));
	}

	@Override
	public Instant instant() {
		return this.instant.get();
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
