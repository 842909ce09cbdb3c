package io.github.elasticachesecure.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.assertj.core.api.ThrowingConsumer;

import org.springframework.aot.agent.RecordedInvocation;
import org.springframework.aot.agent.RecordedInvocationsListener;
import org.springframework.aot.agent.RecordedInvocationsPublisher;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.test.tools.Compiled;
import org.springframework.core.test.tools.SourceFile;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a context the way an application built with Spring AOT runs: the runner's context
 * is processed ahead of time (its conditions decided with the build-time properties), the
 * generated code is compiled, and a fresh context started from it alone, with the
 * run-time properties, while Spring's {@code RuntimeHintsAgent} records every reflective
 * call, resource lookup and proxy of the starter's and Spring's utility code: each must
 * be covered by the hints that processing produced, as a native image requires.
 * <p>
 * A {@link Build} is processed and compiled once and may be run in several environments,
 * as one application build is deployed to several.
 */
@SuppressWarnings("removal") // the agent is the check Spring offers; see the pom
final class AheadOfTimeContexts {

	private static final AtomicInteger builds = new AtomicInteger();

	private AheadOfTimeContexts() {
	}

	/**
	 * Processes the runner's context ahead of time, then starts the generated one with
	 * the same properties and hands it to the test.
	 */
	static void run(ApplicationContextRunner buildTime, ThrowingConsumer<GenericApplicationContext> test) {
		build(buildTime).run(test);
	}

	/**
	 * Processes the runner's context ahead of time and compiles the generated code.
	 */
	static Build build(ApplicationContextRunner buildTime) {
		assertThat(agentLoaded()).as("Spring's RuntimeHintsAgent loaded (failsafe's aot execution)").isTrue();
		AtomicReference<Build> build = new AtomicReference<>();
		buildTime.prepare((prepared) -> {
			GenericApplicationContext source = (GenericApplicationContext) prepared.getSourceApplicationContext();
			TestGenerationContext files = new TestGenerationContext(AheadOfTimeContexts.class);
			// A name per build keeps the generated class names of the builds of one JVM
			// apart.
			DefaultGenerationContext generation = files.withName("Build" + builds.incrementAndGet());
			ClassName initializer = new ApplicationContextAotGenerator().processAheadOfTime(source, generation);
			generation.writeGeneratedContent();
			StandardEnvironment buildEnvironment = new StandardEnvironment();
			buildEnvironment.merge(source.getEnvironment());
			TestCompiler.forSystem()
				.with(files)
				.compile(
						(compiled) -> build.set(new Build(defineInTheirPackages(compiled, initializer.reflectionName()),
								files.getRuntimeHints(), buildEnvironment)));
		});
		return build.get();
	}

	/**
	 * Defines the compiled classes in the class loader and packages of the classes they
	 * were generated for, as a native image or an AOT-built jar has them. Spring's
	 * {@code @CompileWithForkedClassLoader} does the same by loading every class again in
	 * a fresh class loader for each test method, which costs seconds per test under the
	 * agent and keeps builds from being shared.
	 */
	private static Class<?> defineInTheirPackages(Compiled compiled, String initializer) {
		Map<String, byte[]> classes = new LinkedHashMap<>();
		for (SourceFile source : compiled.getSourceFiles()) {
			collectClassFiles(compiled.getClassLoader(), source.getClassName(), classes);
		}
		classes.forEach((name, bytes) -> {
			try {
				MethodHandles.privateLookupIn(generatedFor(name), MethodHandles.lookup()).defineClass(bytes);
			}
			catch (IllegalAccessException ex) {
				throw new IllegalStateException("Cannot define " + name + " in its package", ex);
			}
		});
		return ClassUtils.resolveClassName(initializer, AheadOfTimeContexts.class.getClassLoader());
	}

	private static void collectClassFiles(ClassLoader compiled, String name, Map<String, byte[]> classes) {
		try (InputStream bytes = compiled
			.getResourceAsStream(ClassUtils.convertClassNameToResourcePath(name) + ClassUtils.CLASS_FILE_SUFFIX)) {
			assertThat(bytes).as("compiled class %s", name).isNotNull();
			classes.put(name, bytes.readAllBytes());
			for (Class<?> nested : compiled.loadClass(name).getDeclaredClasses()) {
				collectClassFiles(compiled, nested.getName(), classes);
			}
		}
		catch (IOException | ClassNotFoundException ex) {
			throw new IllegalStateException("Cannot read compiled class " + name, ex);
		}
	}

	/**
	 * The class a generated one was generated for: generated names start with it and go
	 * on after a double underscore.
	 */
	private static Class<?> generatedFor(String generated) {
		String name = generated.substring(0, generated.indexOf("__"));
		return ClassUtils.resolveClassName(name, AheadOfTimeContexts.class.getClassLoader());
	}

	/**
	 * A context processed ahead of time and compiled, to be started in any environment.
	 */
	static final class Build {

		private final Class<?> initializer;

		private final RuntimeHints hints;

		private final StandardEnvironment buildEnvironment;

		private Build(Class<?> initializer, RuntimeHints hints, StandardEnvironment buildEnvironment) {
			this.initializer = initializer;
			this.hints = hints;
			this.buildEnvironment = buildEnvironment;
		}

		/**
		 * Starts the generated context with the build-time properties and hands it to the
		 * test.
		 */
		void run(ThrowingConsumer<GenericApplicationContext> test) {
			StandardEnvironment environment = new StandardEnvironment();
			environment.merge(this.buildEnvironment);
			run(environment, test);
		}

		/**
		 * Starts the generated context with only the given run-time properties and hands
		 * it to the test.
		 */
		void run(Map<String, ?> runTimeProperties, ThrowingConsumer<GenericApplicationContext> test) {
			StandardEnvironment environment = new StandardEnvironment();
			environment.getPropertySources().addFirst(new MapPropertySource("run-time", Map.copyOf(runTimeProperties)));
			run(environment, test);
		}

		private void run(StandardEnvironment environment, ThrowingConsumer<GenericApplicationContext> test) {
			GenericApplicationContext context = new GenericApplicationContext();
			context.setEnvironment(environment);
			@SuppressWarnings("unchecked")
			ApplicationContextInitializer<GenericApplicationContext> generated = (ApplicationContextInitializer<GenericApplicationContext>) BeanUtils
				.instantiateClass(this.initializer);
			// Spring caches what it finds by reflection: emptied, the run makes (and the
			// agent records) every lookup again, whatever an earlier build or run did.
			ReflectionUtils.clearCache();
			AnnotationUtils.clearCache();
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
				.filter((invocation) -> !covered(invocation, this.hints))
				.map(AheadOfTimeContexts::describe)
				.distinct()).as("reflective calls without a runtime hint").isEmpty();
		}

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
