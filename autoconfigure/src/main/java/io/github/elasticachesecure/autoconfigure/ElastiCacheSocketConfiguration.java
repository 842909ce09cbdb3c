package io.github.elasticachesecure.autoconfigure;

import io.lettuce.core.SocketOptions;
import io.lettuce.core.SocketOptions.KeepAliveOptions;
import io.lettuce.core.SocketOptions.TcpUserTimeoutOptions;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.IOUringProvider;
import io.lettuce.core.resource.KqueueProvider;

import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Dead-peer detection ({@code elasticache.secure.socket.*}): TCP keep-alive with short
 * times on every connection and, where the transport can set it,
 * {@code TCP_USER_TIMEOUT}, through the client options Boot builds.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnCacheEndpointCondition.class)
class ElastiCacheSocketConfiguration {

	/**
	 * First among the option customizers, so that socket options an application sets in
	 * its own customizer win. The socket options already in the builder (Boot's
	 * {@code spring.data.redis.connect-timeout}) are kept: the builder has no getter, so
	 * they are read from a built copy (building has no side effect).
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	LettuceClientOptionsBuilderCustomizer elastiCacheSocketClientOptionsCustomizer(
			ElastiCacheSecureProperties properties) {
		return (builder) -> builder
			.socketOptions(withDeadPeerDetection(builder.build().getSocketOptions(), properties.getSocket()));
	}

	static SocketOptions withDeadPeerDetection(SocketOptions options, ElastiCacheSecureProperties.Socket socket) {
		boolean nativeTransport = IOUringProvider.isAvailable() || EpollProvider.isAvailable();
		// Built anew rather than with mutate(), which in Lettuce 6 drops the TCP user
		// timeout.
		SocketOptions.Builder builder = SocketOptions.builder()
			.connectTimeout(options.getConnectTimeout())
			.tcpNoDelay(options.isTcpNoDelay());
		// Lettuce applies idle, interval and count through epoll, io_uring or Java's
		// extended NIO socket options, not
		// with kqueue (it warns, and Lettuce 7 refuses to connect): there only the
		// system's keep-alive times apply.
		if (nativeTransport || !KqueueProvider.isAvailable()) {
			builder.keepAlive(KeepAliveOptions.builder()
				.enable()
				.idle(socket.getKeepAliveIdle())
				.interval(socket.getKeepAliveInterval())
				.count(socket.getKeepAliveCount())
				.build());
		}
		else {
			builder.keepAlive(true);
		}
		// Only epoll and io_uring set TCP_USER_TIMEOUT; on NIO Lettuce 6 warns for every
		// connection and Lettuce 7
		// refuses to connect.
		if (nativeTransport) {
			builder.tcpUserTimeout(
					TcpUserTimeoutOptions.builder().enable().tcpUserTimeout(socket.getTcpUserTimeout()).build());
		}
		return builder.build();
	}

}
