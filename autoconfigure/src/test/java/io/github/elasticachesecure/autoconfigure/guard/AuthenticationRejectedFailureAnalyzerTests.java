package io.github.elasticachesecure.autoconfigure.guard;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.guard.AuthenticationRejectedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AuthenticationRejectedFailureAnalyzer}.
 */
class AuthenticationRejectedFailureAnalyzerTests {

	private static final String REPLY = "WRONGPASS invalid username-password pair or user is disabled.";

	@Test
	void describesTheRejectionWithTheUserAndTheServerReply() {
		AuthenticationRejectedException rejection = rejection(AuthMode.PASSWORD);
		FailureAnalysis analysis = analyze(rejection);
		assertThat(analysis.getDescription()).isEqualTo("RedisConnectionFactory 'redisConnectionFactory': the server "
				+ "rejected the credentials of user 'app': WRONGPASS invalid username-password pair or user is disabled..");
		assertThat(analysis.getCause()).isSameAs(rejection);
	}

	@Test
	void theDefaultUserIsNamedSo() {
		assertThat(analyze(new AuthenticationRejectedException("redisConnectionFactory", null, AuthMode.PASSWORD,
				"WRONGPASS invalid"))
			.getDescription()).contains("the credentials of user 'default'");
	}

	@Test
	void passwordModePointsAtTheCredentials() {
		assertThat(analyze(rejection(AuthMode.PASSWORD)).getAction())
			.startsWith("Check 'elasticache.secure.auth.username' and 'elasticache.secure.auth.password'")
			.contains("For the ElastiCache AUTH token of the default user, leave the username unset.");
	}

	@Test
	void aPasswordFromASecretNamesTheSecretNotItsValue() {
		MockEnvironment environment = new MockEnvironment().withProperty("elasticache.secure.auth.secret",
				"prod/orders/redis");
		FailureAnalysis analysis = new AuthenticationRejectedFailureAnalyzer(environment)
			.analyze(rejection(AuthMode.PASSWORD));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getAction())
			.startsWith("The password comes from the AWS Secrets Manager secret 'prod/orders/redis' "
					+ "('elasticache.secure.auth.secret'): its current version")
			.contains("before the secret was switched");
	}

	@Test
	void iamModePointsAtTheUserTheCacheAndThePolicy() {
		assertThat(analyze(rejection(AuthMode.IAM)).getAction())
			.contains("'elasticache.secure.auth.username' exists with authentication mode IAM")
			.contains("'elasticache.secure.cache-name' and 'elasticache.secure.iam.region'")
			.contains("'elasticache:Connect' on both the cache ARN and the user ARN");
	}

	@Test
	void noneModeAsksForAuthentication() {
		assertThat(analyze(rejection(AuthMode.NONE)).getAction())
			.isEqualTo("The server requires authentication: set 'elasticache.secure.auth.mode' to 'password' or "
					+ "'iam' with its credentials.");
	}

	@ParameterizedTest
	@EnumSource(AuthMode.class)
	void printsNothingOfTheFailureAroundIt(AuthMode mode) {
		FailureAnalysis analysis = new AuthenticationRejectedFailureAnalyzer(new MockEnvironment())
			.analyze(new BeanCreationException("redisConnectionFactory", "password S3cret-app-2f9d", rejection(mode)));
		assertThat(analysis).isNotNull();
		assertThat((analysis.getDescription() + analysis.getAction()).contains("S3cret")).as("a secret in the analysis")
			.isFalse();
	}

	private static AuthenticationRejectedException rejection(AuthMode mode) {
		return new AuthenticationRejectedException("redisConnectionFactory", "app", mode, REPLY);
	}

	private static FailureAnalysis analyze(AuthenticationRejectedException exception) {
		FailureAnalysis analysis = new AuthenticationRejectedFailureAnalyzer(new MockEnvironment()).analyze(exception);
		assertThat(analysis).isNotNull();
		return analysis;
	}

}
