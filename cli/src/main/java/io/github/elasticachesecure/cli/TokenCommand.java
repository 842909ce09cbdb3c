package io.github.elasticachesecure.cli;

import java.util.concurrent.Callable;

import io.github.elasticachesecure.iam.ElastiCacheIamTokenGenerator;
import io.github.elasticachesecure.iam.InvalidIamSettingException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * {@code token}: prints a fresh IAM token, signed by the starter's
 * {@link ElastiCacheIamTokenGenerator} with the AWS default credentials chain, for
 * {@code valkey-cli} or {@code redis-cli}. The token goes to standard output and nowhere
 * else; the warning that it is a credential goes to standard error.
 */
@Command(name = "token", mixinStandardHelpOptions = true, versionProvider = ElastiCacheSecureCommand.Version.class,
		sortOptions = false, usageHelpAutoWidth = true,
		description = {
				"Print a fresh ElastiCache IAM token (the AUTH password of an IAM user) to standard output, "
						+ "signed with the AWS default credentials chain. It is valid for 15 minutes.",
				"Example: valkey-cli --tls -h HOST --user ID --pass \"$(elasticache-secure token --user ID --cache NAME "
						+ "--region REGION)\"" },
		exitCodeListHeading = "%nExit status:%n",
		exitCodeList = { "0:the token was printed", "1:no AWS credentials", "2:invalid arguments" })
final class TokenCommand implements Callable<Integer> {

	static final String WARNING = "This token is a bearer credential: anyone who has it can connect as '%s' for 15 "
			+ "minutes. Do not log it or share it.";

	private final CommandEnvironment environment;

	@Spec
	@SuppressWarnings("NullAway.Init")
	private CommandSpec spec;

	@Option(names = "--user", required = true, paramLabel = "ID",
			description = "The ElastiCache user id (identical to the user name for IAM users).")
	private String user = "";

	@Option(names = "--cache", required = true, paramLabel = "NAME",
			description = "The replication group id or serverless cache name (not the endpoint host name).")
	private String cacheName = "";

	@Option(names = "--region", required = true, paramLabel = "REGION",
			description = "The cache's region, e.g. us-east-1.")
	private String region = "";

	@Option(names = "--serverless", description = "The cache is a serverless cache.")
	private boolean serverless;

	TokenCommand(CommandEnvironment environment) {
		this.environment = environment;
	}

	@Override
	public Integer call() {
		ElastiCacheIamTokenGenerator generator;
		try {
			generator = new ElastiCacheIamTokenGenerator(this.cacheName, this.user, this.region, this.serverless);
		}
		catch (InvalidIamSettingException ex) {
			throw new ParameterException(this.spec.commandLine(), ex.getMessage() + ". Set "
					+ CredentialsStep.option(ex.getSetting()) + " to " + ex.getSetting().validValue() + ".");
		}
		AwsCredentialsProvider credentials = this.environment.awsCredentials().get();
		try {
			String token = generator.generate(credentials.resolveCredentials()).value();
			this.spec.commandLine().getErr().println(String.format(WARNING, generator.userId()));
			this.spec.commandLine().getErr().flush();
			this.spec.commandLine().getOut().println(token);
			this.spec.commandLine().getOut().flush();
			return 0;
		}
		catch (SdkException ex) {
			this.spec.commandLine().getErr().println("No AWS credentials: " + ex.getMessage());
			this.spec.commandLine()
				.getErr()
				.println("Give the AWS default credentials chain credentials: AWS_PROFILE "
						+ "(or 'aws sso login'), AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or an instance, task or pod role.");
			return 1;
		}
		finally {
			if (credentials instanceof SdkAutoCloseable closeable) {
				closeable.close();
			}
		}
	}

}
