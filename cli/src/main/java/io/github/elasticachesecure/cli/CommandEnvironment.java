package io.github.elasticachesecure.cli;

import java.io.Console;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * What the commands take from outside their arguments: environment variables, the
 * terminal for a password prompt and the AWS credentials. Tests give their own;
 * {@link #system()} is the real one.
 *
 * @param variables the environment variables by name (a missing one is {@code null})
 * @param prompt reads a password without echo, or returns {@code null} when there is no
 * terminal to ask on
 * @param awsCredentials opens the AWS credentials provider to sign IAM tokens with
 * (closed after use)
 */
record CommandEnvironment(Function<String, @Nullable String> variables, PasswordPrompt prompt,
		Supplier<AwsCredentialsProvider> awsCredentials) {

	/**
	 * The environment variable that carries the password for {@code doctor}: never a
	 * command-line argument, which other users of the host can read in the process list
	 * and which shells keep in their history.
	 */
	static final String PASSWORD_VARIABLE = "ELASTICACHE_PASSWORD";

	static CommandEnvironment system() {
		return new CommandEnvironment(System::getenv, CommandEnvironment::readFromConsole,
				() -> DefaultCredentialsProvider.builder().build());
	}

	private static char @Nullable [] readFromConsole(String prompt) {
		Console console = System.console();
		return (console != null) ? console.readPassword("%s", prompt) : null;
	}

	/**
	 * Reads a password from the user.
	 */
	@FunctionalInterface
	interface PasswordPrompt {

		/**
		 * Ask for a password.
		 * @param prompt what to show
		 * @return the password, or {@code null} when there is no terminal
		 */
		char @Nullable [] read(String prompt);

	}

}
