package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.IOUringProvider;
import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without a native transport (here Lettuce's epoll switched off with
 * {@code -Dio.lettuce.core.epoll=false}, in a Failsafe execution of its own: Lettuce
 * decides once per JVM), the connection runs on NIO: the keep-alive times reach the live
 * socket through Java's extended socket options, and {@code TCP_USER_TIMEOUT} is left
 * off, since NIO cannot set it (Lettuce 6 warns on every connection, Lettuce 7 refuses to
 * connect).
 */
@EnabledIfSystemProperty(named = "io.lettuce.core.epoll", matches = "false",
		disabledReason = "runs in the NIO execution, where Lettuce's epoll is off")
class NioTransportIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@Test
	void theLiveNioSocketCarriesTheKeepAliveTimesAndNoUserTimeoutIsAsked() {
		assertThat(EpollProvider.isAvailable() || IOUringProvider.isAvailable()).as("a native transport").isFalse();
		SocketOptionsChannels channels = new SocketOptionsChannels();
		channels.recording(RedisTestContexts.securedBy(redis)).run((context) -> {
			SocketOptions options = context.getBean(LettuceConnectionFactory.class)
				.getClientConfiguration()
				.getClientOptions()
				.orElseThrow()
				.getSocketOptions();
			assertThat(options.isEnableTcpUserTimeout()).as("TCP_USER_TIMEOUT asked for").isFalse();
			Channel channel = channels.applicationChannel(context.getBean(StringRedisTemplate.class));
			assertThat(channel).isInstanceOf(NioSocketChannel.class);
			assertThat(channel.config().getOption(NioChannelOption.SO_KEEPALIVE)).isTrue();
			assertThat(channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE)))
				.as("TCP_KEEPIDLE (s)")
				.isEqualTo(10);
			assertThat(channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL)))
				.as("TCP_KEEPINTVL (s)")
				.isEqualTo(5);
			assertThat(channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT)))
				.as("TCP_KEEPCNT")
				.isEqualTo(3);
		});
	}

}
