package io.github.elasticachesecure.cache;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.protocol.CompleteableCommand;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Logs, once per command and kind of reply, at WARN, what an error reply that
 * ElastiCache's restrictions give means and what to do instead ({@link RefusedCommands}):
 * {@code ERR unknown command 'CONFIG'} from a library that configures the server,
 * {@code CROSSSLOT} from a multi-key command in cluster mode. The application still gets
 * the error; this only says why. The log line holds the command's name, never its
 * arguments or the reply's text (keys and values may be secrets).
 * <p>
 * A {@link NettyCustomizer}, Lettuce's documented hook into each new channel, as
 * {@code ReadOnlyReplicaReconnector} is: its handler watches the completion of each
 * outbound command. Chosen over Lettuce's {@code CommandListener}, which only a client
 * can take ({@code AbstractRedisClient.addListener}) and only for connections opened
 * afterwards: Spring Data Redis builds the client inside its connection factory, which
 * offers no hook before the factory's first connection (the startup guard's
 * {@code PING}).
 */
public final class RefusedCommandLog implements NettyCustomizer {

	private static final Log defaultLogger = LogFactory.getLog(RefusedCommandLog.class);

	/** Bounds what is remembered, whatever names a buggy client may send. */
	private static final int MAX_REMEMBERED = 512;

	private final Set<String> logged = ConcurrentHashMap.newKeySet();

	private final Log logger;

	private final ChannelHandler handler = new FailedCommandHandler();

	public RefusedCommandLog() {
		this(defaultLogger);
	}

	RefusedCommandLog(Log logger) {
		this.logger = logger;
	}

	@Override
	public void afterChannelInitialized(Channel channel) {
		channel.pipeline().addLast(this.handler);
	}

	/**
	 * Logs the explanation of a failed command once per command name and kind of reply.
	 * @param command the command's name
	 * @param failure why it failed
	 * @return whether a line was logged
	 */
	public boolean commandFailed(String command, @Nullable Throwable failure) {
		String reply = (failure != null) ? failure.getMessage() : null;
		String explanation = RefusedCommands.explain(command, reply);
		if (explanation == null || reply == null) {
			return false;
		}
		String key = RefusedCommands.kind(reply) + " " + RefusedCommands.commandName(command);
		if (this.logged.size() >= MAX_REMEMBERED || !this.logged.add(key)) {
			return false;
		}
		this.logger.warn(explanation + " Logged once per command.");
		return true;
	}

	/** Shared by every channel: it keeps no state of its own. */
	@ChannelHandler.Sharable
	private final class FailedCommandHandler extends ChannelOutboundHandlerAdapter {

		@Override
		public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) throws Exception {
			// Lettuce writes one command, or several at once (pipelined batches), as a
			// collection.
			if (message instanceof Collection<?> commands) {
				commands.forEach(this::watch);
			}
			else {
				watch(message);
			}
			super.write(ctx, message, promise);
		}

		private void watch(Object message) {
			if (message instanceof RedisCommand<?, ?, ?> command
					&& message instanceof CompleteableCommand<?> completeable) {
				completeable.onComplete((result, failure) -> {
					if (failure != null) {
						commandFailed(command.getType().toString(), failure);
					}
				});
			}
		}

	}

}
