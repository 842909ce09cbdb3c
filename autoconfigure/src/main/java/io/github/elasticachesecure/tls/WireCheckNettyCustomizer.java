package io.github.elasticachesecure.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.lettuce.core.ConnectionBuilder;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs the application's {@link NettyCustomizer} inside the {@link WireCheck}: Lettuce's own TLS handler is noted
 * before the application's customizer sees the channel, and once every initializer has run (Lettuce's, the
 * application's, or one the application put in place of Lettuce's) the channel must hold exactly that handler, which
 * then gets a {@link TlsSessionGate} right behind it. Otherwise the channel is closed before it connects.
 */
final class WireCheckNettyCustomizer implements NettyCustomizer {

	private static final Log logger = LogFactory.getLog(WireCheckNettyCustomizer.class);

	// A key of its own (not a name another customizer could look up) for the TLS handler Lettuce installed.
	private static final AttributeKey<SslHandler> LETTUCE_TLS_HANDLER = AttributeKey
		.newInstance("elasticache.lettuceTlsHandler." + UUID.randomUUID());

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
		this.application.afterBootstrapInitialized(bootstrap);
		// Whatever initializer the bootstrap holds now runs first; the check is installed after it.
		ChannelHandler initializer = bootstrap.config().handler();
		bootstrap.handler(new Installer(initializer));
	}

	@Override
	public void afterChannelInitialized(Channel channel) {
		// Lettuce calls this right after adding its handlers, before the application's customizer changes anything.
		channel.attr(LETTUCE_TLS_HANDLER).set(channel.pipeline().get(SslHandler.class));
		this.application.afterChannelInitialized(channel);
	}

	private final class Installer extends ChannelInitializer<Channel> {

		private final @Nullable ChannelHandler initializer;

		Installer(@Nullable ChannelHandler initializer) {
			this.initializer = initializer;
		}

		@Override
		protected void initChannel(Channel channel) {
			if (this.initializer != null) {
				// The channel is registered: the initializer runs now, in full.
				channel.pipeline().addLast(this.initializer);
			}
			SslHandler lettuceTls = channel.attr(LETTUCE_TLS_HANDLER).getAndSet(null);
			if (!channel.isOpen()) {
				// The initializer failed (Lettuce noted why) and closed the channel: nothing can be sent.
				return;
			}
			List<SslHandler> tlsHandlers = new ArrayList<>();
			for (Map.Entry<String, ChannelHandler> entry : channel.pipeline()) {
				if (entry.getValue() instanceof SslHandler tls) {
					tlsHandlers.add(tls);
				}
			}
			String host = (lettuceTls != null) ? lettuceTls.engine().getPeerHost() : null;
			int port = (lettuceTls != null) ? lettuceTls.engine().getPeerPort() : -1;
			String problem = null;
			if (tlsHandlers.isEmpty()) {
				problem = "the channel has no TLS handler, so its bytes would cross the network in clear";
			}
			else if (lettuceTls == null || host == null) {
				problem = "the channel was not set up by Lettuce's TLS initializer";
			}
			else if (tlsHandlers.size() != 1 || tlsHandlers.get(0) != lettuceTls) {
				problem = "the TLS handler Lettuce installed was replaced, removed or joined by another "
						+ "(a NettyCustomizer changed the channel's pipeline)";
			}
			if (problem != null) {
				TlsSessionRefusedException refusal = new TlsSessionRefusedException(
						(host != null) ? host + ":" + port : "a Redis endpoint", problem);
				logger.error(refusal.getMessage());
				// Lettuce reports this as the cause of the failed connect.
				channel.attr(ConnectionBuilder.INIT_FAILURE).set(refusal);
				channel.close();
				return;
			}
			String tlsName = channel.pipeline().context(lettuceTls).name();
			channel.pipeline().addAfter(tlsName, TlsSessionGate.NAME, WireCheckNettyCustomizer.this.check
				.gate(lettuceTls, host, port));
		}

	}

}
