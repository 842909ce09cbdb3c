package io.github.elasticachesecure.guard;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisConfiguration.WithAuthentication;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.RedisStaticMasterReplicaConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ReflectionUtils;

/**
 * What a {@link LettuceConnectionFactory}'s configuration says it connects to, whatever
 * its topology: the standalone node, the cluster's seed nodes, the static master/replica
 * nodes, or the sentinels of a sentinel factory (the data nodes those name are looked up
 * by {@link SentinelDataNodes}), and the user it authenticates as.
 */
final class ConnectionFactoryNodes {

	/**
	 * The private field of {@link LettuceConnectionFactory} that holds a static
	 * master/replica configuration; see {@link #staticMasterReplicaConfiguration}.
	 */
	static final String CONFIGURATION_FIELD = "configuration";

	private static final Duration CURRENT_CREDENTIALS_WAIT = Duration.ofSeconds(1);

	private ConnectionFactoryNodes() {
	}

	/**
	 * The nodes the factory connects to first.
	 * @param factory the factory
	 * @return its standalone node, cluster seed nodes, static master/replica nodes or
	 * sentinels
	 */
	static List<RedisNode> of(LettuceConnectionFactory factory) {
		RedisStaticMasterReplicaConfiguration masterReplica = staticMasterReplicaConfiguration(factory);
		if (masterReplica != null) {
			return masterReplica.getNodes()
				.stream()
				.map((node) -> new RedisNode(node.getHostName(), node.getPort()))
				.toList();
		}
		RedisClusterConfiguration cluster = factory.getClusterConfiguration();
		if (cluster != null) {
			return List.copyOf(cluster.getClusterNodes());
		}
		RedisSentinelConfiguration sentinel = factory.getSentinelConfiguration();
		if (sentinel != null) {
			return List.copyOf(sentinel.getSentinels());
		}
		RedisStandaloneConfiguration standalone = factory.getStandaloneConfiguration();
		return List.of(new RedisNode(standalone.getHostName(), standalone.getPort()));
	}

	/**
	 * Where the factory connects, for a report.
	 * @param factory the factory
	 * @return its Unix socket, or its nodes as {@code host:port} separated by commas
	 */
	static String describe(LettuceConnectionFactory factory) {
		if (factory.getSocketConfiguration() != null) {
			return "the Unix socket " + factory.getSocketConfiguration().getSocket();
		}
		return String.join(", ", of(factory).stream().map(RedisNode::asString).toList());
	}

	/**
	 * The user the factory authenticates as on its data nodes.
	 * @param factory the factory
	 * @return the user name, or {@code null} for the default user
	 */
	static @Nullable String username(LettuceConnectionFactory factory) {
		String username = dataNodeAuthentication(factory).getUsername();
		RedisCredentialsProvider provider = credentialsProvider(factory);
		if (username != null || provider == null || provider instanceof ElastiCacheIamCredentialsProvider) {
			return username;
		}
		// A rotating password may bring its user (a secret's 'username'): the one it
		// holds
		// now, which the connection just used.
		try {
			RedisCredentials current = provider.resolveCredentials().block(CURRENT_CREDENTIALS_WAIT);
			return (current != null && current.hasUsername()) ? current.getUsername() : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/**
	 * How the factory authenticates on its data nodes: with a credentials provider (which
	 * Spring Data Redis prefers to a static password): IAM tokens, or a rotating password
	 * (from a secret or an application's source); with a password; or not at all.
	 * @param factory the factory
	 * @return the authentication mode
	 */
	static AuthMode authMode(LettuceConnectionFactory factory) {
		RedisCredentialsProvider provider = credentialsProvider(factory);
		if (provider != null) {
			return (provider instanceof ElastiCacheIamCredentialsProvider) ? AuthMode.IAM : AuthMode.PASSWORD;
		}
		return dataNodeAuthentication(factory).getPassword().isPresent() ? AuthMode.PASSWORD : AuthMode.NONE;
	}

	// The starter's factories hand out their one provider bean: asking creates nothing.
	private static @Nullable RedisCredentialsProvider credentialsProvider(LettuceConnectionFactory factory) {
		return factory.getClientConfiguration()
			.getRedisCredentialsProviderFactory()
			.map((providers) -> providers
				.createCredentialsProvider((RedisConfiguration) dataNodeAuthentication(factory)))
			.orElse(null);
	}

	/**
	 * The user any factory authenticates as, for reports.
	 * @param factory the factory
	 * @return the user name of a Lettuce factory, {@code null} for the default user or
	 * another factory
	 */
	static @Nullable String username(RedisConnectionFactory factory) {
		return (factory instanceof LettuceConnectionFactory lettuce) ? username(lettuce) : null;
	}

	/**
	 * How any factory authenticates, for reports.
	 * @param factory the factory
	 * @return the authentication mode of a Lettuce factory, {@code PASSWORD} for another
	 * factory
	 */
	static AuthMode authMode(RedisConnectionFactory factory) {
		return (factory instanceof LettuceConnectionFactory lettuce) ? authMode(lettuce) : AuthMode.PASSWORD;
	}

	/**
	 * The configuration that holds the user and password of the data nodes. A sentinel
	 * configuration's {@code getUsername()} and {@code getPassword()} are those of the
	 * data nodes (what its {@code getDataNodeUsername()} and
	 * {@code getDataNodePassword()} return), not the sentinels' own.
	 */
	private static WithAuthentication dataNodeAuthentication(LettuceConnectionFactory factory) {
		RedisStaticMasterReplicaConfiguration masterReplica = staticMasterReplicaConfiguration(factory);
		if (masterReplica != null) {
			return masterReplica;
		}
		RedisClusterConfiguration cluster = factory.getClusterConfiguration();
		if (cluster != null) {
			return cluster;
		}
		RedisSentinelConfiguration sentinel = factory.getSentinelConfiguration();
		return (sentinel != null) ? sentinel : factory.getStandaloneConfiguration();
	}

	/**
	 * The factory keeps a static master/replica configuration only in a private field
	 * (its accessor {@code isStaticMasterReplicaAware()} is private too, and
	 * {@code getStandaloneConfiguration()} then answers the unused default
	 * {@code localhost:6379}), so it is read reflectively: the nodes are what the factory
	 * connects to.
	 */
	private static @Nullable RedisStaticMasterReplicaConfiguration staticMasterReplicaConfiguration(
			LettuceConnectionFactory factory) {
		Field field = ReflectionUtils.findField(LettuceConnectionFactory.class, CONFIGURATION_FIELD,
				RedisConfiguration.class);
		if (field == null) {
			throw new IllegalStateException("This version of Spring Data Redis keeps no 'configuration' field in "
					+ "LettuceConnectionFactory, so the guard cannot tell which nodes a factory uses");
		}
		ReflectionUtils.makeAccessible(field);
		return (ReflectionUtils.getField(field, factory) instanceof RedisStaticMasterReplicaConfiguration masterReplica)
				? masterReplica : null;
	}

}
