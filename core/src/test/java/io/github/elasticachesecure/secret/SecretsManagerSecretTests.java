package io.github.elasticachesecure.secret;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for how {@link SecretsManagerSecret} reads credentials from a secret's string.
 */
class SecretsManagerSecretTests {

	private static final String PASSWORD = "p4ss-w0rd-never-shown";

	@Test
	void jsonWithUsernameAndPasswordAsSecretsManagersElastiCacheRotationWritesIt() {
		SecretCredentials credentials = SecretsManagerSecret.parse("app/redis", "v1",
				"{\"username\":\"app\",\"password\":\"" + PASSWORD + "\",\"user_arn\":\"arn:aws:elasticache:x\"}");
		assertThat(credentials.username()).isEqualTo("app");
		assertThat(credentials.password()).isEqualTo(PASSWORD);
		assertThat(credentials.version()).isEqualTo("v1");
	}

	@Test
	void jsonWithThePasswordOnlyLeavesTheUsernameOpen() {
		SecretCredentials credentials = SecretsManagerSecret.parse("s", "v1", " {\"password\":\"" + PASSWORD + "\"}");
		assertThat(credentials.username()).isNull();
		assertThat(credentials.password()).isEqualTo(PASSWORD);
	}

	@Test
	void aStringThatIsNoJsonObjectIsThePassword() {
		assertThat(SecretsManagerSecret.parse("s", "v1", PASSWORD).password()).isEqualTo(PASSWORD);
		assertThat(SecretsManagerSecret.parse("s", "v1", "{not-json").password()).isEqualTo("{not-json");
		assertThat(SecretsManagerSecret.parse("s", "v1", "{not-json").username()).isNull();
	}

	@Test
	void jsonWithoutAPasswordIsRefusedNamingTheKeysNotTheValues() {
		SecretReadException ex = catchThrowableOfType(SecretReadException.class,
				() -> SecretsManagerSecret.parse("app/redis", "v1", "{\"pass\":\"" + PASSWORD + "\"}"));
		assertThat(ex.getErrorCode()).isEqualTo("InvalidSecretValue");
		assertThat(ex.getSource()).isEqualTo("app/redis");
		assertThat(ex.getMessage()).contains("'app/redis'").contains("[pass]").doesNotContain(PASSWORD);
	}

	@Test
	void aUsernameThatIsNoStringIsRefused() {
		SecretReadException ex = catchThrowableOfType(SecretReadException.class, () -> SecretsManagerSecret.parse("s",
				"v1", "{\"username\":[\"" + PASSWORD + "\"],\"password\":\"" + PASSWORD + "\"}"));
		assertThat(ex.getMessage()).contains("'username'").doesNotContain(PASSWORD);
	}

	@Test
	void anEmptyValueIsRefused() {
		SecretReadException ex = catchThrowableOfType(SecretReadException.class,
				() -> SecretsManagerSecret.parse("s", "v1", ""));
		assertThat(ex.getErrorCode()).isEqualTo("InvalidSecretValue");
	}

	@Test
	void theRegionOfASecretNamedByItsArnIsTheArns() {
		assertThat(SecretsManagerSecret
			.regionOf("arn:aws:secretsmanager:eu-central-1:123456789012:secret:app/redis-AbCdEf"))
			.isEqualTo("eu-central-1");
		assertThat(SecretsManagerSecret.regionOf("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:a:b"))
			.isEqualTo("cn-north-1");
		assertThat(SecretsManagerSecret.regionOf("app/redis")).isNull();
		assertThat(SecretsManagerSecret.regionOf("arn:aws:ssm:eu-central-1:123456789012:parameter/x")).isNull();
	}

	@Test
	void credentialsNeverShowTheirPassword() {
		SecretCredentials credentials = SecretCredentials.of("app", PASSWORD, "v1");
		assertThat(credentials.toString()).contains("app").contains("v1").doesNotContain(PASSWORD);
		assertThat(credentials.sameValue(SecretCredentials.of("app", PASSWORD, "v2"))).isTrue();
		assertThat(credentials.sameValue(SecretCredentials.of(null, PASSWORD, "v1"))).isFalse();
		assertThat(credentials.sameValue(SecretCredentials.of("app", PASSWORD + "x", "v1"))).isFalse();
	}

}
