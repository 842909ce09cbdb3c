package io.github.elasticachesecure.architecture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public API of the library modules (core, control-plane, autoconfigure and the test
 * kit) against its baseline in {@code api/public-api.txt}, as japicmp would hold it
 * against a released version (there is none yet): a change to the API shows up here and
 * must be made on purpose. After a deliberate change, rewrite the baseline with
 * {@code ./mvnw -pl autoconfigure -am test -Dtest=PublicApiTests -Dsurefire.failIfNoSpecifiedTests=false -Dapi.baseline.update=true}
 * and review its diff.
 */
class PublicApiTests {

	private static final Path BASELINE = Path.of("../api/public-api.txt");

	private static final Set<JavaModifier> VISIBLE = Set.of(JavaModifier.PUBLIC, JavaModifier.PROTECTED);

	@Test
	void publicApiIsTheBaseline() throws IOException {
		List<String> api = publicApi();
		assertThat(api).as("public types found").anyMatch((line) -> line.contains(".tls.WireCheck"));
		if (Boolean.getBoolean("api.baseline.update")) {
			Files.write(BASELINE, api, StandardCharsets.UTF_8);
		}
		List<String> baseline = Files.readAllLines(BASELINE, StandardCharsets.UTF_8);
		String rewrite = "rewrite " + BASELINE + " with -Dapi.baseline.update=true after a deliberate change";
		assertThat(api.stream().filter((line) -> !baseline.contains(line)))
			.as("public API not in the baseline (%s)", rewrite)
			.isEmpty();
		assertThat(baseline.stream().filter((line) -> !api.contains(line)))
			.as("public API in the baseline but gone (%s)", rewrite)
			.isEmpty();
		assertThat(api).as("public API in the baseline's order (%s)", rewrite).isEqualTo(baseline);
	}

	private static List<String> publicApi() {
		List<String> lines = new ArrayList<>();
		MainClasses.IMPORTED.stream()
			.filter((type) -> !type.getPackageName().startsWith("io.github.elasticachesecure.testsupport"))
			.filter(PublicApiTests::isVisible)
			.sorted(Comparator.comparing(JavaClass::getName))
			.forEach((type) -> {
				lines.add(modifiers(type.getModifiers()) + kind(type) + " " + type.getName());
				Stream.concat(type.getConstructors().stream(), type.getMethods().stream())
					.filter((member) -> isVisible(member) && !member.getModifiers().contains(JavaModifier.SYNTHETIC)
							&& !member.getModifiers().contains(JavaModifier.BRIDGE))
					.map((member) -> "  " + type.getSimpleName() + ": " + modifiers(member.getModifiers())
							+ signature(member))
					.sorted()
					.forEach(lines::add);
				type.getFields()
					.stream()
					.filter(PublicApiTests::isVisible)
					.map((field) -> "  " + type.getSimpleName() + ": " + modifiers(field.getModifiers())
							+ field.getRawType().getName() + " " + field.getName())
					.sorted()
					.forEach(lines::add);
			});
		return lines;
	}

	private static boolean isVisible(JavaClass type) {
		JavaClass outer = type;
		while (outer != null) {
			if (outer.getModifiers().stream().noneMatch(VISIBLE::contains) || outer.isAnonymousClass()) {
				return false;
			}
			outer = outer.getEnclosingClass().orElse(null);
		}
		return true;
	}

	private static boolean isVisible(JavaMember member) {
		return member.getModifiers().stream().anyMatch(VISIBLE::contains);
	}

	private static String kind(JavaClass type) {
		if (type.isAnnotation()) {
			return "@interface";
		}
		if (type.isInterface()) {
			return "interface";
		}
		if (type.isEnum()) {
			return "enum";
		}
		if (type.isRecord()) {
			return "record";
		}
		return "class";
	}

	private static String modifiers(Set<JavaModifier> modifiers) {
		return modifiers.stream()
			.filter((modifier) -> modifier != JavaModifier.SYNTHETIC && modifier != JavaModifier.BRIDGE)
			.sorted()
			.map((modifier) -> modifier.name().toLowerCase() + " ")
			.collect(Collectors.joining());
	}

	private static String signature(JavaCodeUnit member) {
		String parameters = member.getRawParameterTypes()
			.stream()
			.map(JavaClass::getName)
			.collect(Collectors.joining(", "));
		String name = member.isConstructor() ? "<init>" : member.getRawReturnType().getName() + " " + member.getName();
		return name + "(" + parameters + ")";
	}

}
