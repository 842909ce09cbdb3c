package io.github.elasticachesecure.autoconfigure;

import java.util.List;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finds the starter's exception in a failed context's cause chain, as Spring Boot's
 * failure analyzers do, and analyzes a failure with the analyzers the starter registers.
 */
public final class StartupFailures {

	private StartupFailures() {
	}

	public static <T extends Throwable> T find(ApplicationContextAssertProvider<?> context, Class<T> type) {
		Throwable failure = context.getStartupFailure();
		assertThat(failure).as("startup failure").isNotNull();
		return find(failure, type);
	}

	public static <T extends Throwable> T find(Throwable failure, Class<T> type) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
		}
		throw new AssertionError("No " + type.getSimpleName() + " in " + failure, failure);
	}

	/**
	 * Analyze a failure as a Spring Boot application would: with the starter's failure
	 * analyzers, as its {@code spring.factories} registers them, the first that
	 * recognizes it.
	 * @param failure the failure
	 * @return the analysis
	 */
	public static FailureAnalysis analyze(Throwable failure) {
		return analyze(failure, new StandardEnvironment());
	}

	/**
	 * Analyze a failure as {@link #analyze(Throwable)} does, with the environment an
	 * analyzer reads (Boot hands analyzers the application's).
	 * @param failure the failure
	 * @param environment the application's environment
	 * @return the analysis
	 */
	public static FailureAnalysis analyze(Throwable failure, Environment environment) {
		// Boot's own analyzers need constructor arguments that only an application gives;
		// they are left out, which the filter below would do anyway.
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(StartupFailures.class.getClassLoader())
			.load(FailureAnalyzer.class, ArgumentResolver.of(Environment.class, environment),
					FailureHandler.handleMessage((message, ex) -> {
					}));
		return analyzers.stream()
			.filter((analyzer) -> analyzer.getClass().getName().startsWith("io.github.elasticachesecure."))
			.map((analyzer) -> analyzer.analyze(failure))
			.filter((analysis) -> analysis != null)
			.findFirst()
			.orElseThrow(() -> new AssertionError("No failure analyzer of the starter recognized " + failure, failure));
	}

}
