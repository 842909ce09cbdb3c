package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.github.elasticachesecure.guard.EndpointVerificationException;
import io.github.elasticachesecure.guard.InsecureConnectionException;
import io.github.elasticachesecure.testbed.FreePorts;
import io.github.elasticachesecure.testbed.RedisServerExtension;
import io.github.elasticachesecure.testbed.SilentTcpServer;
import io.github.elasticachesecure.testbed.TestPki;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import io.lettuce.core.SslVerifyMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Each refusal of the startup guard, shown against real servers, with the failure report it produces.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupGuardIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension trusted = RedisServerExtension.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@RegisterExtension
	static final RedisServerExtension untrusted = RedisServerExtension.tls()
		.serverCertificate(TestPki.get().untrustedLocalhost());

	@RegisterExtension
	static final RedisServerExtension wrongHost = RedisServerExtension.tls()
		.serverCertificate(TestPki.get().wrongHost())
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@RegisterExtension
	static final RedisServerExtension plaintext = RedisServerExtension.plaintext()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@Test
	void secureEndpointStartsAndIsReported(CapturedOutput output) {
		RedisTestContexts.securedBy(trusted).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("localhost:" + trusted.port() + " speaks TLSv1.")
				.contains("issued by '" + TestPki.get().trustedCa().subject() + "'");
		});
	}

	@Test
	void theConsoleShowsSpringBootsFailureReportWithTheAction(CapturedOutput output) {
		SpringApplication application = new SpringApplication(GuardedApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatExceptionOfType(EndpointVerificationException.class).isThrownBy(() -> application
			.run("--elasticache.secure.endpoint=localhost:" + untrusted.port(), "--elasticache.secure.auth.password=x"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("presented a certificate that is not trusted")
			.contains("Action:")
			.contains("set 'elasticache.secure.tls.bundle=<name>'");
	}

	@Test
	void plaintextUrlIsRefused() {
		RedisTestContexts.runner()
			.withPropertyValues("spring.data.redis.url=redis://" + RedisTestContexts.USER + ":"
					+ RedisTestContexts.PASSWORD + "@localhost:" + plaintext.port())
			.run((context) -> {
				InsecureConnectionException failure = StartupFailures.find(context, InsecureConnectionException.class);
				assertThat(failure.getReason()).isEqualTo(InsecureConnectionException.Reason.PLAINTEXT);
				assertThat(failure).hasMessageContaining("without TLS")
					.hasMessageNotContaining(RedisTestContexts.PASSWORD);
				FailureAnalysis analysis = new InsecureConnectionFailureAnalyzer().analyze(failure);
				assertThat(analysis.getAction()).contains("elasticache.secure.endpoint")
					.contains("spring.data.redis.ssl.enabled=false");
			});
	}

	@Test
	void userDefinedPlaintextFactoryIsRefused() {
		RedisTestContexts.securedBy(trusted)
			.withBean("plainFactory", LettuceConnectionFactory.class,
					() -> new LettuceConnectionFactory(new RedisStandaloneConfiguration("localhost", plaintext.port())))
			.run((context) -> {
				InsecureConnectionException failure = StartupFailures.find(context, InsecureConnectionException.class);
				assertThat(failure.getBeanName()).isEqualTo("plainFactory");
				assertThat(failure.getReason()).isEqualTo(InsecureConnectionException.Reason.PLAINTEXT);
			});
	}

	@Test
	void plaintextServerOnTheEndpointIsRefused() {
		probing(plaintext.port())
			.run((context) -> {
				EndpointVerificationException failure = StartupFailures.find(context,
						EndpointVerificationException.class);
				assertThat(failure.getResult().outcome()).isEqualTo(TlsProbeOutcome.NOT_TLS);
				FailureAnalysis analysis = new EndpointVerificationFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).contains("does not speak TLS");
				assertThat(analysis.getAction()).contains("elasticache.secure.endpoint");
			});
	}

	@Test
	void untrustedCertificateIsRefusedNamingItsSubjectAndIssuer() {
		probing(untrusted.port())
			.run((context) -> {
				EndpointVerificationException failure = StartupFailures.find(context,
						EndpointVerificationException.class);
				assertThat(failure.getResult().outcome()).isEqualTo(TlsProbeOutcome.UNTRUSTED_CERTIFICATE);
				FailureAnalysis analysis = new EndpointVerificationFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).contains(TestPki.get().untrustedLocalhost().subject())
					.contains(TestPki.get().untrustedCa().subject());
				assertThat(analysis.getAction()).contains("elasticache.secure.tls.bundle")
					.contains("spring.ssl.bundle.pem.<name>.truststore.certificate");
			});
	}

	@Test
	void jdkDefaultTrustDoesNotTrustAPrivateCa() {
		RedisTestContexts.runner()
			.withPropertyValues("elasticache.secure.endpoint=localhost:" + trusted.port(),
					"elasticache.secure.auth.password=whatever")
			.run((context) -> assertThat(
					StartupFailures.find(context, EndpointVerificationException.class).getResult().outcome())
				.isEqualTo(TlsProbeOutcome.UNTRUSTED_CERTIFICATE));
	}

	@Test
	void hostNameMismatchIsRefusedNamingTheCertificateNames() {
		probing(wrongHost.port())
			.run((context) -> {
				EndpointVerificationException failure = StartupFailures.find(context,
						EndpointVerificationException.class);
				assertThat(failure.getResult().outcome()).isEqualTo(TlsProbeOutcome.HOST_NAME_MISMATCH);
				FailureAnalysis analysis = new EndpointVerificationFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).contains("not issued for 'localhost'")
					.contains(TestPki.WRONG_HOST_NAME);
				assertThat(analysis.getAction()).contains("elasticache.secure.endpoint");
			});
	}

	@Test
	void hostNameMismatchIsAcceptedWithExplicitCaOptInAndWarned(CapturedOutput output) {
		RedisTestContexts.securedBy(wrongHost)
			.withPropertyValues("elasticache.secure.tls.verify-mode=CA")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("verifies server certificates with mode CA (explicit opt-in)");
			});
	}

	@Test
	void aUserWithoutPermissionForTheStartupPingStartsWithAWarningNamingIt(CapturedOutput output) {
		// Authenticates (AUTH and HELLO need no permission) but may run nothing else.
		trusted.adminCommand("ACL", "SETUSER", "no-ping", "on", ">" + RedisTestContexts.PASSWORD, "-@all", "+auth",
				"+hello");
		RedisTestContexts.securedBy(trusted)
			.withPropertyValues("elasticache.secure.auth.username=no-ping")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("user 'no-ping' may not run a command of the startup check (NOPERM")
					.contains("'ping' command")
					.contains("the credentials were not rejected")
					.doesNotContain("rejected the credentials");
			});
	}

	@Test
	void unreachableEndpointIsAWarningByDefault(CapturedOutput output) {
		int port = FreePorts.unusedLoopbackPort();
		probing(port).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("localhost:" + port + " could not be reached at startup");
		});
	}

	@Test
	void unreachableEndpointFailsWhenAskedTo() {
		probing(FreePorts.unusedLoopbackPort())
			.withPropertyValues("elasticache.secure.guard.fail-on-unreachable=true")
			.run((context) -> {
				EndpointVerificationException failure = StartupFailures.find(context,
						EndpointVerificationException.class);
				assertThat(failure.getResult().outcome()).isEqualTo(TlsProbeOutcome.UNREACHABLE);
				assertThat(new EndpointVerificationFailureAnalyzer().analyze(failure).getAction())
					.contains("elasticache.secure.guard.fail-on-unreachable");
			});
	}

	@Test
	void silentEndpointIsRefusedWithinTheProbeTimeout() throws Exception {
		try (SilentTcpServer silent = SilentTcpServer.start()) {
			long start = System.nanoTime();
			probing(silent.port())
				.withPropertyValues("elasticache.secure.guard.probe-timeout=500ms")
				.run((context) -> assertThat(
						StartupFailures.find(context, EndpointVerificationException.class).getResult().outcome())
					.isEqualTo(TlsProbeOutcome.NOT_TLS));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		}
	}

	@Test
	void userFactoryWithoutVerificationIsRefusedWithoutOptIn() {
		RedisTestContexts.securedBy(trusted)
			.withBean("unverifiedFactory", LettuceConnectionFactory.class, () -> unverifiedFactory(trusted.port()))
			.run((context) -> {
				InsecureConnectionException failure = StartupFailures.find(context, InsecureConnectionException.class);
				assertThat(failure.getBeanName()).isEqualTo("unverifiedFactory");
				assertThat(failure.getReason()).isEqualTo(InsecureConnectionException.Reason.VERIFICATION_DISABLED);
				assertThat(new InsecureConnectionFailureAnalyzer().analyze(failure).getAction())
					.contains("elasticache.secure.tls.verify-mode");
			});
	}

	@Test
	void verificationOffIsAcceptedWithExplicitOptInAndWarned(CapturedOutput output) {
		RedisTestContexts.securedBy(trusted)
			.withPropertyValues("elasticache.secure.tls.verify-mode=none")
			.withBean("unverifiedFactory", LettuceConnectionFactory.class, () -> unverifiedFactory(trusted.port()))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("'unverifiedFactory' verifies server certificates with mode NONE")
					.contains("open to interception");
			});
	}

	@Test
	void failedStartLeavesNoLettuceThreadsOrConnections() throws Exception {
		RedisTestContexts.securedBy(trusted)
			.withBean("plainFactory", LettuceConnectionFactory.class,
					() -> new LettuceConnectionFactory(new RedisStandaloneConfiguration("localhost", plaintext.port())))
			.run((context) -> assertThat(context).hasFailed());
		assertThat(trusted.adminCommand("CLIENT", "LIST")).doesNotContain("user=" + RedisTestContexts.USER);
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (lettuceThreads() > 0 && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		assertThat(lettuceThreads()).isZero();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class GuardedApplication {

	}

	/**
	 * A context whose endpoint is the given loopback port, trusting the test CA, with a password the guard never gets to use.
	 */
	private static ApplicationContextRunner probing(int port) {
		return RedisTestContexts.runner()
			.withPropertyValues("elasticache.secure.endpoint=localhost:" + port, "elasticache.secure.tls.bundle=test",
					"elasticache.secure.auth.password=whatever");
	}

	private static long lettuceThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.filter((thread) -> thread.getName().startsWith("lettuce-"))
			.count();
	}

	private static LettuceConnectionFactory unverifiedFactory(int port) {
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration("localhost", port);
		configuration.setUsername(RedisTestContexts.USER);
		configuration.setPassword(RedisTestContexts.PASSWORD);
		return new LettuceConnectionFactory(configuration,
				LettuceClientConfiguration.builder().useSsl().verifyPeer(SslVerifyMode.NONE).build());
	}

}
