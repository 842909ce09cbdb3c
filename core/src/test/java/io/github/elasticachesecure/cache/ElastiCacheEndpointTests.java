package io.github.elasticachesecure.cache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Parsing of {@code elasticache.secure.endpoint} and what its host name tells.
 */
class ElastiCacheEndpointTests {

	@Test
	void parsesHostAndPortWithDefaultPort() {
		assertThat(ElastiCacheEndpoint.parse("cache.example:6380"))
			.isEqualTo(new ElastiCacheEndpoint("cache.example", 6380));
		assertThat(ElastiCacheEndpoint.parse(" cache.example "))
			.isEqualTo(new ElastiCacheEndpoint("cache.example", 6379));
		assertThat(ElastiCacheEndpoint.parse("[::1]:7000")).isEqualTo(new ElastiCacheEndpoint("::1", 7000));
		assertThat(ElastiCacheEndpoint.parse("[::1]:7000")).hasToString("[::1]:7000");
	}

	@Test
	void refusesMalformedValuesNamingTheProperty() {
		for (String value : new String[] { "", "rediss://a:1", "a:0", "a:x", ":6379", "[::1" }) {
			assertThatExceptionOfType(ElastiCacheConfigurationException.class)
				.isThrownBy(() -> ElastiCacheEndpoint.parse(value))
				.withMessageContaining("elasticache.secure.endpoint")
				.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("elasticache.secure.endpoint"));
		}
	}

	@Test
	void refusesUserInfoPathsQueriesAndFragmentsWithoutRepeatingThem() {
		for (String value : new String[] { "rediss://default:S3cret@host:6379", "default:S3cret@host.example:6379",
				"host.example:6379/0?password=S3cret", "host.example#S3cret", "host.example/S3cret",
				"host.example/../x" }) {
			assertThatExceptionOfType(ElastiCacheConfigurationException.class)
				.isThrownBy(() -> ElastiCacheEndpoint.parse(value))
				.satisfies((ex) -> {
					assertThat(ex.getProperty()).isEqualTo("elasticache.secure.endpoint");
					assertThat(ex.getMessage().contains("S3cret") || ex.getAction().contains("S3cret"))
						.as("secret in the report for value %d", value.length())
						.isFalse();
					assertThat(ex.getMessage()).doesNotContain("host.example");
				});
		}
	}

	@Test
	void acceptsIpv6OnlyInBrackets() {
		assertThat(ElastiCacheEndpoint.parse("[2001:db8::1]:6380"))
			.isEqualTo(new ElastiCacheEndpoint("2001:db8::1", 6380));
		assertThat(ElastiCacheEndpoint.parse("[2001:db8::1]")).isEqualTo(new ElastiCacheEndpoint("2001:db8::1", 6379));
		assertThat(ElastiCacheEndpoint.parse("[::ffff:192.0.2.1]:7000").host()).isEqualTo("::ffff:192.0.2.1");
		assertThat(ElastiCacheEndpoint.parse("[1:2:3:4:5:6:7:8]").host()).isEqualTo("1:2:3:4:5:6:7:8");
		assertRefused("2001:db8::1", "IPv6 address must be written in brackets");
		assertRefused("::1", "IPv6 address must be written in brackets");
		assertRefused("[::1]junk", "text after ']'");
		assertRefused("[::1]:6379junk", "invalid port");
		assertRefused("[2001:db8:::1]", "no valid IPv6 address");
		assertRefused("[1:2:3:4:5:6:7:8:9]", "no valid IPv6 address");
		assertRefused("[1::2::3]", "no valid IPv6 address");
		assertRefused("[cache.example]:6379", "no valid IPv6 address");
		assertRefused("[]:6379", "no valid IPv6 address");
	}

	@Test
	void acceptsPortsFrom1To65535Only() {
		assertThat(ElastiCacheEndpoint.parse("cache.example:1").port()).isEqualTo(1);
		assertThat(ElastiCacheEndpoint.parse("cache.example:65535").port()).isEqualTo(65535);
		for (String value : new String[] { "cache.example:0", "cache.example:65536", "cache.example:-1",
				"cache.example:+6379", "cache.example:", "cache.example:99999999999", "cache.example: 6379" }) {
			assertRefused(value, "invalid port");
		}
	}

	@Test
	void acceptsHostNamesAndIpv4AddressesOnly() {
		assertThat(ElastiCacheEndpoint.parse("10.0.0.1:6379").host()).isEqualTo("10.0.0.1");
		assertThat(ElastiCacheEndpoint.parse("Cache-1.Example").host()).isEqualTo("Cache-1.Example");
		for (String value : new String[] { "cache_example:6379", "-cache.example", "cache-.example", "cache..example",
				"cache.example.", "999.0.0.1", "10.0.0", "cache example:6379", "caché.example", "cache%41" }) {
			assertRefused(value, "no valid host name");
		}
		assertThat(ElastiCacheEndpoint.parse("a".repeat(63) + ".example").host()).hasSize(71);
		assertRefused("a".repeat(64) + ".example", "no valid host name");
	}

	private static void assertRefused(String value, String problem) {
		assertThatExceptionOfType(ElastiCacheConfigurationException.class).as(value)
			.isThrownBy(() -> ElastiCacheEndpoint.parse(value))
			.withMessageContaining("elasticache.secure.endpoint")
			.withMessageContaining(problem);
	}

	@Test
	void derivesCacheNameAndModeFromElastiCacheHostNames() {
		ElastiCacheEndpoint primary = ElastiCacheEndpoint.parse("master.orders-cache.abc123.use1.cache.amazonaws.com");
		assertThat(primary.cacheName()).isEqualTo("orders-cache");
		assertThat(primary.isClusterModeHostName()).isFalse();
		ElastiCacheEndpoint configuration = ElastiCacheEndpoint
			.parse("clustercfg.orders-cache.abc123.use1.cache.amazonaws.com:6379");
		assertThat(configuration.cacheName()).isEqualTo("orders-cache");
		assertThat(configuration.isClusterModeHostName()).isTrue();
		ElastiCacheEndpoint serverless = ElastiCacheEndpoint
			.parse("sessions-x1y2z3.serverless.use1.cache.amazonaws.com:6379");
		assertThat(serverless.cacheName()).isEqualTo("sessions");
		assertThat(serverless.isServerlessHostName()).isTrue();
		assertThat(serverless.isClusterModeHostName()).isTrue();
		assertThat(ElastiCacheEndpoint.parse("orders-cache-0001-001.abc123.0001.use1.cache.amazonaws.com").cacheName())
			.isNull();
		assertThat(ElastiCacheEndpoint.parse("redis.internal.example.com").cacheName()).isNull();
	}

	@Test
	void refusesUserInfoPathsQueriesAndFragmentsAtTheStartOfTheValueForWhatTheyAre() {
		assertRefused("@cache.example", "contains user information");
		for (String value : new String[] { "/cache.example", "?cache.example", "#cache.example" }) {
			assertRefused(value, "contains a path, a query or a fragment");
		}
	}

	@Test
	void repeatsAMalformedValueInTheReportOnlyWhenItCannotCarryASecret() {
		assertRefused("cache.example:0", "('cache.example:0') has an invalid port '0'");
		assertRefused("[::1]junk", "('[::1]') has text after ']'");
	}

	@Test
	void neverRepeatsWhatFollowsTheHostWhenItIsNotAPort() {
		// A password written in the port's place, after the port, or after an address in
		// brackets.
		String secret = "S3cret-after-a-colon";
		for (String value : new String[] { "cache.example:" + secret, "cache.example:6379:" + secret, "[::1]:" + secret,
				"[::1]:6379:" + secret, "[::1]" + secret, "[2001:db8:::1]:" + secret, "[::1:" + secret }) {
			assertThatExceptionOfType(ElastiCacheConfigurationException.class)
				.isThrownBy(() -> ElastiCacheEndpoint.parse(value))
				.satisfies((ex) -> assertThat(ex.getMessage() + ex.getAction()).as(value).doesNotContain(secret));
		}
		assertRefused("cache.example:" + secret, "('cache.example') has an invalid port (not repeated here");
		assertRefused("cache.example:6379:" + secret, "has more than one ':' (not repeated here");
	}

	@Test
	void acceptsEveryRfc4291FormOfAnIpv6AddressAndNoLongerOne() {
		assertThat(ElastiCacheEndpoint.parse("[2001:db8::]").host()).isEqualTo("2001:db8::");
		assertThat(ElastiCacheEndpoint.parse("[1:2:3:4:5:6:7::]").host()).isEqualTo("1:2:3:4:5:6:7::");
		assertThat(ElastiCacheEndpoint.parse("[1:2:3:4:5:6:192.0.2.1]").host()).isEqualTo("1:2:3:4:5:6:192.0.2.1");
		assertThat(ElastiCacheEndpoint.parse("[64:ff9b::192.0.2.1]:6380").port()).isEqualTo(6380);
		// Nine groups in all, however they are split around "::", or after an embedded
		// IPv4 address.
		assertRefused("[1::2:3:4:5:6:7:8]", "no valid IPv6 address");
		assertRefused("[1:2:3:4:5:6:7:8::]", "no valid IPv6 address");
		assertRefused("[1:2:3:4:5:6:7:192.0.2.1]", "no valid IPv6 address");
		assertRefused("[1:2:3:4:5:6:999.0.2.1]", "no valid IPv6 address");
	}

	@Test
	void derivesACacheNameOnlyFromAnElastiCacheHostName() {
		// A serverless host name without the '-<id>' suffix names no cache.
		assertThat(ElastiCacheEndpoint.parse("sessions.serverless.use1.cache.amazonaws.com").cacheName()).isNull();
		assertThat(ElastiCacheEndpoint.parse("master.orders.amazonaws.com").cacheName()).isEqualTo("orders");
		assertThat(ElastiCacheEndpoint.parse("master.amazonaws.com").cacheName()).isNull();
	}

	@Test
	void theHostNameGivesAwayTheTopology() {
		assertThat(
				ElastiCacheEndpoint.parse("x", "orders-abc123.serverless.use1.cache.amazonaws.com:6379").hostTopology())
			.isEqualTo(CacheTopology.SERVERLESS);
		assertThat(ElastiCacheEndpoint.parse("x", "clustercfg.orders.abc123.use1.cache.amazonaws.com").hostTopology())
			.isEqualTo(CacheTopology.CLUSTER);
		assertThat(ElastiCacheEndpoint.parse("x", "master.orders.abc123.use1.cache.amazonaws.com").hostTopology())
			.isEqualTo(CacheTopology.REPLICATION_GROUP);
		assertThat(ElastiCacheEndpoint.parse("x", "replica.orders.abc123.use1.cache.amazonaws.com").hostTopology())
			.isEqualTo(CacheTopology.REPLICATION_GROUP);
		assertThat(ElastiCacheEndpoint.parse("x", "orders-001.abc123.0001.use1.cache.amazonaws.com").hostTopology())
			.isEqualTo(CacheTopology.STANDALONE);
		assertThat(ElastiCacheEndpoint.parse("x", "redis.internal.example").hostTopology())
			.isEqualTo(CacheTopology.STANDALONE);
		assertThat(CacheTopology.CLUSTER.isClusterProtocol()).isTrue();
		assertThat(CacheTopology.SERVERLESS.isClusterProtocol()).isTrue();
		assertThat(CacheTopology.REPLICATION_GROUP.isClusterProtocol()).isFalse();
		assertThat(CacheTopology.STANDALONE.isClusterProtocol()).isFalse();
	}

	@Test
	void anInvalidPortIsReportedWithItsAction() {
		assertThatExceptionOfType(ElastiCacheConfigurationException.class)
			.isThrownBy(() -> ElastiCacheEndpoint.parse("elasticache.secure.endpoint", "localhost:70000"))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("elasticache.secure.endpoint");
				assertThat(ex.getAction()).isEqualTo("Use a port between 1 and 65535, usually 6379.");
			});
	}

}
