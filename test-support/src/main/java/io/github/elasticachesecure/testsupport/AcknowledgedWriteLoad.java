package io.github.elasticachesecure.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.elasticachesecure.testkit.RedisServerProcess;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A mixed load through the application's {@link StringRedisTemplate} that keeps a ledger
 * of what the server acknowledged, to check afterwards that nothing acknowledged was
 * lost. Each thread, in a loop: {@code INCR}s a counter of its own, {@code SET}s a new
 * key of its own to a unique value, and {@code GET}s that key back. A call that returned
 * is acknowledged; a call that threw is counted by its most specific cause, so a failure
 * can only be silent if an acknowledged write is missing later ({@link #verify}). Every
 * call's duration is measured.
 * <p>
 * All keys start with the given prefix: a hash tag such as {@code "{shard-1}"} keeps them
 * in one cluster slot.
 */
public final class AcknowledgedWriteLoad implements AutoCloseable {

	private static final int VERIFY_BATCH = 500;

	private final StringRedisTemplate template;

	private final String prefix;

	private final List<Writer> writers = new ArrayList<>();

	private final ConcurrentLinkedQueue<String> acknowledgedSets = new ConcurrentLinkedQueue<>();

	private final LongAdder calls = new LongAdder();

	private final LongAdder failedSets = new LongAdder();

	private final LongAdder failedIncrs = new LongAdder();

	private final LongAdder failedReads = new LongAdder();

	/**
	 * Reads that returned, but not the value the same thread's acknowledged SET had just
	 * written.
	 */
	private final LongAdder staleReads = new LongAdder();

	/** Kind of failure (the most specific cause's class) → how many. */
	private final Map<String, LongAdder> failureKinds = new ConcurrentHashMap<>();

	/**
	 * Failures whose cause carries a Redis authentication error ({@code WRONGPASS},
	 * {@code NOAUTH}).
	 */
	private final LongAdder authenticationErrors = new LongAdder();

	private final LongAccumulator longestCallNanos = new LongAccumulator(Math::max, 0);

	private final AtomicLong lastSuccessNanos = new AtomicLong(System.nanoTime());

	private final LongAccumulator longestGapNanos = new LongAccumulator(Math::max, 0);

	private final AtomicLong firstSuccessAfterWatch = new AtomicLong(Long.MIN_VALUE);

	private volatile long watchedSince;

	private volatile boolean watching;

	private volatile boolean running = true;

	public AcknowledgedWriteLoad(StringRedisTemplate template, String prefix, int threads) {
		this.template = template;
		this.prefix = prefix;
		for (int i = 0; i < threads; i++) {
			this.writers.add(new Writer(i));
		}
		this.writers.forEach((writer) -> writer.thread.start());
	}

	/**
	 * From now on, remember when the first call completes successfully after
	 * {@code sinceNanos}.
	 * @param sinceNanos a {@link System#nanoTime()}
	 */
	public void watchFrom(long sinceNanos) {
		this.watching = false;
		this.firstSuccessAfterWatch.set(Long.MIN_VALUE);
		this.watchedSince = sinceNanos;
		this.watching = true;
	}

	/**
	 * Waits for the first successful call after the time given to
	 * {@link #watchFrom(long)}.
	 * @param limit how long to wait at most
	 * @return when it completed ({@link System#nanoTime()})
	 * @throws AssertionError when no call succeeded within the limit
	 */
	public long awaitSuccessAfterWatch(Duration limit) throws InterruptedException {
		long deadline = System.nanoTime() + limit.toNanos();
		while (this.firstSuccessAfterWatch.get() == Long.MIN_VALUE) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("No call succeeded within " + limit + "; failures so far: " + failureKinds());
			}
			Thread.sleep(5);
		}
		return this.firstSuccessAfterWatch.get();
	}

	/**
	 * Waits until every thread has completed at least {@code count} more successful
	 * loops.
	 */
	public void awaitProgress(int count, Duration limit) throws InterruptedException {
		List<Long> targets = this.writers.stream().map((writer) -> writer.loops.get() + count).toList();
		long deadline = System.nanoTime() + limit.toNanos();
		for (int i = 0; i < this.writers.size(); i++) {
			while (this.writers.get(i).loops.get() < targets.get(i)) {
				if (System.nanoTime() - deadline > 0) {
					throw new AssertionError(
							"The load made no progress within " + limit + "; failures: " + failureKinds());
				}
				Thread.sleep(5);
			}
		}
	}

	/**
	 * Stops the threads and waits for them.
	 * @return whether every thread ended (every call it made came back, with a result or
	 * an exception)
	 */
	public boolean stop() throws InterruptedException {
		this.running = false;
		for (Writer writer : this.writers) {
			writer.thread.join(Duration.ofSeconds(90).toMillis());
		}
		return this.writers.stream().noneMatch((writer) -> writer.thread.isAlive());
	}

	@Override
	public void close() throws InterruptedException {
		stop();
	}

	/**
	 * Compares the ledger with what a server holds, after {@link #stop()}.
	 * @param mget reads the values of keys, in order ({@code MGET} as an administrator),
	 * {@code null} for a missing key
	 * @return the figures
	 */
	public Figures verify(Function<List<String>, List<String>> mget) {
		List<String> keys = new ArrayList<>(this.acknowledgedSets);
		long missingSets = 0;
		for (int from = 0; from < keys.size(); from += VERIFY_BATCH) {
			List<String> batch = keys.subList(from, Math.min(keys.size(), from + VERIFY_BATCH));
			List<String> values = mget.apply(batch);
			for (int i = 0; i < batch.size(); i++) {
				if (!Objects.equals(valueOf(batch.get(i)), values.get(i))) {
					missingSets++;
				}
			}
		}
		List<String> counterKeys = this.writers.stream().map((writer) -> writer.counterKey).toList();
		List<String> counterValues = mget.apply(counterKeys);
		long acknowledgedIncrs = 0;
		long appliedIncrs = 0;
		long lostIncrs = 0;
		long appliedMoreThanCalled = 0;
		for (int i = 0; i < this.writers.size(); i++) {
			Writer writer = this.writers.get(i);
			long applied = (counterValues.get(i) != null) ? Long.parseLong(counterValues.get(i)) : 0;
			acknowledgedIncrs += writer.acknowledgedIncrs;
			appliedIncrs += applied;
			lostIncrs += Math.max(0, writer.acknowledgedIncrs - applied);
			appliedMoreThanCalled += Math.max(0, applied - (writer.acknowledgedIncrs + writer.failedIncrs));
		}
		return new Figures(this.calls.sum(), keys.size(), missingSets, this.failedSets.sum(), acknowledgedIncrs,
				appliedIncrs, lostIncrs, this.failedIncrs.sum(), appliedMoreThanCalled,
				this.writers.stream().mapToLong((writer) -> writer.duplicateIncrReplies).sum(), this.failedReads.sum(),
				this.staleReads.sum(), failureKinds(), Duration.ofNanos(this.longestCallNanos.get()),
				Duration.ofNanos(this.longestGapNanos.get()));
	}

	public Map<String, Long> failureKinds() {
		Map<String, Long> kinds = new TreeMap<>();
		this.failureKinds.forEach((kind, count) -> kinds.put(kind, count.sum()));
		return kinds;
	}

	/**
	 * @return failures so far that were Redis authentication errors ({@code WRONGPASS} or
	 * {@code NOAUTH})
	 */
	public long authenticationErrors() {
		return this.authenticationErrors.sum();
	}

	/**
	 * Reads keys from a server as its administrator, {@code null} for a missing one: what
	 * {@link #verify} compares the ledger with.
	 * @param server the server that holds the data
	 * @return {@code MGET} of the given keys
	 */
	public static Function<List<String>, List<String>> mget(RedisServerProcess server) {
		return (keys) -> {
			List<String> command = new ArrayList<>(keys.size() + 1);
			command.add("MGET");
			command.addAll(keys);
			return ((List<?>) server.command(command.toArray(String[]::new))).stream()
				.map((value) -> (value != null) ? value.toString() : null)
				.toList();
		};
	}

	private static boolean isAuthenticationError(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null && (message.contains("WRONGPASS") || message.contains("NOAUTH"))) {
				return true;
			}
		}
		return false;
	}

	private String valueOf(String key) {
		return "value-of-" + key;
	}

	private <T> T call(Supplier<T> command, LongAdder failures) {
		long start = System.nanoTime();
		this.calls.increment();
		try {
			T result = command.get();
			long now = System.nanoTime();
			this.longestGapNanos.accumulate(now - this.lastSuccessNanos.getAndSet(now));
			if (this.watching && now - this.watchedSince > 0) {
				this.firstSuccessAfterWatch.compareAndSet(Long.MIN_VALUE, now);
			}
			return result;
		}
		catch (RuntimeException ex) {
			failures.increment();
			String kind = NestedExceptionUtils.getMostSpecificCause(ex).getClass().getSimpleName();
			this.failureKinds.computeIfAbsent(kind, (name) -> new LongAdder()).increment();
			if (isAuthenticationError(ex)) {
				this.authenticationErrors.increment();
			}
			throw ex;
		}
		finally {
			this.longestCallNanos.accumulate(System.nanoTime() - start);
		}
	}

	/**
	 * The ledger compared with the server.
	 *
	 * @param calls every call made (INCR, SET and GET)
	 * @param acknowledgedSets SETs that returned
	 * @param missingSets acknowledged SETs whose key is missing or holds another value:
	 * lost writes
	 * @param failedSets SETs that threw
	 * @param acknowledgedIncrs INCRs that returned
	 * @param appliedIncrs the counters' final values: how often the server applied an
	 * INCR
	 * @param lostIncrs acknowledged INCRs the counters do not show: lost writes
	 * @param failedIncrs INCRs that threw (each may or may not have been applied)
	 * @param appliedMoreThanCalled applications beyond every INCR call made, acknowledged
	 * or failed: only a re-send can produce them
	 * @param duplicateIncrReplies acknowledged INCRs whose reply showed more applications
	 * than calls so far
	 * @param failedReads GETs that threw
	 * @param staleReads GETs that returned something else than the value just written and
	 * acknowledged
	 * @param failureKinds failures by the most specific cause
	 * @param longestCall the longest any call took, successful or not
	 * @param longestGap the longest time without any successful call
	 */
	public record Figures(long calls, long acknowledgedSets, long missingSets, long failedSets, long acknowledgedIncrs,
			long appliedIncrs, long lostIncrs, long failedIncrs, long appliedMoreThanCalled, long duplicateIncrReplies,
			long failedReads, long staleReads, Map<String, Long> failureKinds, Duration longestCall,
			Duration longestGap) {

		/**
		 * @return acknowledged writes missing afterwards
		 */
		public long lost() {
			return this.missingSets + this.lostIncrs;
		}

		/**
		 * @return failures surfaced to the callers as exceptions
		 */
		public long failures() {
			return this.failedSets + this.failedIncrs + this.failedReads;
		}

		@Override
		public String toString() {
			return String
				.format("%d calls; SET: %d acknowledged, %d failed, %d lost; INCR: %d acknowledged, %d applied "
						+ "(%d more: %d failed calls, %d applied beyond all calls), %d failed, %d lost; GET: %d failed, %d stale; "
						+ "errors by cause %s; longest call %d ms, longest time without a success %d ms", this.calls,
						this.acknowledgedSets, this.failedSets, this.missingSets, this.acknowledgedIncrs,
						this.appliedIncrs, this.appliedIncrs - this.acknowledgedIncrs, this.failedIncrs,
						this.appliedMoreThanCalled, this.failedIncrs, this.lostIncrs, this.failedReads, this.staleReads,
						this.failureKinds, this.longestCall.toMillis(), this.longestGap.toMillis());
		}

	}

	private final class Writer {

		private final Thread thread;

		private final String counterKey;

		private final AtomicLong loops = new AtomicLong();

		private volatile long acknowledgedIncrs;

		private volatile long failedIncrs;

		private volatile long duplicateIncrReplies;

		Writer(int index) {
			this.counterKey = AcknowledgedWriteLoad.this.prefix + ":counter-" + index;
			String setKeyPrefix = AcknowledgedWriteLoad.this.prefix + ":set-" + index + "-";
			this.thread = new Thread(() -> run(setKeyPrefix), "acknowledged-write-load-" + index);
			this.thread.setDaemon(true);
		}

		private void run(String setKeyPrefix) {
			AcknowledgedWriteLoad load = AcknowledgedWriteLoad.this;
			long n = 0;
			while (load.running) {
				boolean allAcknowledged = true;
				try {
					Long reply = load.call(() -> load.template.opsForValue().increment(this.counterKey),
							load.failedIncrs);
					this.acknowledgedIncrs++;
					if (reply != null && reply > this.acknowledgedIncrs + this.failedIncrs) {
						this.duplicateIncrReplies++;
					}
				}
				catch (RuntimeException ex) {
					this.failedIncrs++;
					allAcknowledged = false;
				}
				String key = setKeyPrefix + (++n);
				try {
					load.call(() -> {
						load.template.opsForValue().set(key, load.valueOf(key));
						return null;
					}, load.failedSets);
					load.acknowledgedSets.add(key);
					String read = load.call(() -> load.template.opsForValue().get(key), load.failedReads);
					if (!load.valueOf(key).equals(read)) {
						load.staleReads.increment();
					}
				}
				catch (RuntimeException ex) {
					allAcknowledged = false;
				}
				if (allAcknowledged) {
					this.loops.incrementAndGet();
				}
			}
		}

	}

}
