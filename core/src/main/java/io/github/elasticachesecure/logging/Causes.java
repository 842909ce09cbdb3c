package io.github.elasticachesecure.logging;

import org.jspecify.annotations.Nullable;

/**
 * Walks a failure's chain of causes, bounded because a chain may loop. Written here
 * rather than taken from Spring's {@code NestedExceptionUtils} so that the core stays
 * free of Spring.
 */
public final class Causes {

	private static final int MAX_DEPTH = 16;

	private Causes() {
	}

	/**
	 * The deepest cause of a failure.
	 * @param ex the failure
	 * @return its deepest cause, or the failure itself when it has none
	 */
	public static Throwable mostSpecific(Throwable ex) {
		Throwable root = ex;
		for (int depth = 0; root.getCause() != null && depth < MAX_DEPTH; depth++) {
			root = root.getCause();
		}
		return root;
	}

	/**
	 * The first failure in the chain that is of the given type.
	 * @param <T> the type
	 * @param ex the failure
	 * @param type the type to look for
	 * @return the failure or cause of that type, or {@code null}
	 */
	public static <T extends Throwable> @Nullable T find(Throwable ex, Class<T> type) {
		Throwable cause = ex;
		for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
			cause = cause.getCause();
		}
		return null;
	}

	/**
	 * A failure's message followed by its deepest cause's, for probes and diagnostics
	 * that report failures on this side of the connection (never a server's reply).
	 * @param ex the failure
	 * @return the message, with the deepest cause's in parentheses when it differs
	 */
	public static String describe(Throwable ex) {
		Throwable root = mostSpecific(ex);
		String message = (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
		return (root == ex) ? message : ex.getMessage() + " (" + message + ")";
	}

}
