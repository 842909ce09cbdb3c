package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.lettuce.core.resource.EpollProvider;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollSocketChannelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Netty's epoll transport on the class path, as applications on Linux run it, the
 * live socket of the application's connection carries the starter's dead-peer detection:
 * TCP keep-alive idle, interval and count, and {@code TCP_USER_TIMEOUT}, read back from
 * the kernel through the channel. The NIO path is {@link NioTransportIntegrationTests}.
 */
@EnabledOnOs(value = OS.LINUX, architectures = "amd64")
@DisabledIfSystemProperty(named = "io.lettuce.core.epoll", matches = "false",
		disabledReason = "Lettuce's epoll switched off: the NIO path's execution")
class NativeTransportSocketOptionsIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@Test
	void theLiveEpollSocketCarriesTheDefaultKeepAliveAndUserTimeout() {
		assertThat(EpollProvider.isAvailable()).as("epoll loaded (test class path, Linux x86_64)").isTrue();
		SocketOptionsChannels channels = new SocketOptionsChannels();
		channels.recording(RedisTestContexts.securedBy(redis)).run((context) -> {
			Channel channel = channels.applicationChannel(context.getBean(StringRedisTemplate.class));
			assertThat(channel).isInstanceOf(EpollSocketChannel.class);
			EpollSocketChannelConfig socket = ((EpollSocketChannel) channel).config();
			assertThat(socket.isKeepAlive()).isTrue();
			assertThat(socket.getTcpKeepIdle()).as("TCP_KEEPIDLE (s)").isEqualTo(10);
			assertThat(socket.getTcpKeepIntvl()).as("TCP_KEEPINTVL (s)").isEqualTo(5);
			assertThat(socket.getTcpKeepCnt()).as("TCP_KEEPCNT").isEqualTo(3);
			assertThat(socket.getTcpUserTimeout()).as("TCP_USER_TIMEOUT (ms)").isEqualTo(25_000);
		});
	}

	@Test
	void theLiveEpollSocketCarriesTheTimesUsersSet() {
		SocketOptionsChannels channels = new SocketOptionsChannels();
		channels.recording(RedisTestContexts.securedBy(redis))
			.withPropertyValues("elasticache.secure.socket.keep-alive-idle=7s",
					"elasticache.secure.socket.keep-alive-interval=2s", "elasticache.secure.socket.keep-alive-count=4",
					"elasticache.secure.socket.tcp-user-timeout=11s")
			.run((context) -> {
				Channel channel = channels.applicationChannel(context.getBean(StringRedisTemplate.class));
				EpollSocketChannelConfig socket = ((EpollSocketChannel) channel).config();
				assertThat(socket.getTcpKeepIdle()).as("TCP_KEEPIDLE (s)").isEqualTo(7);
				assertThat(socket.getTcpKeepIntvl()).as("TCP_KEEPINTVL (s)").isEqualTo(2);
				assertThat(socket.getTcpKeepCnt()).as("TCP_KEEPCNT").isEqualTo(4);
				assertThat(socket.getTcpUserTimeout()).as("TCP_USER_TIMEOUT (ms)").isEqualTo(11_000);
			});
	}

}
