package io.github.elasticachesecure.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Command-line settings. Defaults keep a full run to a few minutes on 2 cores;
 * {@code --long} repeats more.
 */
final class Settings {

	/** The sections of a default run. */
	static final List<String> SECTIONS = List.of("throughput", "wirecheck", "cluster", "ceiling", "tokens", "storm",
			"startup", "memory", "engines", "reauth", "health");

	/**
	 * Sections that run only when {@code --only} names them: they take too long for a
	 * default run.
	 */
	static final List<String> ON_REQUEST = List.of("soak", "stormcause", "freshstart", "startupvariants");

	final boolean longRun;

	/** A/B rounds for throughput and latency (standalone and cluster). */
	final int throughputRounds;

	/** Seconds each side runs in one throughput round. */
	final double segmentSeconds;

	/** Rounds of the token micro-benchmarks. */
	final int tokenRounds;

	/** Rounds of the reconnect storm (each round runs every variant once). */
	final int stormRounds;

	/** Connections opened per storm. */
	final int stormConnections;

	/** Measured context starts per variant. */
	final int startupRuns;

	/**
	 * Connect / re-authenticate cycles of the memory check (measured after 100 and after
	 * this many).
	 */
	final int memoryCycles;

	/** Minutes the soak runs. */
	final int soakMinutes;

	/**
	 * The {@code java} of the fresh JVMs the start-up sections launch (default: this
	 * JVM's).
	 */
	final String java;

	/**
	 * Whether the AOT cache's training runs of 4d stop after the refresh
	 * ({@code refresh}) or after the first successful request ({@code request}).
	 */
	final boolean trainThroughRequest;

	final Set<String> sections;

	final Path output;

	private Settings(boolean longRun, Set<String> sections, Path output, Integer rounds, Double seconds,
			int soakMinutes, String java, boolean trainThroughRequest) {
		this.java = java;
		this.trainThroughRequest = trainThroughRequest;
		this.longRun = longRun;
		this.throughputRounds = (rounds != null) ? rounds : (longRun ? 15 : 9);
		this.segmentSeconds = (seconds != null) ? seconds : (longRun ? 2.0 : 1.0);
		this.tokenRounds = longRun ? 21 : 9;
		this.stormRounds = longRun ? 21 : 9;
		this.stormConnections = 200;
		this.startupRuns = longRun ? 30 : 15;
		this.memoryCycles = longRun ? 50_000 : 10_000;
		this.soakMinutes = soakMinutes;
		this.sections = sections;
		this.output = output;
	}

	static Settings parse(String[] args) {
		boolean longRun = false;
		Set<String> sections = new LinkedHashSet<>(SECTIONS);
		Path output = null;
		Integer rounds = null;
		Double seconds = null;
		int soakMinutes = 10;
		boolean trainThroughRequest = false;
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		for (String arg : args) {
			if (arg.equals("--long")) {
				longRun = true;
			}
			else if (arg.startsWith("--only=")) {
				sections = new LinkedHashSet<>(List.of(arg.substring("--only=".length()).split(",")));
				if (sections.stream()
					.anyMatch((section) -> !SECTIONS.contains(section) && !ON_REQUEST.contains(section))) {
					throw new IllegalArgumentException(
							"--only takes a comma-separated subset of " + SECTIONS + " and " + ON_REQUEST);
				}
			}
			else if (arg.startsWith("--output=")) {
				output = Path.of(arg.substring("--output=".length()));
			}
			else if (arg.startsWith("--rounds=")) {
				rounds = Integer.parseInt(arg.substring("--rounds=".length()));
			}
			else if (arg.startsWith("--java=")) {
				java = arg.substring("--java=".length());
				if (!Files.isExecutable(Path.of(java))) {
					throw new IllegalArgumentException("--java takes the path of a java executable: " + java);
				}
			}
			else if (arg.startsWith("--aot-training=")) {
				String training = arg.substring("--aot-training=".length());
				if (!training.equals("refresh") && !training.equals("request")) {
					throw new IllegalArgumentException("--aot-training takes refresh or request");
				}
				trainThroughRequest = training.equals("request");
			}
			else if (arg.startsWith("--seconds=")) {
				seconds = Double.parseDouble(arg.substring("--seconds=".length()));
			}
			else if (arg.startsWith("--soak-minutes=")) {
				soakMinutes = Integer.parseInt(arg.substring("--soak-minutes=".length()));
				if (soakMinutes < 1) {
					throw new IllegalArgumentException("--soak-minutes takes a whole number of minutes, at least 1");
				}
			}
			else if (arg.equals("--help") || arg.equals("-h")) {
				System.out.println(
						"""
								Usage: java -jar benchmarks/target/benchmarks.jar [options]
								  --long            more rounds and longer segments (about 3x the default run time)
								  --only=a,b        run only these sections:
								                    throughput,wirecheck,cluster,ceiling,tokens,storm,startup,
								                    memory,engines,reauth,health
								                    (the default), and soak, stormcause, freshstart, startupvariants
								                    (only when named)
								  --rounds=N        throughput A/B rounds (default 9, --long 15)
								  --seconds=S       seconds per side per throughput round (default 1, --long 2)
								  --soak-minutes=N  how long the soak runs (default 10)
								  --java=PATH       the java of the fresh JVMs of freshstart and startupvariants
								                    (default: this JVM's; startupvariants needs JDK 25+)
								  --aot-training=T  startupvariants' AOT cache training stops after the refresh
								                    (refresh, the default) or the first request (request)
								  --output=FILE     where to write the Markdown table
								                    (default benchmarks/target/benchmark-results.md, else ./benchmark-results.md)
								""");
				System.exit(0);
			}
			else {
				throw new IllegalArgumentException("Unknown argument '" + arg + "' (try --help)");
			}
		}
		if (output == null) {
			Path target = Path.of("benchmarks", "target");
			output = Files.isDirectory(target) ? target.resolve("benchmark-results.md")
					: Path.of("benchmark-results.md");
		}
		return new Settings(longRun, sections, output, rounds, seconds, soakMinutes, java, trainThroughRequest);
	}

	boolean runs(String section) {
		return this.sections.contains(section);
	}

	@Override
	public String toString() {
		return (this.longRun ? "--long" : "default") + ": throughput " + this.throughputRounds + " rounds x "
				+ this.segmentSeconds + " s per side; tokens " + this.tokenRounds + " rounds; storm " + this.stormRounds
				+ " rounds x " + this.stormConnections + " connections; startup " + this.startupRuns
				+ " runs per variant; memory " + this.memoryCycles + " cycles"
				+ (runs("soak") ? "; soak " + this.soakMinutes + " minutes" : "")
				+ ((runs("freshstart") || runs("startupvariants")) ? "; fresh JVMs: " + this.java : "")
				+ (runs("startupvariants")
						? "; AOT cache training to the " + (this.trainThroughRequest ? "first request" : "refresh")
						: "");
	}

}
