package io.github.elasticachesecure.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.github.elasticachesecure.cache.ElastiCacheEndpoint;
import io.github.elasticachesecure.logging.Causes;
import io.github.elasticachesecure.secret.SecretsManagerSecret;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code doctor}: checks an endpoint step by step and prints each step's verdict with the
 * fix. Exit status 1 when a step fails, 0 otherwise (warnings included).
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = ElastiCacheSecureCommand.Version.class,
		sortOptions = false, usageHelpAutoWidth = true,
		description = { "Check an ElastiCache (or any Redis OSS / Valkey) endpoint step by step (or find it by the "
				+ "cache's name through the ElastiCache API first): DNS, TCP, TLS "
				+ "(protocol, cipher, certificate, host name, expiry), authentication, PING, INFO server and, with --region "
				+ "and AWS credentials, the posture audit of the cache's settings through the AWS APIs.",
				"The password comes from the environment variable " + CommandEnvironment.PASSWORD_VARIABLE
						+ " or a prompt, never from an argument. Nothing secret is printed." },
		exitCodeListHeading = "%nExit status:%n",
		exitCodeList = { "0:every step passed or warned", "1:a step failed", "2:invalid arguments" })
final class DoctorCommand implements Callable<Integer> {

	private final CommandEnvironment environment;

	@Spec
	@SuppressWarnings("NullAway.Init")
	private CommandSpec spec;

	@Option(names = "--endpoint", paramLabel = "HOST:PORT",
			description = "The endpoint, e.g. master.my-cache.abc123.use1.cache.amazonaws.com:6379; when left out, "
					+ "--cache and --region find it through the ElastiCache API.")
	private @Nullable String endpoint;

	@Option(names = "--user", paramLabel = "NAME",
			description = "The user to authenticate as (RBAC or IAM); the default user when left out.")
	private @Nullable String user;

	@Option(names = "--ca-file", paramLabel = "PEM",
			description = "The CA certificates to trust; the JDK's default trust store (enough for ElastiCache) when "
					+ "left out.")
	private @Nullable Path caFile;

	@Option(names = "--iam", description = "Authenticate with an IAM token signed with the AWS default credentials "
			+ "chain (needs --user and --region).")
	private boolean iam;

	@Option(names = "--secret", paramLabel = "ID",
			description = "Read the password (and, without --user, the user name) from this AWS Secrets Manager "
					+ "secret, a name or ARN, as elasticache.secure.auth.secret does, with the AWS default credentials "
					+ "chain; needs --region unless it is an ARN.")
	private @Nullable String secret;

	@Option(names = "--cache", paramLabel = "NAME", description = "The replication group id or serverless cache name: "
			+ "without --endpoint, the cache whose endpoint the ElastiCache API gives (with --region, as "
			+ "elasticache.secure.cache-name does); for --iam and the posture audit, taken from the endpoint's host "
			+ "name when left out.")
	private @Nullable String cacheName;

	@Option(names = "--region", paramLabel = "REGION", description = "For --iam and the posture audit (which runs when "
			+ "it is given and the AWS default credentials chain has credentials): the cache's region, e.g. us-east-1.")
	private @Nullable String region;

	@Option(names = "--serverless",
			description = "The cache is a serverless cache (also recognized from the " + "endpoint's host name).")
	private boolean serverless;

	@Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
			description = "The limit for each network step, in seconds (default: ${DEFAULT-VALUE}).")
	private int timeoutSeconds;

	@Option(names = "--json", description = "Print the report as JSON, for scripts.")
	private boolean json;

	DoctorCommand(CommandEnvironment environment) {
		this.environment = environment;
	}

	/**
	 * The steps, in order. A step reads what earlier ones found from the
	 * {@link Diagnosis} and is skipped when it is missing, so a new check is one more
	 * entry here.
	 */
	static List<DoctorStep> steps() {
		return List.of(new EndpointStep(), new ConnectStep(), new TlsStep(), new CertificateStep(),
				new CredentialsStep(), new AuthenticateStep(), new PingStep(), new ServerInfoStep(), new AuditStep());
	}

	@Override
	public Integer call() {
		DoctorReport report = run(settings());
		if (this.json) {
			report.printJson(this.spec.commandLine().getOut());
		}
		else {
			report.printText(this.spec.commandLine().getOut());
		}
		return (report.verdict() == Verdict.FAIL) ? 1 : 0;
	}

	private DoctorReport run(DoctorSettings settings) {
		List<StepResult> results = new ArrayList<>();
		try (Diagnosis diagnosis = new Diagnosis(settings, this.environment)) {
			for (DoctorStep step : steps()) {
				StepResult result;
				try {
					result = step.run(diagnosis);
				}
				catch (Diagnosis.Missing ex) {
					result = StepResult.skip(step.name(), ex.getMessage());
				}
				catch (RuntimeException ex) {
					// Reported as the step's failure, redacted like the rest, rather than
					// as a stack trace.
					result = StepResult.fail(step.name(), "unexpected error: " + Causes.describe(ex),
							"Report it with this output at the project's issue tracker.");
				}
				results.add(result.mapText(diagnosis.secrets()::redact));
			}
			ElastiCacheEndpoint parsed = diagnosis.endpointIfValid();
			return new DoctorReport((parsed != null) ? parsed.toString() : null, results);
		}
	}

	private DoctorSettings settings() {
		if (this.endpoint == null && (this.cacheName == null || this.region == null)) {
			throw new ParameterException(this.spec.commandLine(),
					"give --endpoint, or --cache and --region to find the endpoint through the ElastiCache API");
		}
		if (this.iam && (this.user == null || this.region == null)) {
			throw new ParameterException(this.spec.commandLine(), "--iam needs --user and --region");
		}
		if (this.secret != null && this.iam) {
			throw new ParameterException(this.spec.commandLine(), "--secret and --iam exclude each other");
		}
		if (this.secret != null && this.region == null && SecretsManagerSecret.regionOf(this.secret) == null) {
			throw new ParameterException(this.spec.commandLine(), "--secret needs --region unless it is an ARN");
		}
		if (this.timeoutSeconds <= 0) {
			throw new ParameterException(this.spec.commandLine(), "--timeout must be a positive number of seconds");
		}
		return new DoctorSettings(this.endpoint, this.user, this.caFile, this.iam, this.secret, this.cacheName,
				this.region, this.serverless, Duration.ofSeconds(this.timeoutSeconds));
	}

}
