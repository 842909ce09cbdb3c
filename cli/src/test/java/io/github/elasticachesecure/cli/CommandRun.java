package io.github.elasticachesecure.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import picocli.CommandLine;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * One run of the command in this JVM, with the given environment variables, no terminal
 * (so no prompt) and the real AWS default credentials chain (tests give it static
 * credentials through system properties), its standard output and standard error captured
 * apart.
 *
 * @param exitCode the exit status
 * @param out what went to standard output
 * @param err what went to standard error
 */
record CommandRun(int exitCode, String out, String err) {

	static CommandRun of(Map<String, String> variables, String... args) {
		return of(new CommandEnvironment(variables::get, (prompt) -> null,
				() -> DefaultCredentialsProvider.builder().build()), args);
	}

	static CommandRun of(CommandEnvironment environment, String... args) {
		CommandLine commandLine = ElastiCacheSecureCommand.commandLine(environment);
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		commandLine.setOut(new PrintWriter(out, true));
		commandLine.setErr(new PrintWriter(err, true));
		int exitCode = commandLine.execute(args);
		return new CommandRun(exitCode, out.toString(), err.toString());
	}

	/**
	 * Return the line of the text report for a step.
	 * @param step the step's name
	 * @return the line, starting with the verdict
	 */
	String line(String step) {
		return this.out.lines()
			.filter((line) -> line.matches("(PASS|WARN|FAIL|SKIP) +" + step + " .*"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No line for step " + step + " in:\n" + this.out + this.err));
	}

	/**
	 * Return the verdict of a step in the text report.
	 * @param step the step's name
	 * @return the verdict
	 */
	String verdict(String step) {
		return line(step).substring(0, 4);
	}

	boolean mentions(String secret) {
		return this.out.contains(secret) || this.err.contains(secret);
	}

	@Override
	public String toString() {
		return "exit " + this.exitCode + "\n--- out\n" + this.out + "--- err\n" + this.err;
	}

}
