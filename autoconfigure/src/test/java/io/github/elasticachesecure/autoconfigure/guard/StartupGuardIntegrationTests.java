package io.github.elasticachesecure.autoconfigure.guard;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;

import io.github.elasticachesecure.autoconfigure.RedisTestContexts;
import io.github.elasticachesecure.autoconfigure.StartupFailures;
import io.github.elasticachesecure.autoconfigure.guard.EndpointVerificationFailureAnalyzer;
import io.github.elasticachesecure.autoconfigure.guard.InsecureConnectionFailureAnalyzer;
import io.github.elasticachesecure.guard.AuthenticationRejectedException;
import io.github.elasticachesecure.guard.EndpointVerificationException;
import io.github.elasticachesecure.guard.InsecureConnectionException;
import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.testkit.FreePorts;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.RecordingTcpRelay;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.github.elasticachesecure.testsupport.ResettingTcpServer;
import io.github.elasticachesecure.testsupport.SilentTcpServer;
import io.github.elasticachesecure.testsupport.Threads;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.resource.ClientResources;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline.TimelineEvent;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisSentinelConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.RedisStaticMasterReplicaConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Each refusal of the startup guard, shown against real servers, with the failure report
 * it produces.
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
	void eachCheckIsAStartupStepOfTheFactorysCreation() {
		SpringApplication application = new SpringApplication(GuardedApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		BufferingApplicationStartup startup = new BufferingApplicationStartup(10_000);
		application.setApplicationStartup(startup);
		try (ConfigurableApplicationContext context = application.run(RedisTestContexts.applicationArguments(trusted,
				"--elasticache.secure.auth.username=" + RedisTestContexts.USER,
				"--elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD))) {
			List<TimelineEvent> events = startup.getBufferedTimeline().getEvents();
			TimelineEvent factory = step(events, "spring.beans.instantiate", "redisConnectionFactory");
			TimelineEvent tls = step(events, "elasticache.guard.check-tls", "redisConnectionFactory");
			TimelineEvent authentication = step(events, "elasticache.guard.check-authentication",
					"redisConnectionFactory");
			assertThat(tls.getStartupStep().getParentId()).as("inside the factory's creation")
				.isEqualTo(factory.getStartupStep().getId());
			assertThat(authentication.getStartupStep().getParentId()).isEqualTo(factory.getStartupStep().getId());
			assertThat(tls.getEndTime()).as("TLS checked before the credentials are sent")
				.isBeforeOrEqualTo(authentication.getStartTime());
		}
	}

	private static TimelineEvent step(List<TimelineEvent> events, String name, String beanName) {
		return events.stream()
			.filter((event) -> event.getStartupStep().getName().equals(name))
			.filter((event) -> StreamSupport.stream(event.getStartupStep().getTags().spliterator(), false)
				.anyMatch((tag) -> tag.getKey().equals("beanName") && tag.getValue().equals(beanName)))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no startup step " + name + " for " + beanName));
	}

	@Test
	void theConsoleShowsSpringBootsFailureReportWithTheAction(CapturedOutput output) {
		SpringApplication application = new SpringApplication(GuardedApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		// the guard fails the factory's bean creation, so its exception is a cause of
		// Spring's, where analyzers look
		assertThatException()
			.isThrownBy(() -> application.run("--elasticache.secure.endpoint=localhost:" + untrusted.port(),
					"--elasticache.secure.auth.password=x"))
			.satisfies((failure) -> StartupFailures.find(failure, EndpointVerificationException.class));
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
		probing(plaintext.port()).run((context) -> {
			EndpointVerificationException failure = StartupFailures.find(context, EndpointVerificationException.class);
			assertThat(failure.getResult().outcome()).isEqualTo(TlsProbeOutcome.NOT_TLS);
			FailureAnalysis analysis = new EndpointVerificationFailureAnalyzer().analyze(failure);
			assertThat(analysis.getDescription()).contains("does not speak TLS");
			assertThat(analysis.getAction()).contains("elasticache.secure.endpoint");
		});
	}

	@Test
	void handshakeResetByThePeerIsReportedAsNotTls() {
		try (ResettingTcpServer resetting = ResettingTcpServer.start()) {
			probing(resetting.port()).run((context) -> {
				EndpointVerificationException failure = StartupFailures.find(context,
						EndpointVerificationException.class);
				assertThat(failure.getResult().outcome()).isEqualTo(TlsProbeOutcome.NOT_TLS);
				assertThat(new EndpointVerificationFailureAnalyzer().analyze(failure).getDescription())
					.contains("does not speak TLS");
			});
			assertThat(resetting.acceptedConnections()).as("probes that reached the resetting peer").isPositive();
		}
	}

	@Test
	void untrustedCertificateIsRefusedNamingItsSubjectAndIssuer() {
		probing(untrusted.port()).run((context) -> {
			EndpointVerificationException failure = StartupFailures.find(context, EndpointVerificationException.class);
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
		probing(wrongHost.port()).run((context) -> {
			EndpointVerificationException failure = StartupFailures.find(context, EndpointVerificationException.class);
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
		probing(FreePorts.unusedLoopbackPort()).withPropertyValues("elasticache.secure.guard.fail-on-unreachable=true")
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
			probing(silent.port()).withPropertyValues("elasticache.secure.guard.probe-timeout=500ms")
				.run((context) -> assertThat(
						StartupFailures.find(context, EndpointVerificationException.class).getResult().outcome())
					.isEqualTo(TlsProbeOutcome.NOT_TLS));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		}
	}

	@Test
	void theProbeOfASilentEndpointEndsWithinTheConfiguredTimeoutNotTheDefault() throws Exception {
		try (SilentTcpServer silent = SilentTcpServer.start()) {
			CompletableFuture<TlsProbeOutcome> outcome = CompletableFuture.supplyAsync(() -> {
				AtomicReference<TlsProbeOutcome> result = new AtomicReference<>();
				probing(silent.port())
					.withPropertyValues("elasticache.secure.guard.probe-timeout=300ms",
							"spring.data.redis.connect-timeout=1m", "spring.data.redis.timeout=1m")
					.run((context) -> result
						.set(StartupFailures.find(context, EndpointVerificationException.class).getResult().outcome()));
				return result.get();
			});
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (silent.acceptedConnections() == 0 && !outcome.isDone()) {
				assertThat(System.nanoTime()).as("the probe connected").isLessThan(deadline);
				Thread.sleep(5);
			}
			long probeConnected = System.nanoTime();
			assertThat(outcome.get(30, TimeUnit.SECONDS)).isEqualTo(TlsProbeOutcome.NOT_TLS);
			// From the probe's connect to the failed start: 300 ms, plus a margin for a
			// loaded machine that stays below the default probe timeout (3 s), which a
			// probe ignoring the property would take.
			assertThat(Duration.ofNanos(System.nanoTime() - probeConnected)).isLessThan(Duration.ofMillis(2500));
		}
	}

	@Test
	void aFactoryOfAnotherClientIsRefusedBeforeItIsUsed() {
		OtherClientConnectionFactory otherClient = new OtherClientConnectionFactory();
		RedisTestContexts.securedBy(trusted)
			.withBean("otherClientFactory", RedisConnectionFactory.class, () -> otherClient)
			.run((context) -> {
				InsecureConnectionException failure = StartupFailures.find(context, InsecureConnectionException.class);
				assertThat(failure.getBeanName()).isEqualTo("otherClientFactory");
				assertThat(failure.getReason()).isEqualTo(InsecureConnectionException.Reason.UNSUPPORTED_FACTORY);
				assertThat(failure).hasMessageContaining("is a " + OtherClientConnectionFactory.class.getName()
						+ ", whose TLS settings cannot be verified");
				assertThat(new InsecureConnectionFailureAnalyzer().analyze(failure).getAction())
					.contains("Use a LettuceConnectionFactory for 'otherClientFactory'");
			});
		assertThat(otherClient.connectionsRequested).as("connections asked of the refused factory").hasValue(0);
	}

	@Test
	void userFactoryWithoutVerificationIsRefusedWithoutOptIn() {
		RedisTestContexts.securedBy(trusted)
			.withInitializer(RedisTestContexts.contextBean("unverifiedFactory", LettuceConnectionFactory.class,
					(context) -> unverifiedFactory(trusted.port(), RedisTestContexts.clientResources(context))))
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
			.withInitializer(RedisTestContexts.contextBean("unverifiedFactory", LettuceConnectionFactory.class,
					(context) -> unverifiedFactory(trusted.port(), RedisTestContexts.clientResources(context))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("'unverifiedFactory' verifies server certificates with mode NONE")
					.contains("open to interception");
			});
	}

	@Test
	void failedStartClosesTheFactoryThatHadConnectedAndLeavesNoLettuceThreadsOrConnections() throws Exception {
		String clientName = "connected-before-the-refusal";
		AtomicReference<String> clientsWhileStarting = new AtomicReference<>();
		// Created in registration order: a secure factory (its startup PING connects), a
		// bean that uses it, then the refused factory, whose failure must make the
		// context close the first one.
		RedisTestContexts.securedBy(trusted)
			.withInitializer(RedisTestContexts.contextBean("secureFactory", LettuceConnectionFactory.class,
					(context) -> secureFactory(clientName, RedisTestContexts.clientResources(context))))
			.withInitializer(RedisTestContexts.contextBean("connectionUser", Object.class, (context) -> {
				try (RedisConnection connection = context.getBean("secureFactory", LettuceConnectionFactory.class)
					.getConnection()) {
					connection.ping();
				}
				clientsWhileStarting.set(trusted.process().clientList());
				return new Object();
			}, (definition) -> definition.setDependsOn("secureFactory")))
			.withInitializer(RedisTestContexts.contextBean("plainFactory", LettuceConnectionFactory.class,
					(context) -> new LettuceConnectionFactory(
							new RedisStandaloneConfiguration("localhost", plaintext.port()))))
			.run((context) -> assertThat(StartupFailures.find(context, InsecureConnectionException.class).getBeanName())
				.isEqualTo("plainFactory"));
		assertThat(clientsWhileStarting.get()).as("the secure factory's connection while the context started")
			.contains("name=" + clientName);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(trusted.process().clientList())
				.as("connections left on the server after the failed start")
				.doesNotContain("name=" + clientName));
		Threads.awaitNoneNamed(Threads.LETTUCE);
	}

	@Test
	void startTlsIsRefusedBeforeTheCredentialsCrossTheWire() {
		try (RecordingTcpRelay relay = RecordingTcpRelay.to(trusted.port())) {
			RedisTestContexts.runner()
				.withPropertyValues("elasticache.secure.endpoint=localhost:" + relay.port(),
						"elasticache.secure.tls.bundle=test",
						"elasticache.secure.auth.username=" + RedisTestContexts.USER,
						"elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD)
				.withBean(LettuceClientConfigurationBuilderCustomizer.class,
						() -> (builder) -> builder.useSsl().startTls())
				.run((context) -> {
					InsecureConnectionException failure = StartupFailures.find(context,
							InsecureConnectionException.class);
					assertThat(failure.getReason()).isEqualTo(InsecureConnectionException.Reason.STARTTLS);
					assertThat(failure).hasMessageContaining("before TLS starts")
						.hasMessageNotContaining(RedisTestContexts.PASSWORD);
					assertThat(new InsecureConnectionFailureAnalyzer().analyze(failure).getAction())
						.contains("Remove startTls()");
				});
			assertNothingSentInClear(relay);
		}
	}

	@Test
	void eagerUserFactoryIsRefusedBeforeItConnects() throws Exception {
		try (RecordingTcpRelay relay = RecordingTcpRelay.to(plaintext.port())) {
			RedisTestContexts.securedBy(trusted).withBean("eagerFactory", LettuceConnectionFactory.class, () -> {
				LettuceConnectionFactory factory = new LettuceConnectionFactory(plaintextWithCredentials(relay));
				factory.setEagerInitialization(true);
				return factory;
			}).run((context) -> {
				InsecureConnectionException failure = StartupFailures.find(context, InsecureConnectionException.class);
				assertThat(failure.getBeanName()).isEqualTo("eagerFactory");
				assertThat(failure.getReason()).isEqualTo(InsecureConnectionException.Reason.PLAINTEXT);
			});
			assertThat(relay.acceptedConnections()).as("connections to the refused factory's server").isZero();
			assertNothingSentInClear(relay);
			Threads.awaitNoneNamed(Threads.LETTUCE);
		}
	}

	@Test
	void warmUpInPostConstructGetsNoRefusedFactory() {
		try (RecordingTcpRelay relay = RecordingTcpRelay.to(plaintext.port())) {
			RedisTestContexts.securedBy(trusted)
				.withBean("plainFactory", LettuceConnectionFactory.class,
						() -> new LettuceConnectionFactory(plaintextWithCredentials(relay)))
				.withUserConfiguration(CacheWarmUp.class)
				.run((context) -> assertThat(
						StartupFailures.find(context, InsecureConnectionException.class).getBeanName())
					.isEqualTo("plainFactory"));
			assertThat(relay.acceptedConnections()).as("connections to the refused factory's server").isZero();
			assertNothingSentInClear(relay);
		}
	}

	@Test
	void rejectedCredentialsOfAUserFactoryLeaveNoLettuceThreads() throws Exception {
		RedisTestContexts.securedBy(trusted)
			.withInitializer(
					RedisTestContexts.contextBean("wrongPasswordFactory", LettuceConnectionFactory.class, (context) -> {
						RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration("localhost",
								trusted.port());
						configuration.setUsername(RedisTestContexts.USER);
						configuration.setPassword("not-the-password");
						return new LettuceConnectionFactory(configuration,
								LettuceClientConfiguration.builder()
									.clientOptions(ClientOptions.builder().sslOptions(trusted.sslOptions()).build())
									.clientResources(RedisTestContexts.clientResources(context))
									.useSsl()
									.build());
					}))
			.run((context) -> assertThat(
					StartupFailures.find(context, AuthenticationRejectedException.class).getBeanName())
				.isEqualTo("wrongPasswordFactory"));
		Threads.awaitNoneNamed(Threads.LETTUCE);
	}

	@Test
	void factoryRegisteredAsASingletonIsStillChecked() {
		RedisTestContexts.securedBy(trusted)
			.withInitializer((context) -> context.getBeanFactory()
				.registerSingleton("plainSingleton",
						new LettuceConnectionFactory(new RedisStandaloneConfiguration("localhost", plaintext.port()))))
			.run((context) -> {
				InsecureConnectionException failure = StartupFailures.find(context, InsecureConnectionException.class);
				assertThat(failure.getBeanName()).isEqualTo("plainSingleton");
				assertThat(failure.getReason()).isEqualTo(InsecureConnectionException.Reason.PLAINTEXT);
			});
	}

	@Test
	void staticMasterReplicaNodesAreProbedRatherThanTheStandaloneDefault() {
		try (RecordingTcpRelay relay = RecordingTcpRelay.to(untrusted.port())) {
			RedisTestContexts.securedBy(trusted)
				.withInitializer(RedisTestContexts.contextBean("masterReplicaFactory", LettuceConnectionFactory.class,
						(context) -> masterReplicaFactory(RedisTestContexts.clientResources(context), relay.port())))
				.run((context) -> {
					EndpointVerificationException failure = StartupFailures.find(context,
							EndpointVerificationException.class);
					assertThat(failure.getBeanName()).isEqualTo("masterReplicaFactory");
					assertThat(failure.getResult().port()).isEqualTo(relay.port());
					assertThat(failure.getResult().outcome()).isEqualTo(TlsProbeOutcome.UNTRUSTED_CERTIFICATE);
				});
			assertNothingSentInClear(relay);
		}
	}

	@Test
	void staticMasterReplicaStartsWhenEveryNodeIsSecureAndReportsEachNode() {
		try (RedisServerProcess replica = RedisServerProcess.tls()
			.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD)
			.replicaOf(trusted.process())
			.start()) {
			RedisTestContexts.securedBy(trusted)
				.withInitializer(RedisTestContexts.contextBean("masterReplicaFactory", LettuceConnectionFactory.class,
						(context) -> masterReplicaFactory(RedisTestContexts.clientResources(context), trusted.port(),
								replica.port())))
				.run((context) -> {
					assertThat(context).hasNotFailed();
					StartupGuardReport report = context.getBean(StartupGuardReport.class);
					assertThat(report.resultFor("localhost", replica.port())).isNotNull()
						.satisfies((result) -> assertThat(result.isSecure()).isTrue());
					assertThat(report.resultFor("localhost", 6379)).as("the unused standalone default").isNull();
				});
		}
	}

	@Test
	void factoriesOfASpringBootChildContextAreChecked() {
		try (RecordingTcpRelay relay = RecordingTcpRelay.to(plaintext.port())) {
			SpringApplicationBuilder parent = new SpringApplicationBuilder(GuardedApplication.class)
				.web(WebApplicationType.NONE);
			SpringApplicationBuilder child = parent.child(ChildWithItsOwnFactory.class)
				.web(WebApplicationType.NONE)
				.properties("child.redis.port=" + relay.port());
			try {
				assertThatException()
					.isThrownBy(() -> child.run(RedisTestContexts.applicationArguments(trusted,
							"--elasticache.secure.auth.username=" + RedisTestContexts.USER,
							"--elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD))
						.close())
					.satisfies((failure) -> assertThat(
							StartupFailures.find(failure, InsecureConnectionException.class).getBeanName())
						.isEqualTo("childFactory"));
			}
			finally {
				if (parent.context() != null) {
					parent.context().close();
				}
			}
			assertNothingSentInClear(relay);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class GuardedApplication {

	}

	/**
	 * A plain child configuration, without auto-configuration, with its own eager
	 * plaintext factory.
	 */
	@Configuration(proxyBeanMethods = false)
	static class ChildWithItsOwnFactory {

		@Bean
		LettuceConnectionFactory childFactory(Environment environment) {
			RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration("localhost",
					environment.getRequiredProperty("child.redis.port", Integer.class));
			configuration.setUsername(RedisTestContexts.USER);
			configuration.setPassword(RedisTestContexts.PASSWORD);
			LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration);
			factory.setEagerInitialization(true);
			return factory;
		}

	}

	/**
	 * A factory of another client than Lettuce (as Jedis's is, to the guard): a real
	 * implementation of the interface, not a mock, that counts the connections asked of
	 * it and opens none.
	 */
	static final class OtherClientConnectionFactory implements RedisConnectionFactory {

		final AtomicInteger connectionsRequested = new AtomicInteger();

		@Override
		public boolean getConvertPipelineAndTxResults() {
			return true;
		}

		@Override
		public RedisConnection getConnection() {
			this.connectionsRequested.incrementAndGet();
			throw new UnsupportedOperationException("opens no connection");
		}

		@Override
		public RedisClusterConnection getClusterConnection() {
			this.connectionsRequested.incrementAndGet();
			throw new UnsupportedOperationException("opens no connection");
		}

		@Override
		public RedisSentinelConnection getSentinelConnection() {
			this.connectionsRequested.incrementAndGet();
			throw new UnsupportedOperationException("opens no connection");
		}

		@Override
		public @Nullable DataAccessException translateExceptionIfPossible(RuntimeException ex) {
			return null;
		}

	}

	/**
	 * A cache warm-up that uses the factory as soon as it is injected.
	 */
	@Configuration(proxyBeanMethods = false)
	static class CacheWarmUp {

		CacheWarmUp(ObjectProvider<LettuceConnectionFactory> factories) {
			factories.orderedStream().forEach((factory) -> {
				try (RedisConnection connection = factory.getConnection()) {
					connection.ping();
				}
			});
		}

	}

	/**
	 * A context whose endpoint is the given loopback port, trusting the test CA, with a
	 * password the guard never gets to use.
	 */
	private static ApplicationContextRunner probing(int port) {
		return RedisTestContexts.runner()
			.withPropertyValues("elasticache.secure.endpoint=localhost:" + port, "elasticache.secure.tls.bundle=test",
					"elasticache.secure.auth.password=whatever");
	}

	private static RedisStandaloneConfiguration plaintextWithCredentials(RecordingTcpRelay relay) {
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration(relay.host(), relay.port());
		configuration.setUsername(RedisTestContexts.USER);
		configuration.setPassword(RedisTestContexts.PASSWORD);
		return configuration;
	}

	private static LettuceConnectionFactory masterReplicaFactory(ClientResources resources, int... ports) {
		RedisStaticMasterReplicaConfiguration configuration = new RedisStaticMasterReplicaConfiguration("localhost",
				ports[0]);
		for (int i = 1; i < ports.length; i++) {
			configuration.addNode("localhost", ports[i]);
		}
		configuration.setUsername(RedisTestContexts.USER);
		configuration.setPassword(RedisTestContexts.PASSWORD);
		return new LettuceConnectionFactory(configuration,
				LettuceClientConfiguration.builder()
					.readFrom(ReadFrom.REPLICA_PREFERRED)
					.clientOptions(ClientOptions.builder().sslOptions(trusted.sslOptions()).build())
					.clientResources(resources)
					.useSsl()
					.build());
	}

	/**
	 * Waits until the relay has recorded everything in flight, then checks that the
	 * password never crossed it.
	 */
	private static void assertNothingSentInClear(RecordingTcpRelay relay) {
		relay.close();
		assertThat(relay.clientSent(RedisTestContexts.PASSWORD)).as("the password was sent in clear").isFalse();
	}

	/**
	 * A factory that passes the guard, on the context's client resources, with a client
	 * name that tells its connections apart on the server.
	 */
	private static LettuceConnectionFactory secureFactory(String clientName, ClientResources resources) {
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration("localhost", trusted.port());
		configuration.setUsername(RedisTestContexts.USER);
		configuration.setPassword(RedisTestContexts.PASSWORD);
		return new LettuceConnectionFactory(configuration,
				LettuceClientConfiguration.builder()
					.clientOptions(ClientOptions.builder().sslOptions(trusted.sslOptions()).build())
					.clientName(clientName)
					.clientResources(resources)
					.useSsl()
					.build());
	}

	private static LettuceConnectionFactory unverifiedFactory(int port, ClientResources resources) {
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration("localhost", port);
		configuration.setUsername(RedisTestContexts.USER);
		configuration.setPassword(RedisTestContexts.PASSWORD);
		return new LettuceConnectionFactory(configuration,
				LettuceClientConfiguration.builder()
					.clientResources(resources)
					.useSsl()
					.verifyPeer(SslVerifyMode.NONE)
					.build());
	}

}
