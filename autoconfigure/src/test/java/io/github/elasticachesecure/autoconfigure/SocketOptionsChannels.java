package io.github.elasticachesecure.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;

import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The channels of the application's connections, captured as Lettuce initializes them, so
 * that the socket options on the live sockets can be read back: what the kernel was told,
 * not what the client options say.
 */
final class SocketOptionsChannels {

	private final List<Channel> channels = new CopyOnWriteArrayList<>();

	/**
	 * The runner with a customizer of the client resources that records every channel.
	 */
	ApplicationContextRunner recording(ApplicationContextRunner runner) {
		return runner.withBean(ClientResourcesBuilderCustomizer.class,
				() -> (builder) -> builder.nettyCustomizer(new NettyCustomizer() {
					@Override
					public void afterChannelInitialized(Channel channel) {
						SocketOptionsChannels.this.channels.add(channel);
					}
				}));
	}

	/**
	 * The application's connection, once a command went over it.
	 */
	Channel applicationChannel(StringRedisTemplate template) {
		template.opsForValue().set("socket-options", "live");
		assertThat(template.opsForValue().get("socket-options")).isEqualTo("live");
		assertThat(this.channels).as("channels Lettuce opened").isNotEmpty();
		return this.channels.stream().filter(Channel::isActive).reduce((first, second) -> second).orElseThrow();
	}

}
