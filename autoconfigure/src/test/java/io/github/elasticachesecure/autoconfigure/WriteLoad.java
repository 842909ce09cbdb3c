package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A steady write load through a {@link StringRedisTemplate}: a few threads, each setting
 * its own key in a loop, that count every write that returned and every write that threw,
 * and remember when the last one failed.
 */
final class WriteLoad implements AutoCloseable {

	private final StringRedisTemplate template;

	private final List<Thread> writers = new ArrayList<>();

	private final LongAdder attempts = new LongAdder();

	private final LongAdder successes = new LongAdder();

	private final LongAdder failures = new LongAdder();

	/** Kind of failure (the most specific cause's class) → how many. */
	private final Map<String, LongAdder> failureKinds = new ConcurrentHashMap<>();

	private final AtomicLong lastFailureNanos = new AtomicLong(Long.MIN_VALUE);

	/** Time of the first success after the last failure. */
	private final AtomicLong recoveredNanos = new AtomicLong(Long.MIN_VALUE);

	private final LongAdder successesSinceLastFailure = new LongAdder();

	private volatile boolean running = true;

	WriteLoad(StringRedisTemplate template, int threads) {
		this.template = template;
		for (int i = 0; i < threads; i++) {
			String key = "load-" + i;
			Thread writer = new Thread(() -> write(key), "write-load-" + i);
			writer.setDaemon(true);
			this.writers.add(writer);
		}
		this.writers.forEach(Thread::start);
	}

	private void write(String key) {
		long value = 0;
		while (this.running) {
			this.attempts.increment();
			try {
				this.template.opsForValue().set(key, Long.toString(++value));
				this.successes.increment();
				if (this.lastFailureNanos.get() != Long.MIN_VALUE) {
					this.recoveredNanos.compareAndSet(Long.MIN_VALUE, System.nanoTime());
				}
				this.successesSinceLastFailure.increment();
			}
			catch (RuntimeException ex) {
				this.failures.increment();
				String kind = NestedExceptionUtils.getMostSpecificCause(ex).getClass().getSimpleName();
				this.failureKinds.computeIfAbsent(kind, (name) -> new LongAdder()).increment();
				this.lastFailureNanos.set(System.nanoTime());
				this.recoveredNanos.set(Long.MIN_VALUE);
				this.successesSinceLastFailure.reset();
			}
		}
	}

	long successes() {
		return this.successes.sum();
	}

	long failures() {
		return this.failures.sum();
	}

	long successesSinceLastFailure() {
		return this.successesSinceLastFailure.sum();
	}

	/**
	 * Time from {@code sinceNanos} to the first success after the last failure: zero when
	 * that success came earlier or nothing failed.
	 */
	Duration recoveredAfter(long sinceNanos) {
		long recovered = this.recoveredNanos.get();
		if (this.lastFailureNanos.get() == Long.MIN_VALUE || recovered - sinceNanos < 0) {
			return Duration.ZERO;
		}
		return Duration.ofNanos(recovered - sinceNanos);
	}

	Map<String, Long> failureKinds() {
		Map<String, Long> kinds = new TreeMap<>();
		this.failureKinds.forEach((kind, count) -> kinds.put(kind, count.sum()));
		return kinds;
	}

	/**
	 * Stops the writers and waits for them.
	 * @return whether every call a writer started came back, with a result or an
	 * exception
	 */
	boolean stop() throws InterruptedException {
		this.running = false;
		for (Thread writer : this.writers) {
			writer.join(Duration.ofSeconds(90).toMillis());
		}
		return this.writers.stream().noneMatch(Thread::isAlive)
				&& this.attempts.sum() == this.successes.sum() + this.failures.sum();
	}

	@Override
	public void close() throws InterruptedException {
		stop();
	}

}
