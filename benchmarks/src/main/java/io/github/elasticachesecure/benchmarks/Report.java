package io.github.elasticachesecure.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Markdown result: sections of tables, printed as they complete and rewritten to the
 * output file after each section, so that an interrupted run keeps what it measured.
 */
final class Report {

	private final StringBuilder text = new StringBuilder();

	private final Path output;

	private final List<String> missed = new ArrayList<>();

	Report(Path output) {
		this.output = output;
	}

	void line(String line) {
		this.text.append(line).append('\n');
		System.out.println(line);
	}

	void section(String title) {
		line("");
		line("### " + title);
		line("");
	}

	void table(List<String> headers, List<List<String>> rows) {
		line("| " + String.join(" | ", headers) + " |");
		line("|" + "---|".repeat(headers.size()));
		for (List<String> row : rows) {
			line("| " + String.join(" | ", row) + " |");
		}
		line("");
	}

	/** "met" or "**missed**", remembering what was missed for the summary. */
	String verdict(boolean met, String what) {
		if (!met) {
			this.missed.add(what);
		}
		return met ? "met" : "**missed**";
	}

	List<String> missed() {
		return this.missed;
	}

	void write() {
		try {
			Path parent = this.output.toAbsolutePath().getParent();
			if (parent != null) {
				Files.createDirectories(parent);
			}
			Files.writeString(this.output, this.text);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
