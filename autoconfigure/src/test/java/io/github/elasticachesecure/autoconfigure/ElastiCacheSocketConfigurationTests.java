package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SocketOptions.KeepAliveOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.IOUringProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.validation.FieldError;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dead-peer detection in the client options Boot builds: on by default with short
 * keep-alive times, tunable through {@code elasticache.secure.socket.*}, kept in cluster
 * mode and beside {@code spring.data.redis.connect-timeout}, and overridden by an
 * application's own option customizer.
 */
@ExtendWith(OutputCaptureExtension.class)
class ElastiCacheSocketConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
				DataRedisAutoConfiguration.class, SslAutoConfiguration.class))
		.withPropertyValues("elasticache.secure.endpoint=localhost:1", "elasticache.secure.auth.password=secret");

	@Test
	void keepAliveWithShortTimesIsOnByDefaultBesideBootsConnectTimeout() {
		this.contextRunner.withPropertyValues("spring.data.redis.connect-timeout=2s").run((context) -> {
			SocketOptions socket = clientOptions(context).getSocketOptions();
			assertThat(socket.getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
			assertThat(socket.isTcpNoDelay()).isTrue();
			assertKeepAlive(socket, Duration.ofSeconds(10), Duration.ofSeconds(5), 3);
			// TCP_USER_TIMEOUT only where Lettuce can set it: epoll is on the test class
			// path, loaded on Linux x86_64 (CI). The live sockets are read in
			// NativeTransportSocketOptionsIntegrationTests and
			// NioTransportIntegrationTests.
			assertThat(socket.isEnableTcpUserTimeout())
				.isEqualTo(IOUringProvider.isAvailable() || EpollProvider.isAvailable());
			assertThat(socket.getTcpUserTimeout().getTcpUserTimeout()).isEqualTo(socket.isEnableTcpUserTimeout()
					? Duration.ofSeconds(25) : SocketOptions.TcpUserTimeoutOptions.DEFAULT_TCP_USER_TIMEOUT);
		});
	}

	@Test
	void withoutAConnectTimeoutTheConnectionGivesUpWithinHalfTheCommandTimeout() {
		this.contextRunner.withPropertyValues("spring.data.redis.timeout=2s")
			.run((context) -> assertThat(clientOptions(context).getSocketOptions().getConnectTimeout())
				.isEqualTo(Duration.ofSeconds(1)));
	}

	@Test
	void withNeitherTimeoutLettucesTenSecondConnectTimeoutStaysBelowItsMinuteForCommands() {
		this.contextRunner.run((context) -> assertThat(clientOptions(context).getSocketOptions().getConnectTimeout())
			.isEqualTo(Duration.ofSeconds(10)));
	}

	@Test
	void aConnectTimeoutNotBelowTheCommandTimeoutIsKeptAndWarnedOf(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.data.redis.timeout=2s", "spring.data.redis.connect-timeout=3s")
			.run((context) -> assertThat(clientOptions(context).getSocketOptions().getConnectTimeout())
				.isEqualTo(Duration.ofSeconds(3)));
		assertThat(output)
			.contains("spring.data.redis.connect-timeout (PT3S) is not below spring.data.redis.timeout " + "(PT2S)");
	}

	@Test
	void aConnectTimeoutBelowTheCommandTimeoutIsKeptSilently(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.data.redis.timeout=2s", "spring.data.redis.connect-timeout=500ms")
			.run((context) -> assertThat(clientOptions(context).getSocketOptions().getConnectTimeout())
				.isEqualTo(Duration.ofMillis(500)));
		assertThat(output).doesNotContain("spring.data.redis.connect-timeout");
	}

	@Test
	void propertiesTuneTheDetection() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.socket.keep-alive-idle=1s",
					"elasticache.secure.socket.keep-alive-interval=2s", "elasticache.secure.socket.keep-alive-count=4")
			.run((context) -> assertKeepAlive(clientOptions(context).getSocketOptions(), Duration.ofSeconds(1),
					Duration.ofSeconds(2), 4));
	}

	@Test
	void clusterModeKeepsTheDetection() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.topology=cluster", "spring.data.redis.connect-timeout=3s")
			.run((context) -> {
				ClientOptions options = clientOptions(context);
				assertThat(options).isInstanceOf(ClusterClientOptions.class);
				assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertKeepAlive(options.getSocketOptions(), Duration.ofSeconds(10), Duration.ofSeconds(5), 3);
			});
	}

	@Test
	void socketOptionsOfAnApplicationCustomizerWin() {
		this.contextRunner
			.withBean(LettuceClientOptionsBuilderCustomizer.class,
					() -> (builder) -> builder.socketOptions(SocketOptions.builder().keepAlive(false).build()))
			.run((context) -> assertThat(clientOptions(context).getSocketOptions().isKeepAlive()).isFalse());
	}

	@Test
	void oneSecondAndACountOfOneAreTheLeastAccepted() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.socket.keep-alive-idle=1s",
					"elasticache.secure.socket.keep-alive-interval=1s", "elasticache.secure.socket.tcp-user-timeout=1s",
					"elasticache.secure.socket.keep-alive-count=1")
			.run((context) -> assertKeepAlive(clientOptions(context).getSocketOptions(), Duration.ofSeconds(1),
					Duration.ofSeconds(1), 1));
	}

	@Test
	void subSecondOrZeroTimesAreRefusedNamingTheProperty() {
		assertRefused("socket.keep-alive-idle", "500ms", "must be a whole number of seconds");
		assertRefused("socket.keep-alive-interval", "0s", "must be a whole number of seconds");
		assertRefused("socket.tcp-user-timeout", "1500ms", "must be a whole number of seconds");
		assertRefused("socket.keep-alive-count", "0", "must be at least 1");
	}

	private void assertRefused(String field, String value, String reason) {
		String property = "elasticache.secure." + field;
		this.contextRunner.withPropertyValues(property + "=" + value).run((context) -> {
			BindValidationException failure = StartupFailures.find(context, BindValidationException.class);
			assertThat(failure.getValidationErrors().getAllErrors()).as(property)
				.singleElement()
				.isInstanceOfSatisfying(FieldError.class,
						(error) -> assertThat(error.getDefaultMessage()).contains("'" + property + "' " + reason)
							.contains("the default), or remove it"));
		});
	}

	private static void assertKeepAlive(SocketOptions socket, Duration idle, Duration interval, int count) {
		assertThat(socket.isKeepAlive()).isTrue();
		KeepAliveOptions keepAlive = socket.getKeepAlive();
		assertThat(keepAlive.getIdle()).isEqualTo(idle);
		assertThat(keepAlive.getInterval()).isEqualTo(interval);
		assertThat(keepAlive.getCount()).isEqualTo(count);
	}

	private static ClientOptions clientOptions(ApplicationContext context) {
		return context.getBean(LettuceConnectionFactory.class)
			.getClientConfiguration()
			.getClientOptions()
			.orElseThrow();
	}

}
