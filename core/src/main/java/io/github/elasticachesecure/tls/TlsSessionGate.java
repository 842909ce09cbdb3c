package io.github.elasticachesecure.tls;

import java.nio.channels.ClosedChannelException;
import java.security.cert.X509Certificate;
import java.time.Clock;

import javax.net.ssl.SSLSession;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Sits right behind a channel's {@link SslHandler} and holds back every outbound Redis
 * byte (Lettuce's {@code HELLO} and {@code AUTH} first) until that handler's handshake
 * has completed and its live session meets the {@link TlsSessionPolicy}. A session that
 * does not, a TLS handler removed later, or this gate removed while the channel is open
 * closes the channel with a {@link TlsSessionRefusedException}; held writes fail with it
 * and nothing is sent. Once the session passed, a write or a read costs one check that
 * the TLS handler is still in place.
 */
final class TlsSessionGate extends ChannelDuplexHandler {

	static final String NAME = "elasticacheTlsSessionGate";

	private static final Log logger = LogFactory.getLog(TlsSessionGate.class);

	private final SslHandler tls;

	private final TlsSessionPolicy policy;

	private final String host;

	private final int port;

	private final LiveTlsSessions sessions;

	private final Clock clock;

	private @Nullable ChannelHandlerContext tlsContext;

	private @Nullable PendingWriteQueue held;

	private boolean flushHeld;

	private boolean passed;

	private @Nullable TlsSessionRefusedException refusal;

	TlsSessionGate(SslHandler tls, TlsSessionPolicy policy, String host, int port, LiveTlsSessions sessions,
			Clock clock) {
		this.tls = tls;
		this.policy = policy;
		this.host = host;
		this.port = port;
		this.sessions = sessions;
		this.clock = clock;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.tlsContext = ctx.pipeline().context(this.tls);
		this.held = new PendingWriteQueue(ctx);
		this.tls.handshakeFuture().addListener((Future<Channel> handshake) -> handshakeDone(ctx, handshake));
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		if (this.refusal == null && ctx.channel().isOpen()) {
			refuse(ctx, "the TLS check was removed from the channel");
		}
		else if (this.held != null && !this.held.isEmpty()) {
			this.held.removeAndFailAll(new ClosedChannelException());
		}
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (this.refusal != null) {
			ReferenceCountUtil.release(msg);
			promise.setFailure(this.refusal);
		}
		else if (!this.passed) {
			this.held.add(msg, promise);
		}
		else if (this.tlsContext == null || this.tlsContext.isRemoved()) {
			refuse(ctx, "the TLS handler was removed from the channel");
			ReferenceCountUtil.release(msg);
			promise.setFailure(this.refusal);
		}
		else {
			ctx.write(msg, promise);
		}
	}

	/**
	 * Replies pass here too: one arriving after the TLS handler was removed (still
	 * encrypted, or sent in clear by a peer that followed) ends the connection even when
	 * nothing more is written.
	 */
	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.refusal == null && (this.tlsContext == null || this.tlsContext.isRemoved())) {
			ReferenceCountUtil.release(msg);
			refuse(ctx, "the TLS handler was removed from the channel");
		}
		else if (this.refusal != null) {
			ReferenceCountUtil.release(msg);
		}
		else {
			ctx.fireChannelRead(msg);
		}
	}

	@Override
	public void flush(ChannelHandlerContext ctx) {
		if (this.passed) {
			ctx.flush();
		}
		else {
			this.flushHeld = true;
		}
	}

	private void handshakeDone(ChannelHandlerContext ctx, Future<?> handshake) {
		if (this.refusal != null || ctx.isRemoved()) {
			return;
		}
		if (!handshake.isSuccess()) {
			// The TLS handler closes the channel and reports its own failure; what was
			// held never leaves.
			this.held.removeAndFailAll(handshake.cause());
			return;
		}
		if (this.tlsContext == null || this.tlsContext.isRemoved()) {
			refuse(ctx, "the TLS handler was removed from the channel");
			return;
		}
		SSLSession session = this.tls.engine().getSession();
		String violation = this.policy.violation(session, this.host);
		if (violation != null) {
			refuse(ctx, violation);
			return;
		}
		this.passed = true;
		X509Certificate leaf = TlsSessionPolicy.leaf(session);
		this.sessions.record(new LiveTlsSession(this.host, this.port, session.getProtocol(), session.getCipherSuite(),
				(leaf != null) ? PeerCertificate.of(leaf) : null, this.clock.instant()));
		this.held.removeAndWriteAll();
		if (this.flushHeld) {
			ctx.flush();
		}
	}

	private void refuse(ChannelHandlerContext ctx, String cause) {
		TlsSessionRefusedException refusal = new TlsSessionRefusedException(this.host + ":" + this.port, cause);
		this.refusal = refusal;
		logger.error(refusal.getMessage());
		if (this.held != null) {
			this.held.removeAndFailAll(refusal);
		}
		// Lettuce's handshake handler, behind this gate, fails the connection with this
		// cause.
		ctx.fireExceptionCaught(refusal);
		ctx.channel().close();
	}

}
