package io.github.elasticachesecure.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The machine's ceiling: {@code redis-benchmark --tls} (C, single-threaded) against the
 * same server, same user, 1 KiB values.
 */
final class CeilingBenchmark {

	private final Fixtures fixtures;

	private final Settings settings;

	private final Report report;

	CeilingBenchmark(Fixtures fixtures, Settings settings, Report report) {
		this.fixtures = fixtures;
		this.settings = settings;
		this.report = report;
	}

	void run() throws Exception {
		Path binary = find("redis-benchmark");
		this.report.section("1b. Ceiling: redis-benchmark --tls against the same server");
		if (binary == null) {
			this.report.line("redis-benchmark is not on the PATH (Debian/Ubuntu: `apt-get install redis-tools`): "
					+ "no ceiling measured.");
			return;
		}
		int requests = this.settings.longRun ? 100_000 : 30_000;
		List<List<String>> rows = new ArrayList<>();
		rows.add(run(binary, "1 connection, no pipelining", 1, 1, requests / 3));
		rows.add(run(binary, "16 connections, no pipelining", 16, 1, requests));
		rows.add(run(binary, "1 connection, pipeline 64", 1, 64, requests * 3));
		this.report.line("`redis-benchmark --tls --cacert <CA> --user bench -a *** -t set,get -d 1024 -r 1024` "
				+ "(one run each, requests per second and p99 as redis-benchmark reports them). Compare with "
				+ "section 1's sync 1 thread, sync 16 threads and async rows.");
		this.report.line("");
		this.report.table(List.of("redis-benchmark", "SET req/s", "GET req/s", "SET p99 µs", "GET p99 µs"), rows);
	}

	private List<String> run(Path binary, String name, int clients, int pipeline, int requests)
			throws IOException, InterruptedException {
		System.out.println("ceiling: redis-benchmark " + name);
		List<String> command = List.of(binary.toString(), "--tls", "--cacert", this.fixtures.caPem.toString(), "-h",
				this.fixtures.server.host(), "-p", String.valueOf(this.fixtures.server.port()), "--user", Fixtures.USER,
				"-a", Fixtures.PASSWORD, "-t", "set,get", "-d", "1024", "-r", "1024", "-c", String.valueOf(clients),
				"-P", String.valueOf(pipeline), "-n", String.valueOf(requests), "--csv");
		Path errors = Files.createTempFile("redis-benchmark", ".err");
		try {
			Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
				process.destroyForcibly();
				return List.of(name, "failed: " + Files.readString(errors).strip(), "", "", "");
			}
			Map<String, String[]> byTest = new java.util.HashMap<>();
			for (String line : output.split("\r?\n")) {
				String[] fields = line.replace("\"", "").split(",");
				if (fields.length >= 7 && (fields[0].equals("SET") || fields[0].equals("GET"))) {
					byTest.put(fields[0], fields);
				}
			}
			String[] set = byTest.get("SET");
			String[] get = byTest.get("GET");
			if (set == null || get == null) {
				return List.of(name, "unparsed output", "", "", "");
			}
			// CSV: test, rps, avg, min, p50, p95, p99, max (latencies in ms)
			return List.of(name, Stats.fmt("%.0f", Double.parseDouble(set[1])),
					Stats.fmt("%.0f", Double.parseDouble(get[1])), Stats.fmt("%.0f", Double.parseDouble(set[6]) * 1000),
					Stats.fmt("%.0f", Double.parseDouble(get[6]) * 1000));
		}
		finally {
			Files.deleteIfExists(errors);
		}
	}

	static Path find(String name) {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String entry : path.split(File.pathSeparator)) {
			if (!entry.isEmpty()) {
				Path candidate = Path.of(entry, name);
				if (Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		return null;
	}

}
