package io.github.elasticachesecure.cli;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.elasticachesecure.testkit.IamTokenCheck;
import io.github.elasticachesecure.testkit.SigV4Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code token} checked against the test kit's independent SigV4 computation, with static
 * credentials given to the real default chain.
 */
class TokenCommandTests {

	private static final String USER = "iam-user";

	private StaticAwsCredentials credentials;

	@BeforeEach
	void installCredentials() {
		this.credentials = StaticAwsCredentials.install();
	}

	@AfterEach
	void removeCredentials() {
		this.credentials.close();
	}

	@Test
	void printsOnlyTheTokenOnStandardOutputAndTheWarningOnStandardError() {
		CommandRun run = CommandRun.of(Map.of(), "token", "--user", USER, "--cache", "My-Cache", "--region",
				"eu-west-1");
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out().lines()).hasSize(1);
		String token = run.out().strip();
		IamTokenCheck check = new IamTokenCheck("my-cache", USER, "eu-west-1", StaticAwsCredentials.TEST_CREDENTIALS,
				false);
		assertThat(check.isValid(USER, token, Instant.now())).as("the token passes the independent SigV4 check")
			.isTrue();
		assertThat(run.err()).contains("bearer credential").contains("'" + USER + "'").contains("15 minutes");
		assertThat(run.err().contains(token)).as("the token appears on standard error").isFalse();
		assertThat(run.mentions(StaticAwsCredentials.SECRET_KEY)).as("the secret key appears in the output").isFalse();
	}

	@Test
	void serverlessTokenNamesTheResourceType() {
		CommandRun run = CommandRun.of(Map.of(), "token", "--user", USER, "--cache", "my-serverless", "--region",
				"us-east-1", "--serverless");
		assertThat(run.exitCode()).as(run.err()).isZero();
		Map<String, String> parameters = queryParameters(run.out().strip());
		Instant signedAt = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX")
			.parse(parameters.get("X-Amz-Date"), Instant::from);
		assertThat(Duration.between(signedAt, Instant.now()).abs()).isLessThan(Duration.ofMinutes(5));
		Map<String, String> expected = SigV4Reference.presignedParameters("my-serverless",
				Map.of("Action", "connect", "User", USER, "ResourceType", "ServerlessCache"), "us-east-1",
				"elasticache", signedAt, StaticAwsCredentials.ACCESS_KEY_ID, StaticAwsCredentials.SECRET_KEY, null,
				900);
		assertThat(parameters).isEqualTo(expected);
		assertThat(run.out()).startsWith("my-serverless/?");
	}

	@Test
	void invalidCacheNameIsAUsageErrorNamingTheOption() {
		CommandRun run = CommandRun.of(Map.of(), "token", "--user", USER, "--cache",
				"master.my-cache.abc123.use1.cache.amazonaws.com", "--region", "us-east-1");
		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.out()).isEmpty();
		assertThat(run.err()).contains("Set --cache to the replication group id or serverless cache name");
	}

	@Test
	void missingCredentialsFailWithoutAToken() {
		AwsCredentialsProvider none = () -> {
			throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
		};
		CommandRun run = CommandRun.of(new CommandEnvironment((name) -> null, (prompt) -> null, () -> none), "token",
				"--user", USER, "--cache", "my-cache", "--region", "us-east-1");
		assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
		assertThat(run.out()).isEmpty();
		assertThat(run.err()).contains("No AWS credentials: Unable to load credentials").contains("AWS_PROFILE");
	}

	private static Map<String, String> queryParameters(String token) {
		Map<String, String> parameters = new LinkedHashMap<>();
		for (String pair : URI.create("https://" + token).getRawQuery().split("&")) {
			int equals = pair.indexOf('=');
			parameters.put(pair.substring(0, equals),
					URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		return parameters;
	}

}
