package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.springframework.dao.DataAccessException;

import static org.awaitility.Awaitility.await;

/**
 * Waiting for conditions in the integration tests: generous limits for a loaded machine,
 * so that only what the product promises is bounded, and that by each test itself.
 */
public final class TestConditions {

	private static final Duration LIMIT = Duration.ofSeconds(30);

	private TestConditions() {
	}

	/**
	 * Wait until the condition holds, polling every 50 ms, for at most 30 s.
	 * @param condition the condition
	 * @param description what is awaited, for the failure message
	 */
	public static void awaitUntil(BooleanSupplier condition, String description) {
		await(description).atMost(LIMIT).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
	}

	/**
	 * Run a Redis command through Spring Data Redis.
	 * @param command the command
	 * @return whether it succeeded, {@code false} when it failed with a
	 * {@link DataAccessException}
	 */
	public static boolean succeeds(Runnable command) {
		try {
			command.run();
			return true;
		}
		catch (DataAccessException ex) {
			return false;
		}
	}

}
