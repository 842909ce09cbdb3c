package io.github.elasticachesecure.autoconfigure;

import javax.net.ssl.SSLException;

import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.guard.EndpointVerificationException;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SslOptions;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code elasticache.secure.tls.provider}: both engines carry traffic with the bundle's
 * trust and FULL verification, refuse an untrusted CA and a wrong host name, and the
 * startup guard checks the same on both.
 */
class TlsProviderIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension trusted = RedisServerExtension.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@RegisterExtension
	static final RedisServerExtension untrusted = RedisServerExtension.tls()
		.serverCertificate(TestPki.get().untrustedLocalhost())
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@RegisterExtension
	static final RedisServerExtension wrongHost = RedisServerExtension.tls()
		.serverCertificate(TestPki.get().wrongHost())
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	/** The two engines a user can ask for by name, and what each must run on. */
	enum Engine {

		JDK("jdk", SslProvider.JDK), OPENSSL("openssl", SslProvider.OPENSSL);

		final String property;

		final SslProvider provider;

		Engine(String property, SslProvider provider) {
			this.property = property;
			this.provider = provider;
		}

	}

	// Without the startup guard: what the connections' own engine accepts and refuses.
	private static ApplicationContextRunner connectionOnly(RedisServerExtension server, String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
					DataRedisAutoConfiguration.class, SslAutoConfiguration.class))
			.withPropertyValues(
					"spring.ssl.bundle.pem.test.truststore.certificate=file:"
							+ TestPki.get().trustedCa().certificatePem(),
					"elasticache.secure.endpoint=localhost:" + server.port(), "elasticache.secure.tls.bundle=test",
					"elasticache.secure.auth.username=" + RedisTestContexts.USER,
					"elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD, "spring.data.redis.timeout=10s")
			.withPropertyValues(properties);
	}

	@Test
	void theEngineLoadsOnThisMachine() {
		// Every OPENSSL case below depends on it; the build carries
		// netty-tcnative-boringssl-static for the tests.
		assertThat(OpenSsl.isAvailable())
			.as("Netty's OpenSSL engine available, cause: %s", OpenSsl.unavailabilityCause())
			.isTrue();
	}

	@ParameterizedTest
	@EnumSource(Engine.class)
	void eachEngineCarriesTrafficWithTheBundlesTrustAndFullVerification(Engine engine) {
		RedisTestContexts.securedBy(trusted)
			.withPropertyValues("elasticache.secure.tls.provider=" + engine.property)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(sslOptions(context).getSslProvider()).isEqualTo(engine.provider);
				LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
				assertThat(factory.getClientConfiguration().isVerifyPeer()).isTrue();
				assertThat(factory.getClientConfiguration().getVerifyMode().name()).isEqualTo("FULL");
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				template.opsForValue().set("engine", engine.property);
				assertThat(template.opsForValue().get("engine")).isEqualTo(engine.property);
			});
	}

	@ParameterizedTest
	@EnumSource(Engine.class)
	void eachEngineRefusesAServerCertificateFromAnUntrustedCa(Engine engine) {
		connectionOnly(untrusted, "elasticache.secure.tls.provider=" + engine.property)
			.run((context) -> assertRefusedByTls(context, engine));
	}

	@ParameterizedTest
	@EnumSource(Engine.class)
	void eachEngineRefusesACertificateForAnotherHostName(Engine engine) {
		connectionOnly(wrongHost, "elasticache.secure.tls.provider=" + engine.property)
			.run((context) -> assertRefusedByTls(context, engine));
	}

	@ParameterizedTest
	@EnumSource(Engine.class)
	void theWrongHostIsRefusedByTheHostNameCheckAlone(Engine engine) {
		// Same server and trust with verify-mode=ca (chain only): it connects, so the
		// refusal above is FULL's host check.
		connectionOnly(wrongHost, "elasticache.secure.tls.provider=" + engine.property,
				"elasticache.secure.tls.verify-mode=ca")
			.run((context) -> {
				assertThat(sslOptions(context).getSslProvider()).isEqualTo(engine.provider);
				try (RedisConnection connection = context.getBean(LettuceConnectionFactory.class).getConnection()) {
					assertThat(connection.ping()).isEqualTo("PONG");
				}
			});
	}

	@ParameterizedTest
	@EnumSource(Engine.class)
	void theStartupGuardRefusesTheSameEndpointsOnEachEngine(Engine engine) {
		for (RedisServerExtension server : new RedisServerExtension[] { untrusted, wrongHost }) {
			RedisTestContexts.securedBy(server)
				.withPropertyValues("elasticache.secure.tls.provider=" + engine.property)
				.run((context) -> assertThat(StartupFailures.find(context, EndpointVerificationException.class))
					.as("guard on %s for %s", engine, server)
					.isNotNull());
		}
	}

	@Test
	void autoChoosesOpenSslWhenTheEngineIsPresentAndIsTheDefault() {
		RedisTestContexts.securedBy(trusted)
			.run((context) -> assertThat(sslOptions(context).getSslProvider()).isEqualTo(SslProvider.OPENSSL));
	}

	@Test
	void autoFallsBackToTheJdkWithoutTheEngine() {
		RedisTestContexts.securedBy(trusted)
			.withClassLoader(new FilteredClassLoader("io.netty.internal.tcnative"))
			.withPropertyValues("elasticache.secure.tls.provider=auto")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(sslOptions(context).getSslProvider()).isEqualTo(SslProvider.JDK);
				assertThat(context.getBean(StringRedisTemplate.class).hasKey("nothing")).isFalse();
			});
	}

	@Test
	void openSslWithoutTheEngineStopsTheStartNamingTheArtifact() {
		RedisTestContexts.securedBy(trusted)
			.withClassLoader(new FilteredClassLoader("io.netty.internal.tcnative"))
			.withPropertyValues("elasticache.secure.tls.provider=openssl")
			.run((context) -> {
				ElastiCacheConfigurationException failure = StartupFailures.find(context,
						ElastiCacheConfigurationException.class);
				assertThat(failure.getProperty()).isEqualTo("elasticache.secure.tls.provider");
				FailureAnalysis analysis = new ElastiCacheConfigurationFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).contains("not on the classpath");
				assertThat(analysis.getAction()).contains("io.netty:netty-tcnative-boringssl-static")
					.contains("'auto'")
					.contains("'jdk'");
			});
	}

	private static SslOptions sslOptions(AssertableApplicationContext context) {
		return context.getBean(LettuceConnectionFactory.class)
			.getClientConfiguration()
			.getClientOptions()
			.map(ClientOptions::getSslOptions)
			.orElseThrow();
	}

	private static void assertRefusedByTls(AssertableApplicationContext context, Engine engine) {
		assertThat(context).hasNotFailed();
		assertThat(sslOptions(context).getSslProvider()).isEqualTo(engine.provider);
		Throwable failure = catchThrowable(() -> {
			try (RedisConnection connection = context.getBean(LettuceConnectionFactory.class).getConnection()) {
				connection.ping();
			}
		});
		assertThat(failure).isInstanceOf(RedisConnectionFailureException.class);
		boolean tlsRefusal = false;
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			tlsRefusal |= cause instanceof SSLException;
		}
		assertThat(tlsRefusal).as("an SSLException in the cause chain of %s", failure).isTrue();
	}

}
