package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ElastiCacheConfigurationFailureAnalyzer}.
 */
class ElastiCacheConfigurationFailureAnalyzerTests {

	@Test
	void describesTheProblemAndGivesTheAction() {
		ElastiCacheConfigurationException exception = new ElastiCacheConfigurationException(
				"elasticache.secure.auth.password", "Password authentication is selected, but no password is set.",
				"Set 'elasticache.secure.auth.password'.");
		FailureAnalysis analysis = analyze(exception);
		assertThat(analysis.getDescription()).isEqualTo("Password authentication is selected, but no password is set.");
		assertThat(analysis.getAction()).isEqualTo("Set 'elasticache.secure.auth.password'.");
		assertThat(analysis.getCause()).isSameAs(exception);
	}

	@Test
	void printsNothingOfTheCauseOrOfTheFailureAroundIt() {
		ElastiCacheConfigurationException exception = new ElastiCacheConfigurationException(
				"elasticache.secure.iam.profile",
				"The AWS profile named by 'elasticache.secure.iam.profile' is unusable.",
				"Check 'elasticache.secure.iam.profile'.",
				new IllegalStateException("aws_secret_access_key = S3cret-aws-key"));
		FailureAnalysis analysis = new ElastiCacheConfigurationFailureAnalyzer()
			.analyze(new BeanCreationException("connectionDetails", "S3cret-wrapper", exception));
		assertThat(analysis).isNotNull();
		assertThat((analysis.getDescription() + analysis.getAction()).contains("S3cret")).as("a secret in the analysis")
			.isFalse();
	}

	private static FailureAnalysis analyze(Throwable failure) {
		FailureAnalysis analysis = new ElastiCacheConfigurationFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		return analysis;
	}

}
