package io.github.elasticachesecure.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import io.github.elasticachesecure.testkit.RedisServerProcess;

/**
 * Runs the benchmarks against a local TLS {@code redis-server} it starts itself (loopback
 * only), prints a Markdown table and writes it to
 * {@code benchmarks/target/benchmark-results.md}. Every comparison is a ratio measured in
 * the same run with A and B interleaved. See {@code docs/benchmarks.md}.
 */
public final class BenchmarkMain {

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws Exception {
		// Static credentials only: nothing may reach for instance metadata.
		System.setProperty("aws.disableEc2Metadata", "true");
		// Logback stays as logback.xml sets it (WARN): Boot would reset it to DEBUG
		// defaults when a context closes.
		System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
		Settings settings = Settings.parse(args);
		Report report = new Report(settings.output);
		long start = System.nanoTime();
		boolean passed = true;
		try (Fixtures fixtures = new Fixtures()) {
			report.line("## Benchmark results");
			report.line("");
			report.line("- date: " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
			report.line("- machine: " + Runtime.getRuntime().availableProcessors() + " cores available to the JVM, "
					+ System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", max heap "
					+ Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
			report.line("- JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
					+ ", arguments " + ManagementFactory.getRuntimeMXBean().getInputArguments());
			report.line("- server: " + serverVersion(fixtures.server) + ", TLS only on 127.0.0.1 (test kit "
					+ "certificates), same machine as the client");
			report.line("- settings: " + settings);
			report.line("- A/B rounds are interleaved; figures are median [min–max] over rounds.");
			report.write();
			if (settings.runs("throughput")) {
				new ThroughputBenchmark(fixtures, settings, report).run();
				report.write();
			}
			if (settings.runs("wirecheck")) {
				new WireCheckBenchmark(fixtures, settings, report).run();
				report.write();
			}
			if (settings.runs("cluster")) {
				new ClusterThroughputBenchmark(fixtures, settings, report).run();
				report.write();
			}
			if (settings.runs("ceiling")) {
				new CeilingBenchmark(fixtures, settings, report).run();
				report.write();
			}
			if (settings.runs("tokens")) {
				new TokenBenchmark(settings, report).run();
				report.write();
			}
			if (settings.runs("storm")) {
				new StormBenchmark(fixtures, settings, report).run();
				report.write();
			}
			if (settings.runs("stormcause")) {
				new StormCauseBenchmark(fixtures, settings, report).run();
				report.write();
			}
			if (settings.runs("startup")) {
				new StartupBenchmark(fixtures, settings, report).run();
				report.write();
			}
			if (settings.runs("freshstart")) {
				new FreshJvmStartupBenchmark(fixtures, settings, report).run();
				report.write();
			}
			if (settings.runs("startupvariants")) {
				new StartupVariantsBenchmark(fixtures, settings, report).run();
				report.write();
			}
			if (settings.runs("memory")) {
				new MemoryBenchmark(fixtures, settings, report).run();
				report.write();
			}
			if (settings.runs("engines")) {
				new TlsEngineBenchmark(fixtures, settings, report).run();
				report.write();
			}
			if (settings.runs("reauth")) {
				new ReauthBenchmark(fixtures, settings, report).run();
				report.write();
			}
			if (settings.runs("health")) {
				new HealthBenchmark(fixtures, settings, report).run();
				report.write();
			}
			if (settings.runs("soak")) {
				passed = new SoakBenchmark(settings, report).run();
				report.write();
			}
			report.section("Summary");
			report.line("Targets missed in this run: "
					+ (report.missed().isEmpty() ? "none" : String.join("; ", report.missed())) + ".");
			report.line("");
			report.line(Stats.fmt("Total run time %.0f s.", (System.nanoTime() - start) / 1e9));
			report.write();
		}
		System.out.println();
		System.out.println("Written to " + settings.output.toAbsolutePath());
		if (!passed) {
			System.out
				.println("FAILED: the soak lost acknowledged writes, met authentication errors or did not recover");
		}
		// Lettuce and Reactor leave non-daemon threads behind in a few corner cases; the
		// run is over.
		System.exit(passed ? 0 : 1);
	}

	private static String serverVersion(RedisServerProcess server) {
		try {
			Process process = new ProcessBuilder(RedisServerProcess.findServerBinary().toString(), "--version")
				.redirectErrorStream(true)
				.start();
			String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			process.waitFor();
			return version;
		}
		catch (IOException | InterruptedException ex) {
			return "redis-server (version unknown)";
		}
	}

}
