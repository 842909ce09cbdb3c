package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.github.elasticachesecure.cache.AuthMode;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SocketOptions.KeepAliveOptions;
import io.lettuce.core.SocketOptions.TcpUserTimeoutOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.IOUringProvider;
import io.lettuce.core.resource.KqueueProvider;
import io.netty.handler.ssl.SslProvider;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.ssl.SslBundle;

/**
 * The starter's one customizer of the client options Boot builds, applied first among the
 * option customizers so that options an application sets in its own customizer win (and
 * the guard then checks what they trust). Each concern is a method: the TLS engine and
 * handshake bound, dead-peer detection ({@code elasticache.secure.socket.*}) with a
 * connect timeout below the command timeout and, for IAM and a password from a secret,
 * re-authentication of live connections with every new token or password.
 */
final class ElastiCacheClientOptionsCustomizer implements LettuceClientOptionsBuilderCustomizer {

	private static final Log logger = LogFactory.getLog(ElastiCacheClientOptionsCustomizer.class);

	private final ElastiCacheDescription cache;

	private final ElastiCacheSecureProperties.Socket socket;

	private final ObjectProvider<DataRedisConnectionDetails> connectionDetails;

	private final SslProvider engine;

	private final boolean rotatingPassword;

	private final @Nullable DataRedisProperties redis;

	ElastiCacheClientOptionsCustomizer(ElastiCacheDescription cache, ElastiCacheSecureProperties.Socket socket,
			ObjectProvider<DataRedisConnectionDetails> connectionDetails, ClassLoader classLoader,
			boolean rotatingPassword, @Nullable DataRedisProperties redis) {
		this.cache = cache;
		this.redis = redis;
		this.rotatingPassword = rotatingPassword;
		this.socket = socket;
		this.connectionDetails = connectionDetails;
		// Resolved here, so that 'openssl' without the engine stops the start before any
		// connection is built.
		this.engine = TlsEngine.resolve(cache.tls().provider(), classLoader);
	}

	@Override
	public void customize(ClientOptions.Builder builder) {
		tls(builder);
		deadPeerDetection(builder);
		reauthentication(builder);
	}

	/**
	 * The handshake bound goes into the SSL options, which Boot builds from the
	 * connection details' bundle before the option customizers run: they are built here
	 * again from the same bundle (the one the starter hands Boot), with the bound.
	 */
	private void tls(ClientOptions.Builder builder) {
		SslBundle bundle = ElastiCacheConnectionConfiguration.connectionTrust(this.connectionDetails);
		builder.sslOptions(sslOptions(bundle, this.cache.tls().handshakeTimeout(), this.engine));
	}

	/**
	 * TCP keep-alive with short times on every connection and, where the transport can
	 * set it, {@code TCP_USER_TIMEOUT}. The socket options already in the builder (Boot's
	 * {@code spring.data.redis.connect-timeout}) are kept: the builder has no getter, so
	 * they are read from a built copy (building has no side effect).
	 */
	private void deadPeerDetection(ClientOptions.Builder builder) {
		SocketOptions options = builder.build().getSocketOptions();
		Duration connectTimeout = (this.redis != null)
				? connectTimeout(this.redis.getConnectTimeout(), this.redis.getTimeout(), options.getConnectTimeout())
				: options.getConnectTimeout();
		builder.socketOptions(withDeadPeerDetection(options, connectTimeout, this.socket));
	}

	/**
	 * AWS's advice for Lettuce on ElastiCache: a connect timeout below the command
	 * timeout, so that an attempt to reach a node that does not answer gives up, and the
	 * reconnection tries again, while the commands queued for it can still complete.
	 * Unset ({@code spring.data.redis.connect-timeout}), it is half the command timeout
	 * where that is below the current one (Lettuce's 10 s); set at or above the command
	 * timeout, it is kept and a warning names both.
	 * @param configured Boot's connect timeout, or {@code null}
	 * @param commandTimeout Boot's command timeout, or {@code null} for Lettuce's 60 s
	 * @param current the connect timeout in the options
	 * @return the connect timeout to use
	 */
	static Duration connectTimeout(@Nullable Duration configured, @Nullable Duration commandTimeout, Duration current) {
		Duration command = (commandTimeout != null) ? commandTimeout : RedisURI.DEFAULT_TIMEOUT_DURATION;
		if (command.isNegative() || command.isZero()) {
			return current;
		}
		if (configured == null) {
			Duration half = command.dividedBy(2);
			return (!half.isZero() && half.compareTo(current) < 0) ? half : current;
		}
		if (configured.compareTo(command) >= 0) {
			logger.warn("spring.data.redis.connect-timeout (" + configured
					+ ") is not below spring.data.redis.timeout (" + command
					+ "): while a node does not answer a connection attempt, the commands queued for it "
					+ "time out before the attempt gives up. AWS advises a connect timeout below the command timeout "
					+ "for Lettuce on ElastiCache: lower spring.data.redis.connect-timeout, or remove it (the starter "
					+ "then uses half the command timeout).");
		}
		return current;
	}

	/**
	 * Every new token is pushed into live connections with AUTH: ElastiCache drops IAM
	 * connections after 12 h. Every new password from the secret too: a rotation then
	 * reaches live connections before the old password is removed.
	 */
	private void reauthentication(ClientOptions.Builder builder) {
		if (this.cache.auth().mode() == AuthMode.IAM || this.rotatingPassword) {
			builder.reauthenticateBehavior(ClientOptions.ReauthenticateBehavior.ON_NEW_CREDENTIALS);
		}
	}

	private static SslOptions sslOptions(SslBundle bundle, Duration handshakeTimeout, SslProvider engine) {
		SslOptions.Builder builder = ((engine == SslProvider.OPENSSL) ? SslOptions.builder().openSslProvider()
				: SslOptions.builder().jdkSslProvider())
			.keyManager(bundle.getManagers().getKeyManagerFactory())
			.trustManager(bundle.getManagers().getTrustManagerFactory())
			.handshakeTimeout(handshakeTimeout);
		org.springframework.boot.ssl.SslOptions options = bundle.getOptions();
		if (options.getCiphers() != null) {
			builder.cipherSuites(options.getCiphers());
		}
		if (options.getEnabledProtocols() != null) {
			builder.protocols(options.getEnabledProtocols());
		}
		return builder.build();
	}

	static SocketOptions withDeadPeerDetection(SocketOptions options, Duration connectTimeout,
			ElastiCacheSecureProperties.Socket socket) {
		boolean nativeTransport = IOUringProvider.isAvailable() || EpollProvider.isAvailable();
		// Built anew rather than with mutate(), which in Lettuce 6 drops the TCP user
		// timeout.
		SocketOptions.Builder builder = SocketOptions.builder()
			.connectTimeout(connectTimeout)
			.tcpNoDelay(options.isTcpNoDelay());
		// Lettuce applies idle, interval and count through epoll, io_uring or Java's
		// extended NIO socket options, not with kqueue (it warns, and Lettuce 7 refuses
		// to connect): there only the system's keep-alive times apply.
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
		// connection and Lettuce 7 refuses to connect.
		if (nativeTransport) {
			builder.tcpUserTimeout(
					TcpUserTimeoutOptions.builder().enable().tcpUserTimeout(socket.getTcpUserTimeout()).build());
		}
		return builder.build();
	}

}
