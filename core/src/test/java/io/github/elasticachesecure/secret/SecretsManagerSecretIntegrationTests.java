package io.github.elasticachesecure.secret;

import io.github.elasticachesecure.testkit.LocalSecretsManager;
import io.github.elasticachesecure.testkit.TestAwsCredentials;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link SecretsManagerSecret} through the AWS SDK's own Secrets Manager client against
 * the test kit's {@link LocalSecretsManager}, which the client reaches through the SDK's
 * standard endpoint setting ({@code aws.endpointUrlSecretsManager}, as
 * {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}): the SDK's unmarshallers read the stand-in's
 * answers and errors.
 */
class SecretsManagerSecretIntegrationTests {

	private static final String PASSWORD = "rotating-password-never-shown";

	@RegisterExtension
	static final LocalSecretsManager secrets = LocalSecretsManager.create("eu-west-1");

	private static SecretsManagerSecret secret;

	@BeforeAll
	static void createTheClient() {
		// After the extension named the endpoint: the client reads it when built.
		secret = SecretsManagerSecret.create("app/redis", TestAwsCredentials.generate().awsCredentialsProvider(),
				"eu-west-1");
	}

	@AfterAll
	static void closeTheClient() {
		secret.close();
	}

	@Test
	void readsTheCurrentVersionOfAJsonSecretWithItsVersionId() {
		String first = secrets.putSecretValue("app/redis", "{\"username\":\"app\",\"password\":\"" + PASSWORD + "\"}");
		SecretCredentials credentials = secret.read();
		assertThat(credentials.version()).isEqualTo(first);
		assertThat(credentials.username()).isEqualTo("app");
		assertThat(credentials.password()).isEqualTo(PASSWORD);
		String second = secrets.putSecretValue("app/redis",
				"{\"username\":\"app\",\"password\":\"new-" + PASSWORD + "\\\"quoted\\\"\"}");
		assertThat(secret.read().version()).isEqualTo(second).isNotEqualTo(first);
		assertThat(secret.read().password()).isEqualTo("new-" + PASSWORD + "\"quoted\"");
	}

	@Test
	void readsAPlainSecretByItsArn() {
		secrets.putSecretValue("plain", PASSWORD);
		try (SecretsManagerSecret byArn = SecretsManagerSecret.create(secrets.arn("plain"),
				TestAwsCredentials.generate().awsCredentialsProvider(), "eu-west-1")) {
			SecretCredentials credentials = byArn.read();
			assertThat(credentials.password()).isEqualTo(PASSWORD);
			assertThat(credentials.username()).isNull();
		}
	}

	@Test
	void anAccessDeniedCarriesAwsErrorCodeAndNoValue() {
		secrets.putSecretValue("app/redis", PASSWORD);
		secrets.failWith("app/redis", "AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/app "
				+ "is not authorized to perform: secretsmanager:GetSecretValue on resource: app/redis");
		try {
			SecretReadException ex = catchThrowableOfType(SecretReadException.class, secret::read);
			assertThat(ex.getErrorCode()).isEqualTo("AccessDeniedException");
			assertThat(ex.getMessage()).contains("'app/redis'")
				.contains("secretsmanager:GetSecretValue")
				.doesNotContain(PASSWORD);
		}
		finally {
			secrets.restore("app/redis");
		}
		assertThat(secret.read().password()).isEqualTo(PASSWORD);
	}

	@Test
	void aMissingSecretIsResourceNotFound() {
		try (SecretsManagerSecret missing = SecretsManagerSecret.create("no/such/secret",
				TestAwsCredentials.generate().awsCredentialsProvider(), "eu-west-1")) {
			assertThat(catchThrowableOfType(SecretReadException.class, missing::read).getErrorCode())
				.isEqualTo("ResourceNotFoundException");
		}
	}

	@Test
	void theStandInRefusesRequestsSignedForAnotherRegion() {
		secrets.putSecretValue("app/redis", PASSWORD);
		try (SecretsManagerSecret elsewhere = SecretsManagerSecret.create("app/redis",
				TestAwsCredentials.generate().awsCredentialsProvider(), "us-west-2")) {
			assertThat(catchThrowableOfType(SecretReadException.class, elsewhere::read).getErrorCode())
				.isEqualTo("IncompleteSignatureException");
		}
	}

}
