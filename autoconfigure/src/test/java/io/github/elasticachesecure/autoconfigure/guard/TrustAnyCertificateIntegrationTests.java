package io.github.elasticachesecure.autoconfigure.guard;

import io.github.elasticachesecure.autoconfigure.RedisTestContexts;
import io.github.elasticachesecure.autoconfigure.StartupFailures;
import io.github.elasticachesecure.autoconfigure.guard.InsecureConnectionFailureAnalyzer;
import io.github.elasticachesecure.guard.InsecureConnectionException;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.resource.ClientResources;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup guard against trust managers that accept any certificate while the verify
 * mode still reads FULL, with real servers.
 */
@ExtendWith(OutputCaptureExtension.class)
class TrustAnyCertificateIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension untrusted = RedisServerExtension.tls()
		.serverCertificate(TestPki.get().untrustedLocalhost())
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@RegisterExtension
	static final RedisServerExtension trusted = RedisServerExtension.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@Test
	void customizerTrustingAnythingIsRefusedBeforeTheServerGetsCredentials(CapturedOutput output) {
		long helloCalls = untrusted.process().commandCalls("hello");
		SpringApplication application = new SpringApplication(TrustAnythingApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		InsecureConnectionException failure = StartupFailures.find(
				catchStartupFailure(application,
						RedisTestContexts.applicationArguments(untrusted,
								"--elasticache.secure.auth.username=" + RedisTestContexts.USER,
								"--elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD)),
				InsecureConnectionException.class);
		assertThat(failure.getReason()).isEqualTo(InsecureConnectionException.Reason.TRUSTS_ANY_CERTIFICATE);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("verifies server certificates with mode FULL, but its trust manager accepts any certificate")
			.contains("Remove the trust manager that accepts every certificate")
			.contains("elasticache.secure.tls.bundle=<name>");
		assertThat(untrusted.authCalls()).as("AUTH calls").isZero();
		assertThat(untrusted.process().commandCalls("hello")).as("HELLO calls").isEqualTo(helloCalls);
	}

	@Test
	void factoryTrustingAnythingIsRefusedEvenWhenTheServerIsTrustworthy() {
		RedisTestContexts.securedBy(trusted)
			.withInitializer(RedisTestContexts.contextBean("trustingFactory", LettuceConnectionFactory.class,
					(context) -> factory(RedisTestContexts.clientResources(context), trusted.port(),
							SslOptions.builder().trustManager(InsecureTrustManagerFactory.INSTANCE).build())))
			.run((context) -> {
				InsecureConnectionException failure = StartupFailures.find(context, InsecureConnectionException.class);
				assertThat(failure.getBeanName()).isEqualTo("trustingFactory");
				assertThat(failure.getReason()).isEqualTo(InsecureConnectionException.Reason.TRUSTS_ANY_CERTIFICATE);
				assertThat(failure).hasMessageContaining("made up for 'localhost'")
					.hasMessageNotContaining(RedisTestContexts.PASSWORD);
				assertThat(new InsecureConnectionFailureAnalyzer().analyze(failure).getAction())
					.contains("'trustingFactory'")
					.contains("elasticache.secure.tls.verify-mode=NONE");
			});
	}

	@Test
	@DisplayName("with tls.verify-mode CA, a factory whose trust manager accepts any certificate is still refused")
	void caVerifyModeWithATrustAnythingManagerIsStillRefused() {
		RedisTestContexts.securedBy(trusted)
			.withPropertyValues("elasticache.secure.tls.verify-mode=ca")
			.withInitializer(RedisTestContexts.contextBean("trustingCaFactory", LettuceConnectionFactory.class,
					(context) -> factory(RedisTestContexts.clientResources(context), trusted.port(),
							SslOptions.builder().trustManager(InsecureTrustManagerFactory.INSTANCE).build(),
							SslVerifyMode.CA)))
			.run((context) -> {
				assertThat(context).as("start with a CA-mode factory trusting anything").hasFailed();
				InsecureConnectionException failure = StartupFailures.find(context, InsecureConnectionException.class);
				assertThat(failure.getBeanName()).isEqualTo("trustingCaFactory");
				assertThat(failure.getReason()).isEqualTo(InsecureConnectionException.Reason.TRUSTS_ANY_CERTIFICATE);
			});
	}

	@Test
	@DisplayName("with tls.verify-mode CA, a factory verifying with mode CA against the CA starts")
	void caVerifyModeTrustingTheCaStarts() {
		RedisTestContexts.securedBy(trusted)
			.withPropertyValues("elasticache.secure.tls.verify-mode=ca")
			.withInitializer(RedisTestContexts
				.contextBean("caModeFactory", LettuceConnectionFactory.class, (context) -> factory(
						RedisTestContexts.clientResources(context), trusted.port(),
						SslOptions.builder().trustManager(TestPki.get().trustedCa().certificatePem().toFile()).build(),
						SslVerifyMode.CA)))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void factoryTrustingTheCaStarts() {
		RedisTestContexts.securedBy(trusted)
			.withInitializer(RedisTestContexts.contextBean("caFactory", LettuceConnectionFactory.class,
					(context) -> factory(RedisTestContexts.clientResources(context), trusted.port(),
							SslOptions.builder()
								.trustManager(TestPki.get().trustedCa().certificatePem().toFile())
								.build())))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void trustingAnythingIsAcceptedWithExplicitNoneOptInAndWarned(CapturedOutput output) {
		RedisTestContexts.securedBy(trusted)
			.withPropertyValues("elasticache.secure.tls.verify-mode=none")
			.withInitializer(RedisTestContexts.contextBean("trustingFactory", LettuceConnectionFactory.class,
					(context) -> factory(RedisTestContexts.clientResources(context), trusted.port(),
							SslOptions.builder().trustManager(InsecureTrustManagerFactory.INSTANCE).build())))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output)
					.contains("'trustingFactory' verifies server certificates with mode FULL, but its "
							+ "trust manager accepts any certificate")
					.contains("open to interception");
			});
	}

	private static Throwable catchStartupFailure(SpringApplication application, String... arguments) {
		try {
			application.run(arguments).close();
		}
		catch (RuntimeException ex) {
			return ex;
		}
		throw new AssertionError("The application started");
	}

	private static LettuceConnectionFactory factory(ClientResources resources, int port, SslOptions sslOptions) {
		return factory(resources, port, sslOptions, SslVerifyMode.FULL);
	}

	private static LettuceConnectionFactory factory(ClientResources resources, int port, SslOptions sslOptions,
			SslVerifyMode verifyMode) {
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration("localhost", port);
		configuration.setUsername(RedisTestContexts.USER);
		configuration.setPassword(RedisTestContexts.PASSWORD);
		return new LettuceConnectionFactory(configuration,
				LettuceClientConfiguration.builder()
					.useSsl()
					.verifyPeer(verifyMode)
					.and()
					.clientOptions(ClientOptions.builder().sslOptions(sslOptions).build())
					.clientResources(resources)
					.build());
	}

	/**
	 * An application with the usual copy-pasted "fix" for PKIX errors.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TrustAnythingApplication {

		@Bean
		LettuceClientOptionsBuilderCustomizer trustAnything() {
			return (builder) -> builder
				.sslOptions(SslOptions.builder().trustManager(InsecureTrustManagerFactory.INSTANCE).build());
		}

	}

}
