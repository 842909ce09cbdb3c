package io.github.elasticachesecure.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The main classes of the starter's modules on this test class path, imported once for
 * the architecture and public API tests (the import is most of their time).
 */
final class MainClasses {

	static final String ROOT = "io.github.elasticachesecure";

	static final JavaClasses IMPORTED = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages(ROOT);

	private MainClasses() {
	}

}
