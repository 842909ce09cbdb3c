package io.github.elasticachesecure.health;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * A PING over the application's own connection
 * ({@link RedisConnectionFactory#getConnection()}, for Lettuce its asynchronous commands:
 * with native connection sharing the application's shared connection), or for a cluster
 * the {@link ClusterHealth} check. It yields what is missing in a cluster, if anything;
 * whoever subscribes bounds it.
 */
final class ConnectionPing {

	private ConnectionPing() {
	}

	static Mono<Optional<String>> ping(RedisConnectionFactory connectionFactory, Duration clusterNodeTimeout) {
		return Mono.usingWhen(connection(connectionFactory), (connection) -> ping(connection, clusterNodeTimeout),
				(connection) -> Mono.fromRunnable(connection::close).subscribeOn(Schedulers.boundedElastic()));
	}

	/**
	 * The connection, obtained on a thread of its own: it may be connecting (the shared
	 * connection's first use), which must go on when the check gives up. Not
	 * {@code subscribeOn}: Reactor interrupts its worker once the check has answered,
	 * which would abort that connect and, with every check, the next one. A connection
	 * obtained after the check gave up is closed (closing twice is harmless).
	 */
	private static Mono<RedisConnection> connection(RedisConnectionFactory connectionFactory) {
		return Mono.defer(() -> {
			CompletableFuture<RedisConnection> connection = new CompletableFuture<>();
			Schedulers.boundedElastic().schedule(() -> {
				try {
					connection.complete(connectionFactory.getConnection());
				}
				catch (RuntimeException ex) {
					connection.completeExceptionally(ex);
				}
			});
			return Mono.fromFuture(connection, true).doOnCancel(() -> connection.thenAccept(RedisConnection::close));
		});
	}

	private static Mono<Optional<String>> ping(RedisConnection connection, Duration clusterNodeTimeout) {
		if (connection.getNativeConnection() instanceof RedisAdvancedClusterAsyncCommands<?, ?> cluster) {
			CompletableFuture<Optional<String>> problem = ClusterHealth.check(cluster, clusterNodeTimeout);
			return Mono.fromCompletionStage(problem).doOnCancel(() -> problem.cancel(false));
		}
		if (connection.getNativeConnection() instanceof RedisClusterAsyncCommands<?, ?> commands) {
			CompletableFuture<String> reply = commands.ping().toCompletableFuture();
			// On timeout the PING is cancelled, so that it does not wait in Lettuce's
			// queue for the command timeout.
			return Mono.fromCompletionStage(reply)
				.map((ignored) -> Optional.<String>empty())
				.doOnCancel(() -> reply.cancel(false));
		}
		return Mono.fromCallable(connection::ping)
			.map((ignored) -> Optional.<String>empty())
			.subscribeOn(Schedulers.boundedElastic());
	}

}
