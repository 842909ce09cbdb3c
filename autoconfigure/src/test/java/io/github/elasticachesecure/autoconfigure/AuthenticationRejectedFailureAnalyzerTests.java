package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.guard.AuthenticationRejectedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.convert.support.ConfigurableConversionService;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AuthenticationRejectedFailureAnalyzer}.
 */
class AuthenticationRejectedFailureAnalyzerTests {

	private static final AuthenticationRejectedException REJECTION = new AuthenticationRejectedException(
			"redisConnectionFactory", "app", "WRONGPASS invalid username-password pair or user is disabled.");

	@Test
	void describesTheRejectionWithTheUserAndTheServerReply() {
		FailureAnalysis analysis = analyze(environment(), REJECTION);
		assertThat(analysis.getDescription()).isEqualTo("RedisConnectionFactory 'redisConnectionFactory': the server "
				+ "rejected the credentials of user 'app': WRONGPASS invalid username-password pair or user is disabled..");
		assertThat(analysis.getCause()).isSameAs(REJECTION);
	}

	@Test
	void theDefaultUserIsNamedSo() {
		assertThat(analyze(environment(),
				new AuthenticationRejectedException("redisConnectionFactory", null, "WRONGPASS invalid")).getDescription())
			.contains("the credentials of user 'default'");
	}

	@Test
	void passwordModeIsTheDefaultAndPointsAtTheCredentials() {
		assertThat(analyze(environment(), REJECTION).getAction())
			.startsWith("Check 'elasticache.secure.auth.username' and 'elasticache.secure.auth.password'")
			.contains("For the ElastiCache AUTH token of the default user, leave the username unset.");
	}

	@Test
	void iamModePointsAtTheUserTheCacheAndThePolicy() {
		assertThat(analyze(mode("iam"), REJECTION).getAction())
			.contains("'elasticache.secure.auth.username' exists with authentication mode IAM")
			.contains("'elasticache.secure.iam.cache-name' and 'elasticache.secure.iam.region'")
			.contains("'elasticache:Connect' on both the cache ARN and the user ARN");
	}

	@Test
	void noneModeAsksForAuthentication() {
		assertThat(analyze(mode("none"), REJECTION).getAction())
			.isEqualTo("The server requires authentication: set 'elasticache.secure.auth.mode' to 'password' or "
					+ "'iam' with its credentials.");
	}

	@ParameterizedTest
	@ValueSource(strings = { "password", "iam", "none" })
	void printsNothingOfTheFailureAroundIt(String mode) {
		FailureAnalysis analysis = new AuthenticationRejectedFailureAnalyzer(mode(mode))
			.analyze(new BeanCreationException("redisConnectionFactory", "password S3cret-app-2f9d", REJECTION));
		assertThat(analysis).isNotNull();
		assertThat((analysis.getDescription() + analysis.getAction()).contains("S3cret"))
			.as("a secret in the analysis")
			.isFalse();
	}

	private static MockEnvironment mode(String mode) {
		return environment().withProperty("elasticache.secure.auth.mode", mode)
			.withProperty("elasticache.secure.auth.password", "S3cret-app-2f9d");
	}

	/**
	 * An environment that converts values as a Spring Boot application's does (lower-case enum constants).
	 */
	private static MockEnvironment environment() {
		MockEnvironment environment = new MockEnvironment();
		environment.setConversionService((ConfigurableConversionService) ApplicationConversionService.getSharedInstance());
		return environment;
	}

	private static FailureAnalysis analyze(MockEnvironment environment, AuthenticationRejectedException exception) {
		FailureAnalysis analysis = new AuthenticationRejectedFailureAnalyzer(environment).analyze(exception);
		assertThat(analysis).isNotNull();
		return analysis;
	}

}
