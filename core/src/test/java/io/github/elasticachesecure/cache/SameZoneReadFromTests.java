package io.github.elasticachesecure.cache;

import java.util.Iterator;
import java.util.List;

import io.lettuce.core.OrderingReadFromAccessor;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisURI;
import io.lettuce.core.models.role.RedisInstance;
import io.lettuce.core.models.role.RedisNodeDescription;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SameZoneReadFrom}: the order of the candidates Lettuce gets for a read.
 */
class SameZoneReadFromTests {

	// Two nodes share a host: only host and port together tell them apart.
	private static final List<CacheNode> NODES = List.of(new CacheNode("node-1.x", 6379, "us-east-1a", "primary"),
			new CacheNode("node-2.x", 6379, "us-east-1b", "replica"),
			new CacheNode("NODE-1.x", 6380, "us-east-1a", "replica"),
			new CacheNode("node-3.x", 6379, "us-east-1c", "replica"));

	private final SameZoneReadFrom readFrom = new SameZoneReadFrom("us-east-1a", NODES);

	private static RedisNodeDescription node(String host, int port, RedisInstance.Role role) {
		RedisURI uri = RedisURI.create(host, port);
		return new RedisNodeDescription() {

			@Override
			public RedisURI getUri() {
				return uri;
			}

			@Override
			public RedisInstance.Role getRole() {
				return role;
			}

			@Override
			public String toString() {
				return uri.getHost() + ":" + uri.getPort();
			}

		};
	}

	private List<String> select(RedisNodeDescription... nodes) {
		List<RedisNodeDescription> all = List.of(nodes);
		ReadFrom.Nodes candidates = new ReadFrom.Nodes() {

			@Override
			public List<RedisNodeDescription> getNodes() {
				return all;
			}

			@Override
			public Iterator<RedisNodeDescription> iterator() {
				return all.iterator();
			}

		};
		return this.readFrom.select(candidates).stream().map(Object::toString).toList();
	}

	@Test
	void sameZoneReplicaFirstThenOtherReplicasThenThePrimary() {
		assertThat(select(node("node-1.x", 6379, RedisInstance.Role.UPSTREAM),
				node("node-2.x", 6379, RedisInstance.Role.REPLICA), node("node-3.x", 6379, RedisInstance.Role.REPLICA),
				node("node-1.x", 6380, RedisInstance.Role.REPLICA)))
			.containsExactly("node-1.x:6380", "node-2.x:6379", "node-3.x:6379", "node-1.x:6379");
	}

	@Test
	void withoutASameZoneReplicaAnyReplicaComesBeforeThePrimary() {
		assertThat(select(node("node-2.x", 6379, RedisInstance.Role.REPLICA),
				node("node-1.x", 6379, RedisInstance.Role.UPSTREAM)))
			.containsExactly("node-2.x:6379", "node-1.x:6379");
	}

	@Test
	void theRoleLettuceKnowsNowDecidesNotTheOneDescribedAtStartup() {
		// after a failover: the described primary is a replica in the same zone, the
		// replica in zone b is the primary
		assertThat(select(node("node-1.x", 6379, RedisInstance.Role.REPLICA),
				node("node-2.x", 6379, RedisInstance.Role.UPSTREAM),
				node("node-3.x", 6379, RedisInstance.Role.REPLICA)))
			.containsExactly("node-1.x:6379", "node-3.x:6379", "node-2.x:6379");
	}

	@Test
	void zonesAreMatchedByHostAndPortHostWithoutCase() {
		assertThat(this.readFrom.zoneOf(RedisURI.create("node-1.x", 6380))).isEqualTo("us-east-1a");
		assertThat(this.readFrom.zoneOf(RedisURI.create("node-1.x", 6379))).isEqualTo("us-east-1a");
		assertThat(this.readFrom.zoneOf(RedisURI.create("node-2.x", 6380))).isNull();
		assertThat(this.readFrom.zoneOf(RedisURI.create("node-9.x", 6379))).isNull();
	}

	@Test
	void lettuceTakesTheFirstOpenCandidateRatherThanARandomOne() {
		assertThat(OrderingReadFromAccessor.isOrderSensitive(this.readFrom)).isTrue();
	}

}
