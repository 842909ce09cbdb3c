package io.github.elasticachesecure.guard;

import java.time.Duration;
import java.util.function.Function;

import io.lettuce.core.RedisClient;

import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;

/**
 * A short-lived Lettuce client for the guard's own questions to a node (a sentinel's data
 * nodes, a cluster's topology): the factory's client options (its {@code SslOptions})
 * and, when it shares them, its client resources; otherwise the client owns its
 * resources, and its shutdown stops their threads.
 */
final class FactoryClient {

	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

	private FactoryClient() {
	}

	/**
	 * Use a client configured as the factory's, and shut it down afterwards.
	 * @param configuration the factory's client configuration
	 * @param use what to do with the client
	 * @param <T> the answer's type
	 * @return the answer
	 */
	static <T> T use(LettuceClientConfiguration configuration, Function<RedisClient, T> use) {
		RedisClient client = configuration.getClientResources().map(RedisClient::create).orElseGet(RedisClient::create);
		configuration.getClientOptions().ifPresent(client::setOptions);
		try {
			return use.apply(client);
		}
		finally {
			client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
		}
	}

}
