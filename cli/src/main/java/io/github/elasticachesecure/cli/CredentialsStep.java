package io.github.elasticachesecure.cli;

import java.util.Objects;

import io.github.elasticachesecure.iam.ElastiCacheIamTokenGenerator;
import io.github.elasticachesecure.iam.IamAuthToken;
import io.github.elasticachesecure.iam.IamSetting;
import io.github.elasticachesecure.iam.InvalidIamSettingException;
import io.github.elasticachesecure.secret.SecretCredentials;
import io.github.elasticachesecure.secret.SecretReadException;
import io.github.elasticachesecure.secret.SecretsManagerSecret;
import io.lettuce.core.RedisCredentials;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Gets the credentials to authenticate with: the password from
 * {@value CommandEnvironment#PASSWORD_VARIABLE} or a prompt, the password in an AWS
 * Secrets Manager secret ({@code --secret}), or an IAM token signed by the starter's
 * {@link ElastiCacheIamTokenGenerator} with the AWS default credentials chain. Each
 * secret is registered with the run's {@link Secrets} before anything else happens.
 */
final class CredentialsStep implements DoctorStep {

	@Override
	public String name() {
		return "credentials";
	}

	@Override
	public StepResult run(Diagnosis diagnosis) {
		if (diagnosis.settings().secret() != null) {
			return secretPassword(diagnosis, Objects.requireNonNull(diagnosis.settings().secret()));
		}
		return diagnosis.settings().iam() ? iamToken(diagnosis) : password(diagnosis);
	}

	/**
	 * The password from the secret, read by the starter's own code
	 * ({@link SecretsManagerSecret}), in the ARN's region or {@code --region}.
	 */
	private StepResult secretPassword(Diagnosis diagnosis, String secretId) {
		DoctorSettings settings = diagnosis.settings();
		String region = Objects.requireNonNullElse(SecretsManagerSecret.regionOf(secretId), settings.region());
		SecretCredentials read;
		try (SecretsManagerSecret secret = SecretsManagerSecret.create(secretId, diagnosis.awsCredentials(),
				Objects.requireNonNull(region))) {
			read = secret.read();
		}
		catch (SecretReadException ex) {
			return StepResult.fail(name(), ex.getMessage(),
					"Allow the AWS identity of the default credentials chain 'secretsmanager:GetSecretValue' on the "
							+ "secret and, if a customer-managed KMS key encrypts it, 'kms:Decrypt' on that key; check "
							+ "the secret's name or ARN and --region.");
		}
		diagnosis.secrets().add(read.password());
		String user = (settings.user() != null) ? settings.user() : read.username();
		String shownUser = (user != null) ? user : "default";
		diagnosis.credentials(RedisCredentials.just(user, read.password()));
		return StepResult
			.pass(name(),
					"password for user '" + shownUser + "' from secret '" + secretId + "' in " + region + " (version "
							+ read.version() + ")")
			.with("mode", "password")
			.with("user", shownUser)
			.with("secret", secretId)
			.with("versionId", read.version());
	}

	private StepResult password(Diagnosis diagnosis) {
		String user = diagnosis.settings().user();
		String shownUser = (user != null) ? user : "default";
		String source = CommandEnvironment.PASSWORD_VARIABLE;
		char[] password = toChars(diagnosis.environment().variables().apply(source));
		if (password == null) {
			// no question for a password that could not be sent anyway
			diagnosis.verifiedTls();
			source = "the prompt";
			password = diagnosis.environment()
				.prompt()
				.read("Password for user '" + shownUser + "' (the AUTH token for 'default'; empty for none): ");
		}
		if (password == null || password.length == 0) {
			if (user != null) {
				return StepResult.fail(name(), "no password for user '" + user + "' (" + source + " gave none)",
						"Set " + CommandEnvironment.PASSWORD_VARIABLE + " (e.g. read -rs "
								+ CommandEnvironment.PASSWORD_VARIABLE + " && export "
								+ CommandEnvironment.PASSWORD_VARIABLE + ") or run doctor in a "
								+ "terminal to be asked; or use --iam.");
			}
			diagnosis.credentials(RedisCredentials.just(null, (CharSequence) null));
			return StepResult.warn(name(), "no password: connecting as the default user without AUTH",
					"A cache without authentication accepts any client that reaches it: give it RBAC users or IAM "
							+ "users (ElastiCache security guidance), or an AUTH token. If it has one, set "
							+ CommandEnvironment.PASSWORD_VARIABLE + ".");
		}
		diagnosis.secrets().add(new String(password));
		diagnosis.credentials(RedisCredentials.just(user, password));
		return StepResult.pass(name(), "password for user '" + shownUser + "' from " + source)
			.with("mode", "password")
			.with("user", shownUser);
	}

	private StepResult iamToken(Diagnosis diagnosis) {
		DoctorSettings settings = diagnosis.settings();
		String cacheName = diagnosis.cacheName();
		boolean serverless = diagnosis.serverless();
		ElastiCacheIamTokenGenerator generator;
		try {
			generator = new ElastiCacheIamTokenGenerator(Objects.requireNonNullElse(cacheName, ""),
					Objects.requireNonNull(settings.user()), Objects.requireNonNull(settings.region()), serverless);
		}
		catch (InvalidIamSettingException ex) {
			String fix = "Set " + option(ex.getSetting()) + " to " + ex.getSetting().validValue() + ".";
			if (ex.getSetting() == IamSetting.CACHE_NAME && cacheName == null) {
				fix = "The endpoint's host name names no cache: " + fix;
			}
			return StepResult.fail(name(), ex.getMessage(), fix);
		}
		AwsCredentials credentials;
		try {
			credentials = diagnosis.awsCredentials().resolveCredentials();
		}
		catch (SdkException ex) {
			return StepResult.fail(name(), "no AWS credentials: " + ex.getMessage(),
					"Give the AWS default credentials chain credentials: AWS_PROFILE (or 'aws sso login'), "
							+ "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or an instance, task or pod role.");
		}
		diagnosis.secrets().add(credentials.secretAccessKey());
		if (credentials instanceof AwsSessionCredentials session) {
			diagnosis.secrets().add(session.sessionToken());
		}
		IamAuthToken token = generator.generate(credentials);
		diagnosis.secrets().add(token.value());
		diagnosis.credentials(RedisCredentials.just(generator.userId(), token.value()));
		String signedWith = credentials.expirationTime()
			.map((expiry) -> "temporary AWS credentials (expiring " + expiry + ")")
			.orElse("long-term AWS credentials");
		return StepResult
			.pass(name(),
					"IAM token for user '" + generator.userId() + "' on "
							+ (serverless ? "serverless cache '" : "cache '") + generator.cacheName() + "' in "
							+ generator.region() + ", signed with " + signedWith
							+ " of the default chain, usable until " + token.usableUntil())
			.with("mode", "iam")
			.with("user", generator.userId())
			.with("cacheName", generator.cacheName())
			.with("region", generator.region())
			.with("serverless", serverless)
			.with("temporaryCredentials", credentials.expirationTime().isPresent());
	}

	static String option(IamSetting setting) {
		return switch (setting) {
			case CACHE_NAME -> "--cache";
			case USER_ID -> "--user";
			case REGION -> "--region";
			default -> setting.name();
		};
	}

	private static char @Nullable [] toChars(@Nullable String value) {
		return (value != null) ? value.toCharArray() : null;
	}

}
