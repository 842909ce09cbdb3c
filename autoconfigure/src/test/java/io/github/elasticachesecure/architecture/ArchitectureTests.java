package io.github.elasticachesecure.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ListableBeanFactory;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of the main code: runtime packages point one way ({@code logging} at the very
 * bottom; {@code cache}, {@code tls}, {@code iam}, {@code secret} and {@code failover}
 * above it, together the core module; {@code audit}, the control-plane module, above
 * {@code cache} and {@code iam}; {@code guard}, {@code health} and {@code metrics} above
 * them; {@code autoconfigure} on top), the core and control-plane modules stay free of
 * Spring, beans are injected rather than looked up, the endpoint is parsed in one place,
 * and no source file grows past what one responsibility needs. The modules' own
 * dependencies (their poms) hold the same edges at build time.
 */
class ArchitectureTests {

	private static final String ROOT = MainClasses.ROOT;

	private static final JavaClasses MAIN = MainClasses.IMPORTED;

	// Sized for spring-javaformat, which puts each call of a chain on its own line.
	private static final int MAX_SOURCE_LINES = 330;

	@Test
	void mainCodeIsImported() {
		// Guards the rules below against passing on an empty import.
		assertThat(MAIN.containPackage(ROOT + ".autoconfigure")).isTrue();
		assertThat(MAIN.containPackage(ROOT + ".tls")).isTrue();
	}

	@Test
	void packagesHaveNoCycles() {
		slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
	}

	@Test
	void bottomPackagesDependOnNoOtherPackageOfTheStarterButLogging() {
		for (String bottom : List.of("cache", "tls", "iam", "secret", "failover", "logging")) {
			onlyDependsOn(bottom, "logging");
		}
		onlyDependsOn("logging");
	}

	@Test
	void middlePackagesDependOnlyOnThePackagesBelowThem() {
		onlyDependsOn("audit", "cache", "iam");
		onlyDependsOn("guard", "audit", "cache", "iam", "logging", "tls");
		onlyDependsOn("health", "audit", "cache", "iam", "logging", "secret", "tls");
		onlyDependsOn("metrics", "cache", "guard", "iam", "logging", "secret", "tls");
	}

	@Test
	void theCoreAndTheControlPlaneAreFreeOfSpring() {
		// The core and control-plane modules: usable without Spring, as the CLI uses
		// them.
		noClasses().that()
			.resideInAnyPackage(ROOT + ".cache..", ROOT + ".tls..", ROOT + ".iam..", ROOT + ".secret..",
					ROOT + ".failover..", ROOT + ".logging..", ROOT + ".audit..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework..")
			.check(MAIN);
	}

	@Test
	void bottomPackagesAreFreeOfSpringBoot() {
		noClasses().that()
			.resideInAnyPackage(ROOT + ".cache..", ROOT + ".tls..", ROOT + ".iam..", ROOT + ".secret..",
					ROOT + ".failover..", ROOT + ".guard..", ROOT + ".audit..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.boot..")
			.check(MAIN);
	}

	@Test
	void onlyTheGuardLooksBeansUp() {
		// The guard must see every RedisConnectionFactory, the user's too; everything
		// else is injected.
		noClasses().that()
			.doNotHaveSimpleName("RedisConnectionGuardPostProcessor")
			.and()
			.doNotHaveSimpleName("RedisConnectionGuardInitializer")
			.and()
			.doNotHaveSimpleName("ConnectionFactoryBeanCheck")
			.should()
			.dependOnClassesThat()
			.areAssignableTo(ListableBeanFactory.class)
			.check(MAIN);
	}

	@Test
	void theEndpointIsParsedInOnePlace() {
		noClasses().that()
			.doNotHaveSimpleName("ElastiCacheDescription")
			.and()
			.doNotHaveSimpleName("ElastiCacheEndpoint")
			.should()
			.callMethod(ROOT + ".cache.ElastiCacheEndpoint", "parse", String.class.getName())
			.check(MAIN);
	}

	@Test
	void noMainSourceFileIsLongerThanOneResponsibilityNeeds() throws IOException {
		List<String> tooLong = new ArrayList<>();
		for (String module : List.of("../core", "../control-plane", ".")) {
			Path sources = Path.of(module, "src/main/java");
			assertThat(sources).isDirectory();
			try (Stream<Path> files = Files.walk(sources)) {
				files.filter((file) -> file.toString().endsWith(".java"))
					// One documented field after another: long by nature, and simple.
					.filter((file) -> !file.endsWith("ElastiCacheSecureProperties.java"))
					.filter((file) -> lineCount(file) > MAX_SOURCE_LINES)
					.map((file) -> file + " (" + lineCount(file) + " lines)")
					.forEach(tooLong::add);
			}
		}
		assertThat(tooLong).as("main source files over %d lines", MAX_SOURCE_LINES).isEmpty();
	}

	private static void onlyDependsOn(String layer, String... allowed) {
		List<String> forbidden = Stream.of(otherStarterPackages(layer))
			.filter((pattern) -> Stream.of(allowed).noneMatch((name) -> pattern.equals(ROOT + "." + name + "..")))
			.toList();
		noClasses().that()
			.resideInAPackage(ROOT + "." + layer + "..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(forbidden.toArray(String[]::new))
			.check(MAIN);
	}

	private static String[] otherStarterPackages(String own) {
		return Stream
			.of("audit", "autoconfigure", "cache", "failover", "guard", "health", "iam", "logging", "metrics", "secret",
					"tls")
			.filter((name) -> !name.equals(own))
			.map((name) -> ROOT + "." + name + "..")
			.toArray(String[]::new);
	}

	private static long lineCount(Path file) {
		try (Stream<String> lines = Files.lines(file)) {
			return lines.count();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + file, ex);
		}
	}

}
