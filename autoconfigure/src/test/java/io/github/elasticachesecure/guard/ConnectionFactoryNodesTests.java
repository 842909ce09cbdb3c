package io.github.elasticachesecure.guard;

import java.util.List;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.secret.RotatingCredentialsProvider;
import io.github.elasticachesecure.secret.SecretCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSocketConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.RedisCredentialsProviderFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the guard reads from a factory for its reports, without connecting: where it
 * connects, as whom and how it authenticates.
 */
class ConnectionFactoryNodesTests {

	@Test
	void aStaticPasswordIsPasswordModeWithItsConfiguredUser() {
		RedisStandaloneConfiguration standalone = new RedisStandaloneConfiguration("cache.example", 6380);
		standalone.setUsername("app");
		standalone.setPassword("not-shown");
		LettuceConnectionFactory factory = new LettuceConnectionFactory(standalone);
		assertThat(ConnectionFactoryNodes.authMode(factory)).isEqualTo(AuthMode.PASSWORD);
		assertThat(ConnectionFactoryNodes.username(factory)).isEqualTo("app");
		assertThat(ConnectionFactoryNodes.describe(factory)).isEqualTo("cache.example:6380");
	}

	@Test
	void noPasswordIsNoAuthenticationAsTheDefaultUser() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("cache.example", 6379));
		assertThat(ConnectionFactoryNodes.authMode(factory)).isEqualTo(AuthMode.NONE);
		assertThat(ConnectionFactoryNodes.username(factory)).isNull();
	}

	@Test
	void aRotatingPasswordIsPasswordModeAsTheUserItHoldsNow() {
		try (RotatingCredentialsProvider provider = RotatingCredentialsProvider
			.builder(() -> SecretCredentials.of("from-the-secret", "not-shown", "v1"), "a test source")
			.build()) {
			LettuceConnectionFactory factory = factoryWith(provider, null);
			assertThat(ConnectionFactoryNodes.authMode(factory)).isEqualTo(AuthMode.PASSWORD);
			assertThat(ConnectionFactoryNodes.username(factory)).isEqualTo("from-the-secret");
			// A configured user wins over the one the provider holds.
			assertThat(ConnectionFactoryNodes.username(factoryWith(provider, "configured"))).isEqualTo("configured");
		}
	}

	@Test
	void aRotatingPasswordWithoutAUserIsTheDefaultUser() {
		try (RotatingCredentialsProvider provider = RotatingCredentialsProvider
			.builder(() -> SecretCredentials.of(null, "not-shown", "v1"), "a test source")
			.build()) {
			assertThat(ConnectionFactoryNodes.username(factoryWith(provider, null))).isNull();
		}
	}

	@Test
	void aProviderThatCannotAnswerLeavesTheUserUnknown() {
		try (RotatingCredentialsProvider provider = RotatingCredentialsProvider.builder(() -> {
			throw new IllegalStateException("store sealed");
		}, "a sealed source").build()) {
			assertThat(ConnectionFactoryNodes.authMode(factoryWith(provider, null))).isEqualTo(AuthMode.PASSWORD);
			assertThat(ConnectionFactoryNodes.username(factoryWith(provider, null))).isNull();
		}
	}

	@Test
	void aClusterFactoryIsDescribedByItsSeedsAndAuthenticatesAsItsDataNodesUser() {
		RedisClusterConfiguration cluster = new RedisClusterConfiguration(List.of("a.example:6379", "b.example:6380"));
		cluster.setUsername("cluster-user");
		cluster.setPassword("not-shown");
		LettuceConnectionFactory factory = new LettuceConnectionFactory(cluster);
		assertThat(ConnectionFactoryNodes.of(factory)).extracting(RedisNode::asString)
			.containsExactlyInAnyOrder("a.example:6379", "b.example:6380");
		assertThat(ConnectionFactoryNodes.describe(factory)).contains("a.example:6379").contains("b.example:6380");
		assertThat(ConnectionFactoryNodes.username(factory)).isEqualTo("cluster-user");
		assertThat(ConnectionFactoryNodes.authMode(factory)).isEqualTo(AuthMode.PASSWORD);
	}

	@Test
	void aUnixSocketIsDescribedAsOne() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisSocketConfiguration("/run/redis/redis.sock"));
		assertThat(ConnectionFactoryNodes.describe(factory)).isEqualTo("the Unix socket /run/redis/redis.sock");
	}

	private static LettuceConnectionFactory factoryWith(RedisCredentialsProvider provider, String username) {
		RedisStandaloneConfiguration standalone = new RedisStandaloneConfiguration("cache.example", 6379);
		standalone.setUsername(username);
		RedisCredentialsProviderFactory providers = new RedisCredentialsProviderFactory() {
			@Override
			public RedisCredentialsProvider createCredentialsProvider(RedisConfiguration configuration) {
				return provider;
			}
		};
		return new LettuceConnectionFactory(standalone,
				LettuceClientConfiguration.builder().redisCredentialsProviderFactory(providers).build());
	}

}
