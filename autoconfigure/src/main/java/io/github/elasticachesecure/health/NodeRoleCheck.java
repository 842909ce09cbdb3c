package io.github.elasticachesecure.health;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The {@code ROLE} of one endpoint, asked over one connection kept for the health checks:
 * health checks are open to whoever may call the health endpoint, and a connection per
 * check would turn their rate into TLS handshakes and {@code AUTH}s (IAM ones throttled
 * by ElastiCache) on the cache.
 * <p>
 * The connection is opened on the first check, from the application's client (its TLS
 * options, resources and, through the endpoint's URI, credentials: with IAM the
 * credentials provider whose new tokens Lettuce pushes into live connections, so the kept
 * connection re-authenticates as the application's do). It is opened again only when it
 * is no longer open (the node went away, or dropped it), when a {@code ROLE} on it failed
 * with the connection or was refused for authentication ({@code NOAUTH},
 * {@code WRONGPASS}: opened again with the current credentials), or when the endpoint's
 * name resolves to other addresses than when it was opened (a failover moves the primary
 * endpoint's name; the connection would stay on the old node). A {@code ROLE} that does
 * not answer in time leaves it open: the node may be slow, and its keep-alive and user
 * timeout end a dead peer's connection.
 * <p>
 * At most one {@code ROLE} is in flight: checks that come meanwhile share it. Each run
 * ends by itself within its bound; a check that stops waiting does not cancel it.
 */
final class NodeRoleCheck implements AutoCloseable {

	private final Supplier<RedisClient> client;

	private final RedisURI uri;

	private final Duration timeout;

	private final SingleFlight<String> roles = new SingleFlight<>();

	private final Object monitor = new Object();

	// guarded by monitor
	private @Nullable Opened opened;

	// guarded by monitor
	private boolean closed;

	/**
	 * Create the check of one endpoint.
	 * @param client the application's client, looked up when a connection is opened (it
	 * is replaced when the application's factory restarts)
	 * @param uri the endpoint with the application's TLS settings and credentials
	 * @param timeout the bound of one run, opening the connection included
	 */
	NodeRoleCheck(Supplier<RedisClient> client, RedisURI uri, Duration timeout) {
		this.client = client;
		this.uri = uri;
		this.timeout = timeout;
	}

	String endpoint() {
		return this.uri.getHost() + ":" + this.uri.getPort();
	}

	/**
	 * The endpoint's role: the one in flight, or a new run.
	 * @return the first element of the {@code ROLE} reply; cancelling the wait does not
	 * cancel the run
	 */
	Mono<String> role() {
		return this.roles.join(this::run);
	}

	private CompletableFuture<String> run() {
		CompletableFuture<String> role = new CompletableFuture<>();
		role.orTimeout(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		// Resolving the name and opening a connection (which builds the TLS context) may
		// block: not on the caller's thread, whose check is timed.
		Schedulers.boundedElastic().schedule(() -> {
			try {
				Opened connection = connection();
				connection.connecting().whenComplete((redis, failed) -> {
					if (failed != null) {
						role.completeExceptionally(failed);
					}
					else if (!role.isDone()) {
						ask(redis, connection, role);
					}
				});
			}
			catch (RuntimeException ex) {
				role.completeExceptionally(ex);
			}
		});
		return role;
	}

	private void ask(StatefulRedisConnection<String, String> redis, Opened connection, CompletableFuture<String> role) {
		CompletableFuture<List<Object>> command = redis.async().role().toCompletableFuture();
		role.whenComplete((reply, ex) -> {
			if (ex instanceof TimeoutException) {
				// Only the command is dropped, so that it does not wait in Lettuce's
				// queue: no answer in time says nothing against the connection, which the
				// next check uses again.
				command.cancel(false);
			}
		});
		command.whenComplete((reply, ex) -> {
			if (ex == null) {
				role.complete(firstElement(reply));
				return;
			}
			if (breaks(ex)) {
				discard(connection);
			}
			role.completeExceptionally(ex);
		});
	}

	/**
	 * Whether a failed {@code ROLE} means that the connection cannot be used again: a
	 * failure of the connection itself, or an authentication the server no longer accepts
	 * (it is opened again with the current credentials). Any other error reply is the
	 * node's state, a timeout or a cancelled command is no failure of the connection.
	 */
	private static boolean breaks(Throwable ex) {
		Throwable failure = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		if (failure instanceof CancellationException || failure instanceof RedisCommandTimeoutException) {
			return false;
		}
		if (failure instanceof RedisCommandExecutionException) {
			String message = String.valueOf(failure.getMessage());
			return message.startsWith("NOAUTH") || message.startsWith("WRONGPASS");
		}
		return true;
	}

	/**
	 * The kept connection, or a new one when there is none or it can no longer be used. A
	 * connection still being opened is kept: opening is bounded by the client's connect
	 * and TLS handshake timeouts.
	 */
	private Opened connection() {
		@Nullable Set<InetAddress> addresses = addresses(this.uri.getHost());
		Opened stale = null;
		Opened connection;
		synchronized (this.monitor) {
			if (this.closed) {
				throw new IllegalStateException("The health check's connections are closed");
			}
			if (this.opened != null && !this.opened.usable(addresses)) {
				stale = this.opened;
				this.opened = null;
			}
			if (this.opened == null) {
				this.opened = new Opened(
						this.client.get().connectAsync(StringCodec.UTF8, this.uri).toCompletableFuture(), addresses);
			}
			connection = this.opened;
		}
		if (stale != null) {
			stale.close();
		}
		return connection;
	}

	private void discard(Opened connection) {
		synchronized (this.monitor) {
			if (this.opened == connection) {
				this.opened = null;
			}
		}
		connection.close();
	}

	/**
	 * Close the kept connection (also one still being opened, once it is); later runs
	 * fail.
	 */
	@Override
	public void close() {
		Opened connection;
		synchronized (this.monitor) {
			this.closed = true;
			connection = this.opened;
			this.opened = null;
		}
		if (connection != null) {
			// As the context closes, the application's client is stopped (closing its
			// connections) before the health check goes: one that is not open is closed
			// already, or reconnecting until that client stops.
			connection.connecting().thenAccept((redis) -> {
				if (redis.isOpen()) {
					redis.closeAsync();
				}
			});
		}
	}

	private static String firstElement(List<Object> role) {
		return String.valueOf(role.isEmpty() ? null : role.get(0));
	}

	/**
	 * What the name resolves to now (the JVM's cache included, as for Lettuce's own
	 * connections), {@code null} when it does not resolve: then connecting tells what is
	 * wrong.
	 */
	private static @Nullable Set<InetAddress> addresses(String host) {
		try {
			return Set.of(InetAddress.getAllByName(host));
		}
		catch (UnknownHostException | IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * A connection, opened or being opened, and what the endpoint's name resolved to
	 * then.
	 */
	private record Opened(CompletableFuture<StatefulRedisConnection<String, String>> connecting,
			@Nullable Set<InetAddress> addresses) {

		boolean usable(@Nullable Set<InetAddress> now) {
			if (!this.connecting.isDone()) {
				return true;
			}
			if (this.connecting.isCompletedExceptionally()) {
				return false;
			}
			boolean moved = now != null && this.addresses != null && !now.equals(this.addresses);
			return this.connecting.join().isOpen() && !moved;
		}

		void close() {
			this.connecting.thenAccept(StatefulRedisConnection::closeAsync);
		}

	}

}
