package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.github.elasticachesecure.testkit.LocalElastiCache;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testsupport.FakeAwsApi;

import org.springframework.data.redis.core.StringRedisTemplate;

import static io.github.elasticachesecure.testsupport.AwsFixtures.replicationGroupAt;
import static org.awaitility.Awaitility.await;

/**
 * The replication group the same-zone suites read from, as the API stand-in describes it:
 * the primary (node 0) and one replica (node 2) in us-east-1a, the other replica (node 1)
 * in us-east-1b.
 */
final class SameZoneReplicationGroup {

	private SameZoneReplicationGroup() {
	}

	/**
	 * Answer DescribeReplicationGroups for the cache {@code orders} with the group.
	 */
	static void describe(FakeAwsApi aws, LocalElastiCache group) {
		List<RedisServerProcess> nodes = group.nodes();
		aws.answer("DescribeReplicationGroups",
				replicationGroupAt("orders", "required", group.endpoint(), group.readerEndpoint(),
						"localhost:" + nodes.get(0).port() + " us-east-1a primary",
						"localhost:" + nodes.get(1).port() + " us-east-1b replica",
						"localhost:" + nodes.get(2).port() + " us-east-1a replica"));
	}

	/**
	 * Write the key the reads read, wait until both replicas hold it, then reset every
	 * node's command counters, so that what they count next is the reads.
	 */
	static void writeThenResetCounters(StringRedisTemplate template, LocalElastiCache group) {
		template.opsForValue().set("zone", "a");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "a".equals(group.nodes().get(1).command("GET", "zone"))
					&& "a".equals(group.nodes().get(2).command("GET", "zone")));
		for (RedisServerProcess node : group.nodes()) {
			node.adminCommand("CONFIG", "RESETSTAT");
		}
	}

}
