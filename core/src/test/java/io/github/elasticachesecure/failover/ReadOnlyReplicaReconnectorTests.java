package io.github.elasticachesecure.failover;

import java.nio.channels.ClosedChannelException;
import java.util.List;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisReadOnlyException;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReadOnlyReplicaReconnector} on an in-memory channel: which replies close the
 * channel, and what a write meets while it closes.
 */
class ReadOnlyReplicaReconnectorTests {

	@Test
	void aReadOnlyReplyClosesTheChannel() {
		EmbeddedChannel channel = channel();
		AsyncCommand<String, String, String> set = command();
		channel.writeAndFlush(set);
		assertThat(channel.<Object>readOutbound()).isSameAs(set);
		set.completeExceptionally(new RedisReadOnlyException("READONLY You can't write against a read only replica."));
		channel.runPendingTasks();
		assertThat(channel.isOpen()).isFalse();
	}

	@Test
	void otherRepliesAndFailuresLeaveTheChannelOpen() {
		EmbeddedChannel channel = channel();
		AsyncCommand<String, String, String> ok = command();
		AsyncCommand<String, String, String> failed = command();
		channel.writeAndFlush(ok);
		channel.writeAndFlush(failed);
		channel.writeAndFlush("not a command");
		ok.complete();
		failed.completeExceptionally(new RedisCommandExecutionException("ERR wrong number of arguments"));
		channel.runPendingTasks();
		assertThat(channel.isOpen()).isTrue();
		assertThat(channel.<Object>readOutbound()).isSameAs(ok);
		assertThat(channel.<Object>readOutbound()).isSameAs(failed);
		assertThat(channel.<Object>readOutbound()).isEqualTo("not a command");
	}

	@Test
	void aReadOnlyReplyToAPipelinedCommandClosesTheChannel() {
		EmbeddedChannel channel = channel();
		AsyncCommand<String, String, String> first = command();
		AsyncCommand<String, String, String> second = command();
		channel.writeAndFlush(List.of(first, second));
		second
			.completeExceptionally(new RedisReadOnlyException("READONLY You can't write against a read only replica."));
		channel.runPendingTasks();
		assertThat(channel.isOpen()).isFalse();
	}

	@Test
	void whileTheChannelClosesWritesFailAsOnAClosedChannel() {
		// A TLS channel stays open until its close_notify is out: here the close is
		// held back nearer the socket.
		EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
			@Override
			public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
			}
		});
		new ReadOnlyReplicaReconnector().afterChannelInitialized(channel);
		AsyncCommand<String, String, String> set = command();
		channel.writeAndFlush(set);
		assertThat(channel.<Object>readOutbound()).isSameAs(set);
		set.completeExceptionally(new RedisReadOnlyException("READONLY You can't write against a read only replica."));
		channel.runPendingTasks();
		assertThat(channel.isOpen()).isTrue();
		AsyncCommand<String, String, String> retry = command();
		ChannelFuture write = channel.writeAndFlush(retry);
		assertThat(write.cause()).isInstanceOf(ClosedChannelException.class);
		assertThat(channel.<Object>readOutbound()).isNull();
	}

	private static EmbeddedChannel channel() {
		EmbeddedChannel channel = new EmbeddedChannel();
		new ReadOnlyReplicaReconnector().afterChannelInitialized(channel);
		return channel;
	}

	private static AsyncCommand<String, String, String> command() {
		return new AsyncCommand<>(new Command<>(CommandType.SET, new StatusOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).add("key").add("value")));
	}

}
