package io.github.elasticachesecure.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Owner-only temporary directories that are deleted recursively at JVM exit (or earlier
 * through {@link #deleteRecursively(Path)}).
 */
final class TempFiles {

	private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> DIRECTORIES.forEach(TempFiles::deleteQuietly), "testbed-temp-cleanup"));
	}

	private TempFiles() {
	}

	static Path createTempDirectory(String prefix) throws IOException {
		Path directory;
		try {
			directory = Files.createTempDirectory(prefix,
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		}
		catch (UnsupportedOperationException ex) {
			directory = Files.createTempDirectory(prefix);
		}
		DIRECTORIES.add(directory);
		return directory;
	}

	static void write(Path file, String content) throws IOException {
		Files.writeString(file, content, StandardCharsets.UTF_8);
		try {
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		}
		catch (UnsupportedOperationException ex) {
			// not a POSIX file system: the directory is private anyway where supported
		}
	}

	static void deleteRecursively(Path directory) {
		deleteQuietly(directory);
		DIRECTORIES.remove(directory);
	}

	private static void deleteQuietly(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try {
			Files.walkFileTree(directory, new SimpleFileVisitor<>() {
				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					Files.deleteIfExists(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
					Files.deleteIfExists(dir);
					return FileVisitResult.CONTINUE;
				}
			});
		}
		catch (IOException ex) {
			// best effort
		}
	}

}
