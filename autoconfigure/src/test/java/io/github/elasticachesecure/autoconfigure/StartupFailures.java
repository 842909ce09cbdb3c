package io.github.elasticachesecure.autoconfigure;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finds the starter's exception in a failed context's cause chain, as Spring Boot's
 * failure analyzers do.
 */
final class StartupFailures {

	private StartupFailures() {
	}

	static <T extends Throwable> T find(AssertableApplicationContext context, Class<T> type) {
		Throwable failure = context.getStartupFailure();
		assertThat(failure).as("startup failure").isNotNull();
		return find(failure, type);
	}

	static <T extends Throwable> T find(Throwable failure, Class<T> type) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
		}
		throw new AssertionError("No " + type.getSimpleName() + " in " + failure, failure);
	}

}
