package io.github.elasticachesecure.cli;

import java.io.PrintWriter;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * The {@code elasticache-secure} command, with its subcommands {@code doctor} and
 * {@code token}.
 */
@Command(name = "elasticache-secure", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
		versionProvider = ElastiCacheSecureCommand.Version.class,
		description = "Check and connect to AWS ElastiCache (Redis OSS / Valkey) securely.",
		subcommands = HelpCommand.class)
public final class ElastiCacheSecureCommand {

	private ElastiCacheSecureCommand() {
	}

	/**
	 * Run the command.
	 * @param args the arguments
	 */
	public static void main(String[] args) {
		System.exit(commandLine(CommandEnvironment.system()).execute(args));
	}

	static CommandLine commandLine(CommandEnvironment environment) {
		CommandLine commandLine = new CommandLine(new ElastiCacheSecureCommand())
			.addSubcommand(new DoctorCommand(environment))
			.addSubcommand(new TokenCommand(environment));
		commandLine.setParameterExceptionHandler(ElastiCacheSecureCommand::invalidArguments);
		return commandLine;
	}

	/**
	 * Picocli's own handler repeats an unknown argument, which may be a password given by
	 * mistake ({@code --password=...}): only the names of unknown options are repeated
	 * here.
	 */
	private static int invalidArguments(ParameterException ex, String[] args) {
		CommandLine commandLine = ex.getCommandLine();
		PrintWriter err = commandLine.getErr();
		if (ex instanceof UnmatchedArgumentException unmatched) {
			List<String> names = unmatched.getUnmatched()
				.stream()
				.map((arg) -> arg.startsWith("-") ? arg.split("=", 2)[0] : "<value>")
				.toList();
			err.println("Unknown option or value: " + String.join(", ", names)
					+ ". Passwords are never arguments: doctor reads " + CommandEnvironment.PASSWORD_VARIABLE
					+ " or asks for it.");
		}
		else {
			err.println(ex.getMessage());
		}
		commandLine.usage(err, commandLine.getColorScheme());
		err.flush();
		return commandLine.getCommandSpec().exitCodeOnInvalidInput();
	}

	/**
	 * The version of the jar the command runs from.
	 */
	static final class Version implements CommandLine.IVersionProvider {

		@Override
		public String[] getVersion() {
			String version = ElastiCacheSecureCommand.class.getPackage().getImplementationVersion();
			return new String[] { "elasticache-secure " + ((version != null) ? version : "(development build)") };
		}

	}

}
