package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.guard.EndpointVerificationException;
import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import io.lettuce.core.SslVerifyMode;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection details the application brings, as a {@code @ServiceConnection} container
 * registers them, in place of {@code elasticache.secure.endpoint}: the starter secures
 * and checks the connection Boot builds from them.
 */
@ExtendWith(OutputCaptureExtension.class)
class ApplicationConnectionDetailsIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension tls = RedisServerExtension.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@RegisterExtension
	static final RedisServerExtension plaintext = RedisServerExtension.plaintext()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@Test
	void tlsDetailsAreSecuredWithTheirBundleAndFullVerification() {
		RedisTestContexts.runner()
			.withBean(DataRedisConnectionDetails.class,
					() -> details(tls.port(), TestPki.get().trustedCa().sslBundle()))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ElastiCacheDescription.class).endpoint())
					.isEqualTo("localhost:" + tls.port());
				LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
				assertThat(factory.getClientConfiguration().isUseSsl()).isTrue();
				assertThat(factory.getClientConfiguration().getVerifyMode()).isEqualTo(SslVerifyMode.FULL);
				assertThat(context.getBean(StartupGuardReport.class).resultFor("localhost", tls.port()))
					.satisfies((result) -> assertThat(result.outcome()).isEqualTo(TlsProbeOutcome.SECURE));
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				redis.opsForValue().set("from-details", "yes");
				assertThat(redis.opsForValue().get("from-details")).isEqualTo("yes");
			});
	}

	@Test
	void applicationDetailsTakeThePlaceOfTheEndpoint() {
		RedisTestContexts.runner()
			.withPropertyValues("elasticache.secure.endpoint=master.orders.abc123.use1.cache.amazonaws.com:6379")
			.withBean(DataRedisConnectionDetails.class,
					() -> details(tls.port(), TestPki.get().trustedCa().sslBundle()))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ElastiCacheDescription.class).endpoint())
					.isEqualTo("localhost:" + tls.port());
				assertThat(context).doesNotHaveBean(ElastiCacheConnectionDetails.class);
			});
	}

	@Test
	void applicationDetailsAreLoggedByTypeAndAddressNeverThroughToString(CapturedOutput output) {
		RedisTestContexts.runner()
			.withPropertyValues("elasticache.secure.endpoint=master.orders.abc123.use1.cache.amazonaws.com:6379")
			.withBean(DataRedisConnectionDetails.class,
					() -> new RecordDetails("localhost", tls.port(), RedisTestContexts.USER, RedisTestContexts.PASSWORD,
							TestPki.get().trustedCa().sslBundle()))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output.getOut()).contains("Connection details from the application ("
						+ RecordDetails.class.getName() + ", localhost:" + tls.port() + ")");
				assertThat(output.getAll().contains(RedisTestContexts.PASSWORD)).as("password in the log").isFalse();
			});
	}

	@Test
	void plaintextDetailsAreRefusedByTheGuard() {
		RedisTestContexts.runner()
			.withBean(DataRedisConnectionDetails.class, () -> details(plaintext.port(), null))
			.run((context) -> {
				EndpointVerificationException failure = StartupFailures.find(context,
						EndpointVerificationException.class);
				assertThat(failure.getResult().outcome()).isEqualTo(TlsProbeOutcome.NOT_TLS);
				FailureAnalysis analysis = StartupFailures.analyze(failure);
				assertThat(analysis.getDescription()).contains("localhost:" + plaintext.port())
					.contains("does not speak TLS");
				assertThat(analysis.getAction()).contains("ElastiCacheContainer");
				assertThat(failure.getMessage().contains(RedisTestContexts.PASSWORD)).as("password in the message")
					.isFalse();
			});
	}

	/**
	 * Connection details as an application may write them: a record, whose
	 * {@code toString()} prints every component, the password included.
	 */
	record RecordDetails(String host, int port, String username, String password,
			@Nullable SslBundle sslBundle) implements DataRedisConnectionDetails {

		@Override
		public String getUsername() {
			return this.username;
		}

		@Override
		public String getPassword() {
			return this.password;
		}

		@Override
		public @Nullable SslBundle getSslBundle() {
			return this.sslBundle;
		}

		@Override
		public Standalone getStandalone() {
			return Standalone.of(this.host, this.port);
		}

	}

	/**
	 * What Boot's {@code RedisContainer} service connection gives: a standalone node, and
	 * a bundle or none.
	 */
	private static DataRedisConnectionDetails details(int port, @Nullable SslBundle sslBundle) {
		return new DataRedisConnectionDetails() {

			@Override
			public String getUsername() {
				return RedisTestContexts.USER;
			}

			@Override
			public String getPassword() {
				return RedisTestContexts.PASSWORD;
			}

			@Override
			public @Nullable SslBundle getSslBundle() {
				return sslBundle;
			}

			@Override
			public Standalone getStandalone() {
				return Standalone.of("localhost", port);
			}

		};
	}

}
