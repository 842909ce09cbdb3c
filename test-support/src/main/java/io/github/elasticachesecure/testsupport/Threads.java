package io.github.elasticachesecure.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * The live threads of this JVM, for tests that check that what they closed left no thread
 * behind. <pre>{@code
 * context.close();
 * Threads.awaitNoneNamed(Threads.LETTUCE);
 * }</pre>
 */
public final class Threads {

	/** How Lettuce's threads (event loops, computation threads) are named. */
	public static final String LETTUCE = "lettuce-";

	/**
	 * How long {@link #awaitNoneNamed(String)} waits: threads end a little after what
	 * closed them returned.
	 */
	private static final Duration LIMIT = Duration.ofSeconds(10);

	private Threads() {
	}

	/**
	 * The live threads that match.
	 * @param filter which threads
	 * @return those that are alive now
	 */
	public static List<Thread> alive(Predicate<Thread> filter) {
		return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).filter(filter).toList();
	}

	/**
	 * The live threads whose name starts with the prefix.
	 * @param prefix the start of their names
	 * @return those that are alive now
	 */
	public static List<Thread> aliveNamed(String prefix) {
		return alive((thread) -> thread.getName().startsWith(prefix));
	}

	/**
	 * Waits up to 10 seconds until no live thread's name starts with the prefix.
	 * @param prefix the start of their names
	 * @throws AssertionError naming the threads still alive after that
	 * @throws InterruptedException if interrupted while waiting
	 */
	public static void awaitNoneNamed(String prefix) throws InterruptedException {
		// A plain loop: the test kit needs no assertion or await library.
		long deadline = System.nanoTime() + LIMIT.toNanos();
		while (!aliveNamed(prefix).isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		List<String> left = aliveNamed(prefix).stream().map(Thread::getName).toList();
		if (!left.isEmpty()) {
			throw new AssertionError("Threads named " + prefix + "… still alive after " + LIMIT + ": " + left);
		}
	}

}
