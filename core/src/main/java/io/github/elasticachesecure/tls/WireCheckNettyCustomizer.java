package io.github.elasticachesecure.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lettuce.core.ConnectionBuilder;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs the application's {@link NettyCustomizer} inside the {@link WireCheck}. Lettuce
 * calls {@link #afterChannelInitialized} at the end of its own channel initializer, for
 * every connection and reconnection: its TLS handler is noted before the application's
 * customizer sees the channel, and afterwards the channel must hold exactly that handler,
 * which then gets a {@link TlsSessionGate} right behind it. Otherwise the channel is
 * closed before it connects. An application customizer that replaces Lettuce's channel
 * initializer on the bootstrap (so that this would never be called) gets every channel
 * closed instead.
 */
final class WireCheckNettyCustomizer implements NettyCustomizer {

	private static final Log logger = LogFactory.getLog(WireCheckNettyCustomizer.class);

	private final NettyCustomizer application;

	private final WireCheck check;

	WireCheckNettyCustomizer(NettyCustomizer application, WireCheck check) {
		this.application = application;
		this.check = check;
	}

	boolean belongsTo(WireCheck check) {
		return this.check == check;
	}

	@Override
	public void afterBootstrapInitialized(Bootstrap bootstrap) {
		ChannelHandler lettuceInitializer = bootstrap.config().handler();
		this.application.afterBootstrapInitialized(bootstrap);
		if (bootstrap.config().handler() != lettuceInitializer) {
			bootstrap.handler(new Refusal("the channel initializer Lettuce set on the bootstrap was replaced "
					+ "(a NettyCustomizer changed the bootstrap)"));
		}
	}

	@Override
	public void afterChannelInitialized(Channel channel) {
		SslHandler lettuceTls = channel.pipeline().get(SslHandler.class);
		this.application.afterChannelInitialized(channel);
		List<SslHandler> tlsHandlers = new ArrayList<>();
		for (Map.Entry<String, ChannelHandler> entry : channel.pipeline()) {
			if (entry.getValue() instanceof SslHandler tls) {
				tlsHandlers.add(tls);
			}
		}
		String host = (lettuceTls != null) ? lettuceTls.engine().getPeerHost() : null;
		int port = (lettuceTls != null) ? lettuceTls.engine().getPeerPort() : -1;
		if (tlsHandlers.isEmpty() || lettuceTls == null || host == null) {
			refuse(channel, (host != null) ? host + ":" + port : null,
					"the channel has no TLS handler, so its bytes would cross the network in clear");
		}
		else if (tlsHandlers.size() != 1 || tlsHandlers.get(0) != lettuceTls) {
			refuse(channel, host + ":" + port, "the TLS handler Lettuce installed was replaced, removed or joined "
					+ "by another (a NettyCustomizer changed the channel's pipeline)");
		}
		else {
			channel.pipeline()
				.addAfter(channel.pipeline().context(lettuceTls).name(), TlsSessionGate.NAME,
						this.check.gate(lettuceTls, host, port));
		}
	}

	private static void refuse(Channel channel, @Nullable String endpoint, String cause) {
		TlsSessionRefusedException refusal = new TlsSessionRefusedException(
				(endpoint != null) ? endpoint : "a Redis endpoint", cause);
		logger.error(refusal.getMessage());
		// Lettuce reports this as the cause of the failed connect.
		channel.attr(ConnectionBuilder.INIT_FAILURE).set(refusal);
		channel.close();
	}

	/**
	 * Closes every channel of a bootstrap whose channel initializer is not Lettuce's.
	 */
	private static final class Refusal extends ChannelInitializer<Channel> {

		private final String cause;

		Refusal(String cause) {
			this.cause = cause;
		}

		@Override
		protected void initChannel(Channel channel) {
			refuse(channel, null, this.cause);
		}

	}

}
