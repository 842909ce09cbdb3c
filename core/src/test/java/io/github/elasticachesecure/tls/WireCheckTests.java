package io.github.elasticachesecure.tls;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import javax.net.ssl.SSLException;

import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testkit.TestPki.ServerCertificate;
import io.lettuce.core.ConnectionBuilder;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link WireCheck} on in-memory channels: a client channel with Lettuce's TLS
 * handler, initialized through the check's Netty customizer, and a server channel with
 * its own TLS handler, whose bytes the test carries from one to the other.
 */
class WireCheckTests {

	private static final Instant NOW = Instant.parse("2026-12-07T10:15:30Z");

	private static final String HOST = "localhost";

	private static final int PORT = 6390;

	private static final NettyCustomizer NONE = new NettyCustomizer() {
	};

	private final WireCheck check = new WireCheck(new TlsSessionPolicy("TLSv1.2", SslVerifyMode.FULL),
			Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void writesWaitForTheHandshakeAndTheSessionIsRecorded() throws Exception {
		EmbeddedChannel client = clientChannel(this.check.around(NONE), "TLSv1.3");
		EmbeddedChannel server = serverChannel(TestPki.get().localhost(), "TLSv1.3");
		assertThat(client.pipeline().names()).containsSubsequence("tls", TlsSessionGate.NAME);
		ChannelFuture hello = client.writeAndFlush(bytes("HELLO"));
		assertThat(hello.isDone()).isFalse();
		assertThat(this.check.sessions().latest(HOST, PORT)).isNull();
		exchange(client, server);
		assertThat(hello.isSuccess()).isTrue();
		assertThat(server.<ByteBuf>readInbound().toString(StandardCharsets.US_ASCII)).isEqualTo("HELLO");
		LiveTlsSession session = this.check.sessions().latest("LOCALHOST", PORT);
		assertThat(session.endpoint()).isEqualTo("localhost:6390");
		assertThat(session.protocol()).isEqualTo("TLSv1.3");
		assertThat(session.cipherSuite()).startsWith("TLS_");
		assertThat(session.certificate().subjectAlternativeNames()).contains("localhost");
		assertThat(session.verifiedAt()).isEqualTo(NOW);
		assertThat(this.check.sessions().latest(HOST, PORT + 1)).isNull();
		// Past the check, writes and replies go straight through.
		ChannelFuture ping = client.writeAndFlush(bytes("PING"));
		exchange(client, server);
		assertThat(ping.isSuccess()).isTrue();
		assertThat(server.<ByteBuf>readInbound().toString(StandardCharsets.US_ASCII)).isEqualTo("PING");
		server.writeAndFlush(bytes("+PONG"));
		exchange(client, server);
		assertThat(client.<ByteBuf>readInbound().toString(StandardCharsets.US_ASCII)).isEqualTo("+PONG");
		assertThat(client.isOpen()).isTrue();
	}

	@Test
	void aSessionBelowThePolicyClosesTheChannelAndFailsHeldWrites() throws Exception {
		WireCheck tls13 = new WireCheck(new TlsSessionPolicy("TLSv1.3", SslVerifyMode.FULL), Clock.systemUTC());
		EmbeddedChannel client = clientChannel(tls13.around(NONE), "TLSv1.2", "TLSv1.3");
		EmbeddedChannel server = serverChannel(TestPki.get().localhost(), "TLSv1.2");
		ExceptionRecorder exceptions = client.pipeline().get(ExceptionRecorder.class);
		ChannelFuture hello = client.writeAndFlush(bytes("HELLO"));
		exchange(client, server);
		assertThat(hello.cause()).isInstanceOf(TlsSessionRefusedException.class)
			.hasMessage(
					"Connection to localhost:6390 closed before its first Redis byte: the session negotiated TLSv1.2, below the minimum TLSv1.3");
		assertThat(exceptions.cause).isSameAs(hello.cause());
		assertThat(client.isOpen()).isFalse();
		assertThat(tls13.sessions().latest(HOST, PORT)).isNull();
		assertThat(server.<Object>readInbound()).isNull();
	}

	@Test
	void aCertificateForAnotherHostIsRefused() throws Exception {
		EmbeddedChannel client = clientChannel(this.check.around(NONE), "TLSv1.3");
		EmbeddedChannel server = serverChannel(TestPki.get().wrongHost(), "TLSv1.3");
		ChannelFuture hello = client.writeAndFlush(bytes("HELLO"));
		exchange(client, server);
		assertThat(hello.cause()).isInstanceOf(TlsSessionRefusedException.class)
			.hasMessageContaining("does not name localhost");
		assertThat(((TlsSessionRefusedException) hello.cause()).getEndpoint()).isEqualTo("localhost:6390");
		assertThat(client.isOpen()).isFalse();
		assertThat(server.<Object>readInbound()).isNull();
	}

	@Test
	void aFailedHandshakeFailsHeldWritesWithItsCause() throws Exception {
		EmbeddedChannel client = clientChannel(this.check.around(NONE), "TLSv1.3");
		EmbeddedChannel server = serverChannel(TestPki.get().untrustedLocalhost(), "TLSv1.3");
		ChannelFuture hello = client.writeAndFlush(bytes("HELLO"));
		exchange(client, server);
		assertThat(hello.cause()).isInstanceOf(SSLException.class).isNotInstanceOf(TlsSessionRefusedException.class);
		assertThat(this.check.sessions().latest(HOST, PORT)).isNull();
	}

	@Test
	void aTlsHandlerRemovedAfterTheHandshakeRefusesTheNextWrite() throws Exception {
		EmbeddedChannel client = clientChannel(this.check.around(NONE), "TLSv1.3");
		EmbeddedChannel server = serverChannel(TestPki.get().localhost(), "TLSv1.3");
		exchange(client, server);
		assertThat(this.check.sessions().latest(HOST, PORT)).isNotNull();
		client.pipeline().remove("tls");
		ByteBuf ping = bytes("PING");
		ChannelFuture write = client.writeAndFlush(ping);
		assertThat(write.cause()).isInstanceOf(TlsSessionRefusedException.class)
			.hasMessageEndingWith("the TLS handler was removed from the channel");
		assertThat(ping.refCnt()).isZero();
		assertThat(client.isOpen()).isFalse();
		assertThat(client.<Object>readOutbound()).isNull();
	}

	@Test
	void aReplyAfterTheTlsHandlerWasRemovedClosesTheChannel() throws Exception {
		EmbeddedChannel client = clientChannel(this.check.around(NONE), "TLSv1.3");
		EmbeddedChannel server = serverChannel(TestPki.get().localhost(), "TLSv1.3");
		exchange(client, server);
		client.pipeline().remove("tls");
		ExceptionRecorder exceptions = client.pipeline().get(ExceptionRecorder.class);
		ByteBuf reply = bytes("+PONG");
		client.writeInbound(reply);
		assertThat(reply.refCnt()).isZero();
		assertThat(client.<Object>readInbound()).isNull();
		assertThat(exceptions.cause).isInstanceOf(TlsSessionRefusedException.class)
			.hasMessageEndingWith("the TLS handler was removed from the channel");
		assertThat(client.isOpen()).isFalse();
	}

	@Test
	void removingTheGateFromAnOpenChannelRefusesIt() throws Exception {
		EmbeddedChannel client = clientChannel(this.check.around(NONE), "TLSv1.3");
		ChannelFuture hello = client.writeAndFlush(bytes("HELLO"));
		client.pipeline().remove(TlsSessionGate.NAME);
		assertThat(hello.cause()).isInstanceOf(TlsSessionRefusedException.class)
			.hasMessageEndingWith("the TLS check was removed from the channel");
		assertThat(client.isOpen()).isFalse();
	}

	@Test
	void aChannelWithoutTlsIsClosedWithTheCause() {
		EmbeddedChannel channel = new EmbeddedChannel();
		this.check.around(NONE).afterChannelInitialized(channel);
		assertThat(channel.isOpen()).isFalse();
		assertThat(channel.attr(ConnectionBuilder.INIT_FAILURE).get()).isInstanceOf(TlsSessionRefusedException.class)
			.hasMessage(
					"Connection to a Redis endpoint closed before its first Redis byte: the channel has no TLS handler, "
							+ "so its bytes would cross the network in clear");
	}

	@Test
	void aCustomizerThatRemovesTheTlsHandlerGetsTheChannelClosed() throws Exception {
		NettyCustomizer removing = new NettyCustomizer() {
			@Override
			public void afterChannelInitialized(Channel channel) {
				channel.pipeline().remove(SslHandler.class);
			}
		};
		EmbeddedChannel channel = clientChannel(this.check.around(removing), "TLSv1.3");
		assertThat(channel.isOpen()).isFalse();
		assertThat(channel.attr(ConnectionBuilder.INIT_FAILURE).get()).hasMessage(
				"Connection to localhost:6390 closed before its first Redis byte: the channel has no TLS handler, "
						+ "so its bytes would cross the network in clear");
		assertThat(channel.pipeline().get(TlsSessionGate.class)).isNull();
	}

	@Test
	void aCustomizerThatAddsOrReplacesATlsHandlerGetsTheChannelClosed() throws Exception {
		SslContext other = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build();
		NettyCustomizer adding = new NettyCustomizer() {
			@Override
			public void afterChannelInitialized(Channel channel) {
				channel.pipeline().addFirst("other", other.newHandler(ByteBufAllocator.DEFAULT, HOST, PORT));
			}
		};
		NettyCustomizer replacing = new NettyCustomizer() {
			@Override
			public void afterChannelInitialized(Channel channel) {
				channel.pipeline().replace("tls", "other", other.newHandler(ByteBufAllocator.DEFAULT, HOST, PORT));
			}
		};
		for (NettyCustomizer application : new NettyCustomizer[] { adding, replacing }) {
			// The channel is closed too, once a TLS handler sent its close_notify.
			EmbeddedChannel channel = clientChannel(this.check.around(application), "TLSv1.3");
			assertThat(channel.attr(ConnectionBuilder.INIT_FAILURE).get()).hasMessage(
					"Connection to localhost:6390 closed before its first Redis byte: the TLS handler Lettuce installed was replaced, "
							+ "removed or joined by another (a NettyCustomizer changed the channel's pipeline)");
			assertThat(channel.pipeline().get(TlsSessionGate.class)).isNull();
		}
	}

	@Test
	void aCustomizerThatReplacesLettucesChannelInitializerGetsEveryChannelClosed() {
		ChannelInitializer<Channel> lettuce = new ChannelInitializer<>() {
			@Override
			protected void initChannel(Channel channel) {
			}
		};
		NettyCustomizer keeping = NONE;
		Bootstrap kept = new Bootstrap().handler(lettuce);
		this.check.around(keeping).afterBootstrapInitialized(kept);
		assertThat(kept.config().handler()).isSameAs(lettuce);
		NettyCustomizer replacing = new NettyCustomizer() {
			@Override
			public void afterBootstrapInitialized(Bootstrap bootstrap) {
				bootstrap.handler(new ChannelInboundHandlerAdapter());
			}
		};
		Bootstrap replaced = new Bootstrap().handler(lettuce);
		this.check.around(replacing).afterBootstrapInitialized(replaced);
		EmbeddedChannel channel = new EmbeddedChannel(replaced.config().handler());
		assertThat(channel.isOpen()).isFalse();
		assertThat(channel.attr(ConnectionBuilder.INIT_FAILURE).get()).hasMessage(
				"Connection to a Redis endpoint closed before its first Redis byte: the channel initializer Lettuce set on the bootstrap "
						+ "was replaced (a NettyCustomizer changed the bootstrap)");
	}

	@Test
	void guardedResourcesCarryTheCheckOnce() {
		ClientResources resources = DefaultClientResources.create();
		try {
			assertThat(this.check.guards(resources)).isFalse();
			ClientResources guarded = this.check.guard(resources);
			assertThat(this.check.guards(guarded)).isTrue();
			assertThat(this.check.guard(guarded)).isSameAs(guarded);
			assertThat(guarded.eventLoopGroupProvider()).isSameAs(resources.eventLoopGroupProvider());
			assertThat(guarded.eventExecutorGroup()).isSameAs(resources.eventExecutorGroup());
			assertThat(guarded.timer()).isSameAs(resources.timer());
			assertThat(guarded.commandLatencyRecorder()).isSameAs(resources.commandLatencyRecorder());
			WireCheck another = new WireCheck(new TlsSessionPolicy("TLSv1.2", SslVerifyMode.FULL), Clock.systemUTC());
			assertThat(another.guards(guarded)).isFalse();
		}
		finally {
			resources.shutdown().syncUninterruptibly();
		}
	}

	@Test
	void theLatestSessionPerEndpointIsKeptForAtMost256Endpoints() {
		LiveTlsSessions sessions = new LiveTlsSessions();
		for (int port = 1; port <= 257; port++) {
			sessions.record(new LiveTlsSession("Node", port, "TLSv1.3", "TLS_AES_128_GCM_SHA256", null, NOW));
		}
		assertThat(sessions.latest("node", 1)).isNull();
		assertThat(sessions.latest("node", 2).port()).isEqualTo(2);
		assertThat(sessions.latest("node", 257).port()).isEqualTo(257);
	}

	private static EmbeddedChannel clientChannel(NettyCustomizer customizer, String... protocols) throws Exception {
		// The host-name check is the wire check's, as with Lettuce's verify mode CA.
		SslContext context = SslContextBuilder.forClient()
			.sslProvider(SslProvider.JDK)
			.endpointIdentificationAlgorithm(null)
			.protocols(protocols)
			.trustManager(TestPki.get().trustedCa().certificate())
			.build();
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.pipeline().addLast("tls", context.newHandler(channel.alloc(), HOST, PORT));
		customizer.afterChannelInitialized(channel);
		channel.pipeline().addLast(new ExceptionRecorder());
		return channel;
	}

	private static EmbeddedChannel serverChannel(ServerCertificate certificate, String... protocols) throws Exception {
		SslContext context = SslContextBuilder
			.forServer(certificate.chainPem().toFile(), certificate.privateKeyPem().toFile())
			.sslProvider(SslProvider.JDK)
			.protocols(protocols)
			.build();
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.pipeline().addLast("tls", context.newHandler(channel.alloc()));
		channel.pipeline().addLast(new ExceptionRecorder());
		return channel;
	}

	/**
	 * Carries the bytes each side wrote to the other until neither has more to send.
	 */
	private static void exchange(EmbeddedChannel client, EmbeddedChannel server) {
		boolean moved = true;
		while (moved) {
			moved = carry(client, server) | carry(server, client);
		}
	}

	private static boolean carry(EmbeddedChannel from, EmbeddedChannel to) {
		boolean moved = false;
		for (ByteBuf bytes = from.readOutbound(); bytes != null; bytes = from.readOutbound()) {
			moved = true;
			if (to.isOpen()) {
				to.writeInbound(bytes);
			}
			else {
				bytes.release();
			}
		}
		return moved;
	}

	private static ByteBuf bytes(String text) {
		return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
	}

	private static final class ExceptionRecorder extends ChannelInboundHandlerAdapter {

		private Throwable cause;

		@Override
		public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
			if (this.cause == null) {
				this.cause = cause;
			}
		}

	}

}
