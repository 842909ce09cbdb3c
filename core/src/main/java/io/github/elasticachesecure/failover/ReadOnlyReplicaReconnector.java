package io.github.elasticachesecure.failover;

import java.nio.channels.ClosedChannelException;
import java.util.Collection;

import io.lettuce.core.RedisReadOnlyException;
import io.lettuce.core.protocol.CompleteableCommand;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Closes a connection whose node answers {@code READONLY}: after a failover with cluster
 * mode disabled the primary endpoint's name moves to the promoted replica, but an open
 * connection stays on the old primary, now a replica, and every write fails until the
 * application restarts (Lettuce does not reconnect on that reply by itself: Lettuce
 * #1873, #338). Closing the channel (not the connection) hands it to Lettuce's connection
 * watchdog, which reconnects after the reconnect delay and so resolves the endpoint's
 * name again; commands sent but not yet answered, and those issued meanwhile, are
 * buffered by Lettuce and retried on the new connection. Commands already answered with
 * {@code READONLY} fail to their callers.
 * <p>
 * One reconnect per connection: every {@code READONLY} reply of a burst asks to close the
 * same channel, and Netty closes a channel once. Only a write can get that reply, so only
 * a connection used for writes (a standalone one, or the upstream of a primary/replica
 * pair) reconnects. Not for cluster mode: there a demoted node answers writes with
 * {@code MOVED}, which Lettuce follows and which triggers its topology refresh.
 * <p>
 * Hand-written because Lettuce offers no hook on a command's failure that knows the
 * connection: its {@code CommandListener} sees commands without their channel. This is a
 * {@link NettyCustomizer}, Lettuce's documented hook into each new channel; the handler
 * it adds watches the completion of each outbound command.
 */
public class ReadOnlyReplicaReconnector implements NettyCustomizer {

	@Override
	public void afterChannelInitialized(Channel channel) {
		// Last in the pipeline, so nearest the tail, where the endpoint's writes enter:
		// it sees every command before Lettuce's command handler does.
		channel.pipeline().addLast(new ReadOnlyReplyHandler());
	}

	private static final class ReadOnlyReplyHandler extends ChannelOutboundHandlerAdapter {

		// Only touched on the channel's event loop.
		private boolean closing;

		@Override
		public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) throws Exception {
			if (this.closing) {
				// TLS has already sent its close_notify: answer as the closed channel
				// will, which Lettuce takes quietly and answers by queueing the command
				// again for the new connection.
				promise.setFailure(new ClosedChannelException());
				return;
			}
			// Lettuce writes one command, or several at once (pipelined batches), as a
			// collection.
			if (message instanceof Collection<?> commands) {
				commands.forEach((command) -> closeOnReadOnlyReply(ctx.channel(), command));
			}
			else {
				closeOnReadOnlyReply(ctx.channel(), message);
			}
			super.write(ctx, message, promise);
		}

		private void closeOnReadOnlyReply(Channel channel, Object command) {
			if (command instanceof CompleteableCommand<?> completeable) {
				completeable.onComplete((result, failure) -> {
					if (failure instanceof RedisReadOnlyException) {
						// After the reply being decoded; closing a channel that is
						// closing already does nothing.
						channel.eventLoop().execute(() -> {
							this.closing = true;
							channel.close();
						});
					}
				});
			}
		}

	}

}
