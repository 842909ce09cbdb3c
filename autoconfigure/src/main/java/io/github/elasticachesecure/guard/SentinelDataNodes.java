package io.github.elasticachesecure.guard;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.github.elasticachesecure.logging.FailureDescription;
import io.lettuce.core.RedisURI;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import io.lettuce.core.sentinel.api.sync.RedisSentinelCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConverters;

/**
 * Asks a sentinel for the data nodes a sentinel factory will connect to: the master, and
 * the available replicas when it has a {@code readFrom} (Lettuce then connects to every
 * one of them, with the data-node credentials, to rank them, whatever the
 * {@code ReadFrom}). The addresses are used as reported: they are what the client will
 * connect to, so a host-name check against them is the one the application will meet.
 */
final class SentinelDataNodes {

	private SentinelDataNodes() {
	}

	/**
	 * Ask the sentinels in turn, skipping those not verified, until one answers.
	 * @param master the name of the master
	 * @param sentinel the factory's sentinel configuration
	 * @param configuration the factory's client configuration
	 * @param verified whether a sentinel passed its TLS probe: only those are asked, so
	 * the sentinel credentials travel over verified TLS only
	 * @return the data nodes, or the failure of the last sentinel asked
	 */
	static Answer lookUp(String master, RedisSentinelConfiguration sentinel, LettuceClientConfiguration configuration,
			Predicate<RedisURI> verified) {
		RedisURI asked = null;
		String failure = "no sentinel passed its TLS check";
		for (RedisURI sentinelUri : sentinelUris(sentinel, configuration)) {
			if (!verified.test(sentinelUri)) {
				continue;
			}
			asked = sentinelUri;
			try {
				return new Answer(ask(sentinelUri, master, configuration), asked, null);
			}
			catch (RuntimeException ex) {
				failure = FailureDescription.of(ex);
			}
		}
		return new Answer(List.of(), asked, "could not be asked for the nodes of master '" + master + "': " + failure);
	}

	/**
	 * The sentinel URIs as {@code LettuceConnectionFactory} builds them: the sentinel
	 * credentials (or those of the factory's credentials provider), its TLS settings and
	 * its timeout.
	 */
	private static List<RedisURI> sentinelUris(RedisSentinelConfiguration sentinel,
			LettuceClientConfiguration configuration) {
		List<RedisURI> sentinels = LettuceConverters.sentinelConfigurationToRedisURI(sentinel).getSentinels();
		for (RedisURI sentinelUri : sentinels) {
			sentinelUri.setSsl(configuration.isUseSsl());
			sentinelUri.setVerifyPeer(configuration.getVerifyMode());
			sentinelUri.setStartTls(configuration.isStartTls());
			sentinelUri.setTimeout(configuration.getCommandTimeout());
			configuration.getRedisCredentialsProviderFactory()
				.ifPresent((factory) -> sentinelUri
					.setCredentialsProvider(factory.createSentinelCredentialsProvider(sentinel)));
		}
		return sentinels;
	}

	/**
	 * One Sentinel connection through a client configured as the factory's.
	 */
	private static List<RedisNode> ask(RedisURI sentinelUri, String master, LettuceClientConfiguration configuration) {
		return FactoryClient.use(configuration, (client) -> {
			try (StatefulRedisSentinelConnection<String, String> connection = client.connectSentinel(sentinelUri)) {
				RedisSentinelCommands<String, String> commands = connection.sync();
				if (!(commands.getMasterAddrByName(master) instanceof InetSocketAddress address)) {
					throw new IllegalStateException(
							"sentinel " + sentinelUri.getHost() + ":" + sentinelUri.getPort() + " does not monitor it");
				}
				List<RedisNode> nodes = new ArrayList<>();
				nodes.add(new RedisNode(address.getHostString(), address.getPort()));
				if (configuration.getReadFrom().isPresent()) {
					commands.replicas(master)
						.stream()
						.filter(SentinelDataNodes::isAvailable)
						.forEach((replica) -> nodes
							.add(new RedisNode(replica.get("ip"), Integer.parseInt(replica.get("port")))));
				}
				return nodes;
			}
		});
	}

	/**
	 * The replicas Lettuce's Sentinel topology uses: those not flagged down or
	 * disconnected.
	 */
	private static boolean isAvailable(Map<String, String> replica) {
		String flags = replica.getOrDefault("flags", "");
		return !(flags.contains("s_down") || flags.contains("o_down") || flags.contains("disconnected"));
	}

	/**
	 * What the sentinels answered.
	 *
	 * @param nodes the data nodes, empty when no sentinel answered
	 * @param asked the last sentinel asked, {@code null} when none was verified
	 * @param failure why no sentinel answered, {@code null} when one did
	 */
	record Answer(List<RedisNode> nodes, @Nullable RedisURI asked, @Nullable String failure) {

	}

}
