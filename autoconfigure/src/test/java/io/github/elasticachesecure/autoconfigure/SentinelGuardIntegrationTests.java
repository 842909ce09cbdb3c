package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.guard.EndpointVerificationException;
import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.RecordingTcpRelay;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.github.elasticachesecure.testsupport.Threads;
import io.github.elasticachesecure.tls.TlsProbeOutcome;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.resource.ClientResources;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup guard on a Redis Sentinel factory, against a real TLS Sentinel: it probes
 * the sentinels, then the data nodes the sentinels name (the master, and the replicas
 * when the factory reads from them).
 */
@ExtendWith(OutputCaptureExtension.class)
class SentinelGuardIntegrationTests {

	private static final String SENTINEL_PASSWORD = "sentinel-Secret-3b8e21";

	@RegisterExtension
	static final RedisServerExtension trusted = RedisServerExtension.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@RegisterExtension
	static final RedisServerExtension untrusted = RedisServerExtension.tls()
		.serverCertificate(TestPki.get().untrustedLocalhost())
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@Test
	void masterWithAnUntrustedCertificateIsRefusedNamingTheMaster() throws Exception {
		try (RedisServerProcess sentinel = sentinelOf(untrusted.process())) {
			guarded(sentinel, null).run((context) -> {
				EndpointVerificationException failure = StartupFailures.find(context,
						EndpointVerificationException.class);
				assertThat(failure.getBeanName()).isEqualTo("sentinelFactory");
				assertThat(failure.getResult().endpoint()).isEqualTo("localhost:" + untrusted.port());
				assertThat(failure.getResult().outcome()).isEqualTo(TlsProbeOutcome.UNTRUSTED_CERTIFICATE);
				assertThat(failure).hasMessageContaining("localhost:" + untrusted.port())
					.hasMessageNotContaining(RedisTestContexts.PASSWORD)
					.hasMessageNotContaining(SENTINEL_PASSWORD);
			});
		}
		// the guard's own Sentinel client is shut down with its threads
		Threads.awaitNoneNamed(Threads.LETTUCE);
	}

	@Test
	void secureSentinelAndMasterStartAndBothAreReported(CapturedOutput output) {
		try (RedisServerProcess sentinel = sentinelOf(trusted.process())) {
			guarded(sentinel, null).run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output)
					.contains("RedisConnectionFactory 'sentinelFactory': localhost:" + sentinel.port() + " speaks TLS")
					.contains("RedisConnectionFactory 'sentinelFactory': localhost:" + trusted.port() + " speaks TLS");
				StartupGuardReport report = context.getBean(StartupGuardReport.class);
				assertThat(report.resultFor("localhost", trusted.port())).isNotNull()
					.satisfies((result) -> assertThat(result.isSecure()).isTrue());
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				template.opsForValue().set("sentinel-greeting", "hello");
				assertThat(template.opsForValue().get("sentinel-greeting")).isEqualTo("hello");
				assertThat(trusted.adminCommand("GET", "sentinel-greeting")).isEqualTo("hello");
			});
			assertThat(output).doesNotContain(RedisTestContexts.PASSWORD).doesNotContain(SENTINEL_PASSWORD);
		}
	}

	@Test
	void passwordNeverCrossesToAnUntrustedMaster() {
		try (RecordingTcpRelay relay = RecordingTcpRelay.to(untrusted.port());
				RedisServerProcess sentinel = RedisServerProcess.tls()
					.aclUser(RedisTestContexts.USER, SENTINEL_PASSWORD)
					.sentinelOf(untrusted.process(), relay.port())
					.start()) {
			guarded(sentinel, null).run((context) -> assertThat(
					StartupFailures.find(context, EndpointVerificationException.class).getResult().endpoint())
				.isEqualTo("localhost:" + relay.port()));
			relay.close();
			assertThat(relay.clientSent(RedisTestContexts.PASSWORD)).as("the password was sent in clear").isFalse();
		}
	}

	@Test
	void replicasAreProbedWhenTheFactoryReadsFromThem() {
		try (RedisServerProcess replica = RedisServerProcess.tls()
			.serverCertificate(TestPki.get().wrongHost())
			.replicaOf(trusted.process())
			.start(); RedisServerProcess sentinel = sentinelOf(trusted.process())) {
			guarded(sentinel, ReadFrom.REPLICA_PREFERRED).run((context) -> {
				EndpointVerificationException failure = StartupFailures.find(context,
						EndpointVerificationException.class);
				assertThat(failure.getResult().endpoint()).isEqualTo("localhost:" + replica.port());
				assertThat(failure.getResult().outcome()).isEqualTo(TlsProbeOutcome.HOST_NAME_MISMATCH);
			});
			// without readFrom the factory only ever connects to the master
			guarded(sentinel, null).run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(StartupGuardReport.class).resultFor("localhost", replica.port())).isNull();
			});
		}
	}

	private static RedisServerProcess sentinelOf(RedisServerProcess master) {
		return RedisServerProcess.tls().aclUser(RedisTestContexts.USER, SENTINEL_PASSWORD).sentinelOf(master).start();
	}

	/**
	 * A context with a user-defined sentinel factory, built as an application would: TLS
	 * trusting the test CA, credentials for the sentinels and for the data nodes.
	 */
	private static ApplicationContextRunner guarded(RedisServerProcess sentinel, @Nullable ReadFrom readFrom) {
		return RedisTestContexts.runner()
			.withInitializer(RedisTestContexts.contextBean("sentinelFactory", LettuceConnectionFactory.class,
					(context) -> sentinelFactory(sentinel, readFrom, RedisTestContexts.clientResources(context))));
	}

	private static LettuceConnectionFactory sentinelFactory(RedisServerProcess sentinel, @Nullable ReadFrom readFrom,
			ClientResources resources) {
		RedisSentinelConfiguration configuration = new RedisSentinelConfiguration()
			.master(RedisServerProcess.SENTINEL_MASTER_NAME)
			.sentinel(sentinel.host(), sentinel.port());
		configuration.setSentinelUsername(RedisTestContexts.USER);
		configuration.setSentinelPassword(SENTINEL_PASSWORD);
		configuration.setUsername(RedisTestContexts.USER);
		configuration.setPassword(RedisTestContexts.PASSWORD);
		LettuceClientConfiguration.LettuceClientConfigurationBuilder builder = LettuceClientConfiguration.builder()
			.clientOptions(ClientOptions.builder().sslOptions(sentinel.sslOptions()).build())
			.clientResources(resources);
		if (readFrom != null) {
			builder.readFrom(readFrom);
		}
		return new LettuceConnectionFactory(configuration, builder.useSsl().build());
	}

}
