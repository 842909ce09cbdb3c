package io.github.elasticachesecure.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.assertj.core.api.ThrowingConsumer;

import org.springframework.aot.agent.RecordedInvocation;
import org.springframework.aot.agent.RecordedInvocationsListener;
import org.springframework.aot.agent.RecordedInvocationsPublisher;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a context the way an application built with Spring AOT runs: the runner's context
 * is processed ahead of time (its conditions decided with the build-time properties), the
 * generated code is compiled, and a fresh context started from it alone, with the
 * run-time properties, while Spring's {@code RuntimeHintsAgent} records every reflective
 * call, resource lookup and proxy of the starter's and Spring's utility code: each must
 * be covered by the hints that processing produced, as a native image requires.
 * <p>
 * Test classes using it need {@code @CompileWithForkedClassLoader}: the generated code
 * instantiates the package-private configuration classes, so it must share their class
 * loader.
 */
@SuppressWarnings("removal") // the agent is the check Spring offers; see the pom
final class AheadOfTimeContexts {

	private AheadOfTimeContexts() {
	}

	/**
	 * Processes the runner's context ahead of time, then starts the generated one with
	 * the same properties and hands it to the test.
	 */
	static void run(ApplicationContextRunner buildTime, ThrowingConsumer<GenericApplicationContext> test) {
		run(buildTime, null, test);
	}

	/**
	 * Processes the runner's context ahead of time, then starts the generated one with
	 * only the given run-time properties (or, when {@code null}, the build-time ones) and
	 * hands it to the test.
	 */
	static void run(ApplicationContextRunner buildTime, Map<String, Object> runTimeProperties,
			ThrowingConsumer<GenericApplicationContext> test) {
		assertThat(agentLoaded()).as("Spring's RuntimeHintsAgent loaded (failsafe's aot execution)").isTrue();
		buildTime.prepare((prepared) -> {
			GenericApplicationContext source = (GenericApplicationContext) prepared.getSourceApplicationContext();
			TestGenerationContext generation = new TestGenerationContext();
			ClassName initializer = new ApplicationContextAotGenerator().processAheadOfTime(source, generation);
			generation.writeGeneratedContent();
			RuntimeHints hints = generation.getRuntimeHints();
			TestCompiler.forSystem().with(generation).compile((compiled) -> {
				GenericApplicationContext context = new GenericApplicationContext();
				StandardEnvironment environment = new StandardEnvironment();
				if (runTimeProperties != null) {
					environment.getPropertySources().addFirst(new MapPropertySource("run-time", runTimeProperties));
				}
				else {
					environment.merge(source.getEnvironment());
				}
				context.setEnvironment(environment);
				@SuppressWarnings("unchecked")
				ApplicationContextInitializer<GenericApplicationContext> generated = compiled
					.getInstance(ApplicationContextInitializer.class, initializer.toString());
				List<RecordedInvocation> invocations = new CopyOnWriteArrayList<>();
				RecordedInvocationsListener recorder = invocations::add;
				RecordedInvocationsPublisher.addListener(recorder);
				try {
					generated.initialize(context);
					context.refresh();
					try {
						test.accept(context);
					}
					finally {
						context.close();
					}
				}
				finally {
					RecordedInvocationsPublisher.removeListener(recorder);
				}
				List<RecordedInvocation> starters = invocations.stream()
					.filter(AheadOfTimeContexts::madeByTheStarter)
					.toList();
				assertThat(starters).as("reflective calls of the starter recorded by the agent").isNotEmpty();
				assertThat(starters.stream()
					.filter((invocation) -> !covered(invocation, hints))
					.map(AheadOfTimeContexts::describe)
					.distinct()).as("reflective calls without a runtime hint").isEmpty();
			});
		});
	}

	/**
	 * Whether the hints cover the call. Spring looks for methods on every bean's class,
	 * lambdas included (a customizer bean, for one); a lambda's class has no name a hint
	 * could give, in a native image or here, so those lookups are left out.
	 */
	private static boolean covered(RecordedInvocation invocation, RuntimeHints hints) {
		if (!invocation.isStatic() && invocation.getInstance() instanceof Class<?> type
				&& type.getCanonicalName() == null) {
			return true;
		}
		return invocation.matches(hints);
	}

	/**
	 * Whether the starter's code made the call, directly or through Spring's reflection
	 * and class utilities. Spring's own calls (the agent records those of every Spring
	 * class that uses the utilities) are Spring's to hint, and the AOT-generated code is
	 * hinted by its generator.
	 */
	private static boolean madeByTheStarter(RecordedInvocation invocation) {
		String caller = invocation.getStackFrames()
			.map(StackWalker.StackFrame::getClassName)
			.filter((type) -> !type.startsWith("org.springframework.aot.agent.")
					&& !type.startsWith("org.springframework.util.") && !type.startsWith("java."))
			.findFirst()
			.orElse("");
		return caller.startsWith("io.github.elasticachesecure.") && !caller.contains("__");
	}

	private static String describe(RecordedInvocation invocation) {
		return invocation + " from "
				+ invocation.getStackFrames()
					.map((frame) -> frame.getClassName() + "." + frame.getMethodName() + ":" + frame.getLineNumber())
					.filter((frame) -> !frame.startsWith("org.springframework.aot.agent"))
					.limit(4)
					.toList();
	}

	/**
	 * Whether the agent was loaded into this JVM: asked of the class the JVM loaded it
	 * with, since the forked class loader of the test holds a copy of its own.
	 */
	private static boolean agentLoaded() {
		try {
			return (boolean) ClassLoader.getSystemClassLoader()
				.loadClass("org.springframework.aot.agent.RuntimeHintsAgent")
				.getMethod("isLoaded")
				.invoke(null);
		}
		catch (ReflectiveOperationException ex) {
			return false;
		}
	}

}
