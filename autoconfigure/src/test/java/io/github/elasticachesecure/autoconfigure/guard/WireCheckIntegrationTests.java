package io.github.elasticachesecure.autoconfigure.guard;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

import io.github.elasticachesecure.autoconfigure.RedisTestContexts;
import io.github.elasticachesecure.autoconfigure.StartupFailures;
import io.github.elasticachesecure.autoconfigure.guard.InsecureConnectionFailureAnalyzer;
import io.github.elasticachesecure.autoconfigure.guard.RedisConnectionGuardInitializer;
import io.github.elasticachesecure.guard.InsecureConnectionException.Reason;
import io.github.elasticachesecure.guard.InsecureConnectionException;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.RecordingTcpRelay;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.github.elasticachesecure.tls.LiveTlsSession;
import io.github.elasticachesecure.tls.WireCheck;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.lettuce.core.resource.SocketAddressResolver;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * The third review's ways around the guard, each tried as a careless or hostile
 * application would, against real servers: the wire check (or the guard before any
 * instantiation) refuses the start before a secret byte leaves, and what is reported of a
 * connection's TLS comes from its live session.
 */
@ExtendWith(OutputCaptureExtension.class)
class WireCheckIntegrationTests {

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

	@RegisterExtension
	static final RedisServerExtension plaintext = RedisServerExtension.plaintext()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	// Finding 1: a FactoryBean's product is handed to post-processors only after
	// getObject() built and started it.
	@Test
	void factoryMadeByAFactoryBeanIsRefusedBeforeItIsCreated() {
		try (RecordingTcpRelay relay = RecordingTcpRelay.to(plaintext.port())) {
			EagerPlaintextFactoryBean.port = relay.port();
			RedisTestContexts.securedBy(trusted)
				.withUserConfiguration(FactoryBeanConfiguration.class)
				.run((context) -> {
					InsecureConnectionException failure = StartupFailures.find(context,
							InsecureConnectionException.class);
					assertThat(failure.getBeanName()).isEqualTo("plainFactory");
					assertThat(failure.getReason()).isEqualTo(Reason.FACTORY_BEAN);
					assertThat(new InsecureConnectionFailureAnalyzer().analyze(failure).getAction())
						.contains("@Bean method that returns the LettuceConnectionFactory itself");
				});
			assertThat(relay.acceptedConnections()).as("connections of the FactoryBean's factory").isZero();
			assertNothingSentInClear(relay);
		}
	}

	// Finding 1: a factory that a post-processor depends on is created while
	// post-processors are being registered.
	@Test
	void factoryThatAnOrderedPostProcessorDependsOnIsCheckedBeforeItConnects() {
		try (RecordingTcpRelay relay = RecordingTcpRelay.to(plaintext.port())) {
			EarlyFactoryConfiguration.port = relay.port();
			RedisTestContexts.securedBy(trusted)
				.withUserConfiguration(EarlyFactoryConfiguration.class)
				.run((context) -> {
					InsecureConnectionException failure = StartupFailures.find(context,
							InsecureConnectionException.class);
					assertThat(failure.getBeanName()).isEqualTo("earlyFactory");
					assertThat(failure.getReason()).isEqualTo(Reason.PLAINTEXT);
				});
			assertThat(relay.acceptedConnections()).as("connections of the early factory").isZero();
			assertNothingSentInClear(relay);
		}
	}

	// Finding 1, the case only the initializer reaches: a PriorityOrdered post-processor
	// is created before any post-processor bean is registered.
	@Test
	void factoryThatAPriorityOrderedPostProcessorDependsOnIsCheckedBeforeItConnects() {
		try (RecordingTcpRelay relay = RecordingTcpRelay.to(plaintext.port())) {
			EarliestFactoryConfiguration.port = relay.port();
			RedisTestContexts.securedBy(trusted)
				.withInitializer(new RedisConnectionGuardInitializer())
				.withUserConfiguration(EarliestFactoryConfiguration.class)
				.run((context) -> assertThat(
						StartupFailures.find(context, InsecureConnectionException.class).getBeanName())
					.isEqualTo("earliestFactory"));
			assertThat(relay.acceptedConnections()).as("connections of the earliest factory").isZero();
			assertNothingSentInClear(relay);
		}
	}

	// Finding 2: a Netty customizer strips TLS from every channel.
	@Test
	void nettyCustomizerThatRemovesTheTlsHandlerIsRefusedBeforeHello() {
		try (RecordingTcpRelay relay = RecordingTcpRelay.to(trusted.port())) {
			RedisTestContexts.securedBy(trusted)
				.withPropertyValues("elasticache.secure.endpoint=localhost:" + relay.port())
				.withBean(ClientResourcesBuilderCustomizer.class,
						() -> (builder) -> builder.nettyCustomizer(new NettyCustomizer() {
							@Override
							public void afterChannelInitialized(Channel channel) {
								channel.pipeline().remove(SslHandler.class);
							}
						}))
				.run((context) -> {
					InsecureConnectionException failure = StartupFailures.find(context,
							InsecureConnectionException.class);
					assertThat(failure.getReason()).isEqualTo(Reason.SESSION_REFUSED);
					assertThat(failure).hasMessageContaining("no TLS handler")
						.hasMessageNotContaining(RedisTestContexts.PASSWORD);
				});
			assertThat(relay.clientSent("HELLO")).as("HELLO sent in clear").isFalse();
			assertNothingSentInClear(relay);
		}
	}

	// Finding 2, later: a handler that drops TLS once the handshake is over; the check
	// sees it at the next write.
	@Test
	void tlsHandlerRemovedAfterTheHandshakeClosesTheConnectionAtTheNextWrite() {
		try (RecordingTcpRelay relay = RecordingTcpRelay.to(trusted.port())) {
			RedisTestContexts.securedBy(trusted)
				.withPropertyValues("elasticache.secure.endpoint=localhost:" + relay.port())
				.withBean(ClientResourcesBuilderCustomizer.class,
						() -> (builder) -> builder.nettyCustomizer(new NettyCustomizer() {
							@Override
							public void afterChannelInitialized(Channel channel) {
								channel.pipeline().addLast(new TlsDropper());
							}
						}))
				.run((context) -> assertThat(StartupFailures.find(context, InsecureConnectionException.class))
					.hasMessageContaining("the TLS handler was removed from the channel"));
			assertNothingSentInClear(relay);
		}
	}

	// Finding 3: what the guard and health report comes from the live session, not from
	// the probe or the config.
	@Test
	void guardAndHealthReportTheProtocolTheLiveSessionNegotiated(CapturedOutput output) {
		RedisTestContexts.securedBy(trusted)
			.withConfiguration(AutoConfigurations.of(DataRedisHealthContributorAutoConfiguration.class))
			.withPropertyValues("spring.ssl.bundle.pem.test.options.enabled-protocols=TLSv1.2")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("localhost:" + trusted.port() + " speaks TLSv1.2 (")
					.contains("on the application's connection");
				Health health = RedisTestContexts.healthIndicator(context).health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("protocol", "TLSv1.2");
				assertThat((String) health.getDetails().get("cipherSuite")).contains("_GCM_");
			});
	}

	// Finding 3: the weak session itself is refused before HELLO, on either engine
	// (BoringSSL has no CBC suite with SHA-256, so each engine is offered a CBC suite it
	// has).
	@ParameterizedTest
	@CsvSource({ "jdk, TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "openssl, TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" })
	void cbcCipherSuiteIsRefusedBeforeHello(String engine, String cbcSuite) {
		long authCalls = trusted.authCalls();
		long helloCalls = trusted.process().commandCalls("hello");
		RedisTestContexts.securedBy(trusted)
			.withPropertyValues("elasticache.secure.tls.provider=" + engine,
					"spring.ssl.bundle.pem.test.options.enabled-protocols=TLSv1.2",
					"spring.ssl.bundle.pem.test.options.ciphers=" + cbcSuite)
			.run((context) -> {
				InsecureConnectionException failure = StartupFailures.find(context, InsecureConnectionException.class);
				assertThat(failure.getReason()).isEqualTo(Reason.SESSION_REFUSED);
				assertThat(failure).hasMessageContaining("not an AEAD suite with forward secrecy");
			});
		assertThat(trusted.process().commandCalls("hello")).as("HELLO calls").isEqualTo(helloCalls);
		assertThat(trusted.authCalls()).as("AUTH calls").isEqualTo(authCalls);
	}

	// Finding 4: every connection rerouted to a server the application does not trust,
	// with a trust-everything TLS handler swapped in to get past the certificate check.
	@Test
	void reroutedConnectionWithASwappedTrustEverythingHandlerIsRefusedBeforeHello() {
		long helloCalls = untrusted.process().commandCalls("hello");
		long authCalls = untrusted.authCalls();
		RedisTestContexts.securedBy(trusted)
			.withBean(ClientResourcesBuilderCustomizer.class,
					() -> (builder) -> builder.socketAddressResolver(new ReroutingResolver(untrusted.port()))
						.nettyCustomizer(new NettyCustomizer() {
							@Override
							public void afterChannelInitialized(Channel channel) {
								channel.pipeline()
									.replace(SslHandler.class, "trustEverything", trustEverything(channel));
							}
						}))
			.run((context) -> {
				InsecureConnectionException failure = StartupFailures.find(context, InsecureConnectionException.class);
				assertThat(failure.getReason()).isEqualTo(Reason.SESSION_REFUSED);
				assertThat(failure).hasMessageContaining("the TLS handler Lettuce installed was replaced");
			});
		assertThat(untrusted.process().commandCalls("hello")).as("HELLO calls on the untrusted server")
			.isEqualTo(helloCalls);
		assertThat(untrusted.authCalls()).as("AUTH calls on the untrusted server").isEqualTo(authCalls);
	}

	// Finding 4, with Lettuce's own TLS handler kept but its host-name check switched
	// off: the check names the host again from the live session, so a certificate the CA
	// issued for another host does not pass.
	@Test
	void reroutedConnectionWithTheHostNameCheckSwitchedOffIsRefusedBeforeHello() {
		long helloCalls = wrongHost.process().commandCalls("hello");
		long authCalls = wrongHost.authCalls();
		RedisTestContexts.securedBy(trusted)
			.withBean(ClientResourcesBuilderCustomizer.class,
					() -> (builder) -> builder.socketAddressResolver(new ReroutingResolver(wrongHost.port()))
						.nettyCustomizer(new NettyCustomizer() {
							@Override
							public void afterChannelInitialized(Channel channel) {
								SSLEngine engine = channel.pipeline().get(SslHandler.class).engine();
								SSLParameters parameters = engine.getSSLParameters();
								parameters.setEndpointIdentificationAlgorithm(null);
								engine.setSSLParameters(parameters);
							}
						}))
			.run((context) -> {
				InsecureConnectionException failure = StartupFailures.find(context, InsecureConnectionException.class);
				assertThat(failure.getReason()).isEqualTo(Reason.SESSION_REFUSED);
				assertThat(failure).hasMessageContaining("the server's certificate does not name localhost");
			});
		assertThat(wrongHost.process().commandCalls("hello")).as("HELLO calls on the other host").isEqualTo(helloCalls);
		assertThat(wrongHost.authCalls()).as("AUTH calls on the other host").isEqualTo(authCalls);
	}

	// Without Lettuce's channel initializer, nothing would call the check: every channel
	// is closed instead.
	@Test
	void nettyCustomizerThatReplacesLettucesChannelInitializerIsRefusedBeforeHello() {
		long helloCalls = trusted.process().commandCalls("hello");
		RedisTestContexts.securedBy(trusted)
			.withBean(ClientResourcesBuilderCustomizer.class,
					() -> (builder) -> builder.nettyCustomizer(new NettyCustomizer() {
						@Override
						public void afterBootstrapInitialized(Bootstrap bootstrap) {
							ChannelHandler lettuce = bootstrap.config().handler();
							bootstrap.handler(new ChannelInitializer<Channel>() {
								@Override
								protected void initChannel(Channel channel) {
									channel.pipeline().addLast(lettuce);
								}
							});
						}
					}))
			.run((context) -> assertThat(StartupFailures.find(context, InsecureConnectionException.class))
				.hasMessageContaining("the channel initializer Lettuce set on the bootstrap was replaced"));
		assertThat(trusted.process().commandCalls("hello")).as("HELLO calls").isEqualTo(helloCalls);
	}

	// Lettuce reconnects with a channel initializer of its own making: the check is in
	// the new channel too.
	@Test
	void aReconnectedConnectionPassesTheCheckAgain() {
		RedisTestContexts.securedBy(trusted).run((context) -> {
			assertThat(context).hasNotFailed();
			WireCheck wireCheck = context.getBean(WireCheck.class);
			LiveTlsSession first = wireCheck.sessions().latest("localhost", trusted.port());
			assertThat(first).isNotNull();
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("wire-check", "before");
			trusted.adminCommand("CLIENT", "KILL", "USER", RedisTestContexts.USER);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(template.opsForValue().get("wire-check")).isEqualTo("before"));
			assertThat(wireCheck.sessions().latest("localhost", trusted.port())).isNotNull()
				.satisfies((again) -> assertThat(again.verifiedAt()).isAfter(first.verifiedAt()));
		});
	}

	@Test
	void hostileChangesOfTheChannelLeaveNoSecretInTheLog(CapturedOutput output) {
		RedisTestContexts.securedBy(trusted)
			.withBean(ClientResourcesBuilderCustomizer.class,
					() -> (builder) -> builder.nettyCustomizer(new NettyCustomizer() {
						@Override
						public void afterChannelInitialized(Channel channel) {
							channel.pipeline().remove(SslHandler.class);
						}
					}))
			.run((context) -> assertThat(context).hasFailed());
		assertThat(output).contains("closed before its first Redis byte").doesNotContain(RedisTestContexts.PASSWORD);
	}

	// The initializer adds the guard before any bean exists, without the container
	// counting it twice: Spring's post-processor checker would then warn about every bean
	// created after the post-processors.
	@Test
	void aSpringBootApplicationGetsTheCheckInItsClientResourcesAndNoPostProcessorWarnings(CapturedOutput output) {
		SpringApplication application = new SpringApplication(StartupGuardIntegrationTests.GuardedApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run(RedisTestContexts.applicationArguments(trusted,
				"--elasticache.secure.auth.username=" + RedisTestContexts.USER,
				"--elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD))) {
			WireCheck wireCheck = context.getBean(WireCheck.class);
			assertThat(wireCheck.guards(context.getBean(ClientResources.class))).isTrue();
			assertThat(wireCheck.sessions().latest("localhost", trusted.port())).isNotNull();
		}
		assertThat(output).doesNotContain("is not eligible for getting processed by all BeanPostProcessors");
	}

	// In an application the guard is added as a post-processor, not a bean: the check of
	// ready-made singletons, once every singleton exists, must still run.
	@Test
	void aSpringBootApplicationStillChecksAFactoryRegisteredAsAReadyMadeSingleton() {
		SpringApplication application = new SpringApplication(StartupGuardIntegrationTests.GuardedApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.addInitializers((context) -> context.getBeanFactory()
			.registerSingleton("plainSingleton",
					new LettuceConnectionFactory(new RedisStandaloneConfiguration("localhost", plaintext.port()))));
		assertThatException()
			.isThrownBy(() -> application.run(RedisTestContexts.applicationArguments(trusted,
					"--elasticache.secure.auth.username=" + RedisTestContexts.USER,
					"--elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD))
				.close())
			.satisfies((failure) -> {
				InsecureConnectionException refused = StartupFailures.find(failure, InsecureConnectionException.class);
				assertThat(refused.getBeanName()).isEqualTo("plainSingleton");
				assertThat(refused.getReason()).isEqualTo(Reason.PLAINTEXT);
			});
	}

	private static SslHandler trustEverything(Channel channel) {
		try {
			return SslContextBuilder.forClient()
				.trustManager(InsecureTrustManagerFactory.INSTANCE)
				.build()
				.newHandler(channel.alloc());
		}
		catch (SSLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void assertNothingSentInClear(RecordingTcpRelay relay) {
		relay.close();
		assertThat(relay.clientSent(RedisTestContexts.PASSWORD)).as("the password was sent in clear").isFalse();
	}

	private static LettuceConnectionFactory eagerPlaintextFactory(int port) {
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration("localhost", port);
		configuration.setUsername(RedisTestContexts.USER);
		configuration.setPassword(RedisTestContexts.PASSWORD);
		LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration);
		factory.setEagerInitialization(true);
		return factory;
	}

	/**
	 * Sends every connection to one port, whatever the host asked for.
	 */
	static final class ReroutingResolver extends SocketAddressResolver {

		private final int port;

		ReroutingResolver(int port) {
			this.port = port;
		}

		@Override
		public SocketAddress resolve(RedisURI redisURI) {
			return new InetSocketAddress("localhost", this.port);
		}

	}

	/**
	 * Removes the TLS handler as soon as its handshake is over.
	 */
	static final class TlsDropper extends ChannelInboundHandlerAdapter {

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
			if (event instanceof SslHandshakeCompletionEvent completion && completion.isSuccess()) {
				ctx.pipeline().remove(SslHandler.class);
			}
			super.userEventTriggered(ctx, event);
		}

	}

	/**
	 * A factory bean that builds and starts its plaintext factory in {@code getObject()},
	 * as some do.
	 */
	static final class EagerPlaintextFactoryBean implements FactoryBean<LettuceConnectionFactory> {

		static int port;

		@Override
		public LettuceConnectionFactory getObject() {
			LettuceConnectionFactory factory = eagerPlaintextFactory(port);
			factory.afterPropertiesSet();
			factory.start();
			return factory;
		}

		@Override
		public Class<?> getObjectType() {
			return LettuceConnectionFactory.class;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FactoryBeanConfiguration {

		@Bean
		EagerPlaintextFactoryBean plainFactory() {
			return new EagerPlaintextFactoryBean();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EarlyFactoryConfiguration {

		static int port;

		@Bean
		static LettuceConnectionFactory earlyFactory() {
			return eagerPlaintextFactory(port);
		}

		@Bean
		static OrderedPostProcessor postProcessorNeedingAFactory(RedisConnectionFactory earlyFactory) {
			return new OrderedPostProcessor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EarliestFactoryConfiguration {

		static int port;

		@Bean
		static LettuceConnectionFactory earliestFactory() {
			return eagerPlaintextFactory(port);
		}

		@Bean
		static PriorityOrderedPostProcessor priorityPostProcessorNeedingAFactory(
				RedisConnectionFactory earliestFactory) {
			return new PriorityOrderedPostProcessor();
		}

	}

	static final class OrderedPostProcessor implements BeanPostProcessor, Ordered {

		@Override
		public int getOrder() {
			return 0;
		}

	}

	static final class PriorityOrderedPostProcessor implements BeanPostProcessor, PriorityOrdered {

		@Override
		public int getOrder() {
			return 0;
		}

	}

}
