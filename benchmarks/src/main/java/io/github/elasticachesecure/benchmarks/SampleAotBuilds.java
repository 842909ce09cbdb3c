package io.github.elasticachesecure.benchmarks;

import java.io.IOException;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import io.github.elasticachesecure.benchmarks.SampleLauncher.Side;

/**
 * What section 4d starts the sample from: its jar extracted (the application's jar and
 * {@code lib/}), Spring AOT run for each side with that side's own arguments (Boot's side
 * with the starter's auto-configurations excluded, a build-time decision under AOT), the
 * generated code compiled and packed in a jar of its own put first on that side's class
 * path, and the JDK's AOT caches trained.
 */
final class SampleAotBuilds {

	private static final Duration STEP_LIMIT = Duration.ofMinutes(5);

	private final SampleLauncher launcher;

	private final Path work;

	private Path applicationJar;

	SampleAotBuilds(SampleLauncher launcher, Path work) {
		this.launcher = launcher;
		this.work = work;
	}

	/** Fail unless the fresh JVMs' {@code java} has the AOT cache (JDK 25+). */
	void checkAotCacheSupport() throws Exception {
		Path log = this.work.resolve("java-flags.log");
		run(new ProcessBuilder(this.launcher.java(), "-XX:+PrintFlagsFinal", "-version"), log);
		if (!Files.readString(log).contains("AOTCacheOutput")) {
			throw new IllegalStateException(this.launcher.java() + " has no -XX:AOTCacheOutput: the JDK AOT cache "
					+ "variants need JDK 25 or later (pass --java=/path/to/jdk-25/bin/java)");
		}
	}

	/**
	 * Extract the sample's executable jar: {@code app/<name>.jar} and {@code app/lib/}.
	 */
	void extract(Path sampleJar) throws Exception {
		Path destination = this.work.resolve("app");
		run(new ProcessBuilder(this.launcher.java(), "-Djarmode=tools", "-jar", sampleJar.toAbsolutePath().toString(),
				"extract", "--destination", destination.toString()), this.work.resolve("extract.log"));
		this.applicationJar = destination.resolve(sampleJar.getFileName());
		if (!Files.isRegularFile(this.applicationJar)) {
			throw new IllegalStateException("extracting " + sampleJar + " gave no " + this.applicationJar);
		}
	}

	/**
	 * Spring AOT for one side, run with its arguments, compiled and packed in
	 * {@code <name>/aot.jar}.
	 * @return the side's class path: its generated code first, then the application
	 */
	String processAot(String name, Side side) throws Exception {
		Path base = this.work.resolve(name);
		Path sources = base.resolve("sources");
		Path resources = base.resolve("resources");
		Path classes = base.resolve("classes");
		List<String> command = new ArrayList<>(List.of(this.launcher.java(), "-cp", applicationClassPath(),
				"org.springframework.boot.SpringApplicationAotProcessor", SampleLauncher.MAIN_CLASS, sources.toString(),
				resources.toString(), classes.toString(), "io.github.elasticachesecure",
				"elasticache-secure-sample-app"));
		command.addAll(this.launcher.arguments(side, 0));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().putAll(side.environment());
		run(builder, base.resolve("process-aot.log"));
		compile(sources, classes);
		Path jar = base.resolve("aot.jar");
		pack(jar, classes, resources);
		return jar + File.pathSeparator + applicationClassPath();
	}

	/**
	 * A training run ({@code -XX:AOTCacheOutput}) with the server up, for one side and
	 * Spring AOT setting: stopped after the context's refresh
	 * ({@code -Dspring.context.exit=onRefresh}) or, {@code throughRequest}, after the
	 * first successful request (the process then ends on {@code SIGTERM}).
	 * @return the cache
	 */
	Path train(String name, Side side, List<String> options, String classPath, boolean throughRequest)
			throws Exception {
		Path cache = this.work.resolve(name + ".aot");
		List<String> launch = new ArrayList<>(List.of("-XX:AOTCacheOutput=" + cache));
		if (!throughRequest) {
			launch.add("-Dspring.context.exit=onRefresh");
		}
		launch.addAll(options);
		launch.addAll(List.of("-cp", classPath, SampleLauncher.MAIN_CLASS));
		if (throughRequest) {
			this.launcher.start(side, launch, false);
		}
		else {
			run(this.launcher.process(side, launch, SampleLauncher.freePort()),
					this.work.resolve(name + "-training.log"));
		}
		if (!Files.isRegularFile(cache)) {
			throw new IllegalStateException("the training run wrote no " + cache);
		}
		return cache;
	}

	private String applicationClassPath() {
		return this.applicationJar + File.pathSeparator + this.applicationJar.resolveSibling("lib") + File.separator
				+ "*";
	}

	private void compile(Path sources, Path classes) throws IOException {
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		if (compiler == null) {
			throw new IllegalStateException("the benchmarks run on a JRE: compiling Spring AOT's code needs a JDK");
		}
		List<String> classPath = new ArrayList<>(List.of(this.applicationJar.toString()));
		try (Stream<Path> jars = Files.list(this.applicationJar.resolveSibling("lib"))) {
			jars.map(Path::toString).sorted().forEach(classPath::add);
		}
		List<String> arguments = new ArrayList<>(List.of("--release", "17", "-proc:none", "-nowarn", "-parameters",
				"-d", classes.toString(), "-cp", String.join(File.pathSeparator, classPath)));
		try (Stream<Path> files = Files.walk(sources)) {
			files.filter((file) -> file.toString().endsWith(".java")).map(Path::toString).forEach(arguments::add);
		}
		Files.createDirectories(classes);
		if (compiler.run(null, null, null, arguments.toArray(String[]::new)) != 0) {
			throw new IllegalStateException("compiling Spring AOT's code in " + sources + " failed");
		}
	}

	private static void pack(Path jar, Path... directories) throws IOException {
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
			for (Path directory : directories) {
				if (!Files.isDirectory(directory)) {
					continue;
				}
				try (Stream<Path> files = Files.walk(directory)) {
					for (Path file : files.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList()) {
						out.putNextEntry(new JarEntry(directory.relativize(file).toString().replace('\\', '/')));
						Files.copy(file, out);
						out.closeEntry();
					}
				}
			}
		}
	}

	/** Run a step to its end, its output in {@code log}; fail with the log's end. */
	private static void run(ProcessBuilder builder, Path log) throws Exception {
		Files.createDirectories(log.getParent());
		Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
		if (!process.waitFor(STEP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
			process.destroyForcibly().waitFor();
			throw new IllegalStateException(String.join(" ", builder.command()) + " took over " + STEP_LIMIT);
		}
		if (process.exitValue() != 0) {
			List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
			throw new IllegalStateException(
					String.join(" ", builder.command()) + " exited with " + process.exitValue() + "; end of " + log
							+ ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
		}
	}

	static void deleteRecursively(Path directory) throws IOException {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

}
