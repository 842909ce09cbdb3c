package io.github.elasticachesecure.autoconfigure.guard;

import io.github.elasticachesecure.guard.InsecureConnectionException.Reason;
import io.github.elasticachesecure.guard.InsecureConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InsecureConnectionFailureAnalyzer}.
 */
class InsecureConnectionFailureAnalyzerTests {

	@Test
	void plaintextNamesTheEndpointPropertyAndRefusesAnOptIn() {
		FailureAnalysis analysis = analyze(Reason.PLAINTEXT,
				"RedisConnectionFactory 'redisConnectionFactory' connects to localhost:6379 without TLS");
		assertThat(analysis.getDescription()).isEqualTo(
				"RedisConnectionFactory 'redisConnectionFactory' connects to localhost:6379 without TLS. The ElastiCache "
						+ "secure starter refuses to start with it.");
		assertThat(analysis.getAction()).contains("Connect through 'elasticache.secure.endpoint'")
			.contains("enable TLS on the factory 'redisConnectionFactory'")
			.contains("Remove 'spring.data.redis.url=redis://...' and 'spring.data.redis.ssl.enabled=false'")
			.contains("Plaintext connections cannot be allowed");
	}

	@Test
	void startTlsAsksToRemoveIt() {
		assertThat(analyze(Reason.STARTTLS, "uses STARTTLS").getAction())
			.startsWith("Remove startTls() from the client configuration of the factory 'redisConnectionFactory'")
			.contains("the credentials cross the network in clear");
	}

	@Test
	void disabledVerificationNamesTheBundleAndTheExplicitOptIn() {
		assertThat(analyze(Reason.VERIFICATION_DISABLED, "verifies no certificate").getAction())
			.contains("use SslVerifyMode.FULL on the factory 'redisConnectionFactory'")
			.contains("'elasticache.secure.tls.bundle'")
			.contains("'elasticache.secure.tls.verify-mode=CA'");
	}

	@Test
	void trustAnyCertificateNamesTheTrustManagerAndTheBundle() {
		assertThat(analyze(Reason.TRUSTS_ANY_CERTIFICATE, "trusts any certificate").getAction())
			.contains("InsecureTrustManagerFactory")
			.contains("SslOptions of the factory 'redisConnectionFactory'")
			.contains("'spring.ssl.bundle.pem.<name>.truststore.certificate'")
			.contains("'elasticache.secure.tls.verify-mode=NONE'");
	}

	@Test
	void unsupportedFactoryAsksForLettuce() {
		assertThat(analyze(Reason.UNSUPPORTED_FACTORY, "is a JedisConnectionFactory").getAction())
			.startsWith("Use a LettuceConnectionFactory for 'redisConnectionFactory'");
	}

	@ParameterizedTest
	@EnumSource(Reason.class)
	void everyReasonDescribesAndActsWithoutPrintingTheFailureAroundIt(Reason reason) {
		InsecureConnectionException exception = new InsecureConnectionException("redisConnectionFactory", reason,
				"RedisConnectionFactory 'redisConnectionFactory' is insecure");
		FailureAnalysis analysis = new InsecureConnectionFailureAnalyzer()
			.analyze(new BeanCreationException("redisConnectionFactory", "url rediss://u:S3cret@host", exception));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription())
			.startsWith("RedisConnectionFactory 'redisConnectionFactory' is insecure.");
		assertThat(analysis.getAction()).contains("'redisConnectionFactory'");
		assertThat((analysis.getDescription() + analysis.getAction()).contains("S3cret")).as("a secret in the analysis")
			.isFalse();
	}

	private static FailureAnalysis analyze(Reason reason, String message) {
		InsecureConnectionException exception = new InsecureConnectionException("redisConnectionFactory", reason,
				message);
		FailureAnalysis analysis = new InsecureConnectionFailureAnalyzer().analyze(exception);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getCause()).isSameAs(exception);
		return analysis;
	}

}
