package io.github.elasticachesecure.audit;

import java.time.Duration;

import io.github.elasticachesecure.audit.CacheDiscoveryException.Reason;
import io.github.elasticachesecure.cache.CacheNode;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.cache.ElastiCacheEndpoint;
import io.github.elasticachesecure.testsupport.FakeAwsApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import static io.github.elasticachesecure.testsupport.AwsFixtures.cacheClustersAt;
import static io.github.elasticachesecure.testsupport.AwsFixtures.clusterReplicationGroupAt;
import static io.github.elasticachesecure.testsupport.AwsFixtures.replicationGroup;
import static io.github.elasticachesecure.testsupport.AwsFixtures.replicationGroupAt;
import static io.github.elasticachesecure.testsupport.AwsFixtures.serverlessCacheAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Discovery against the ElastiCache query API played on loopback in its real wire format:
 * the SDK's own unmarshallers read the stand-in's answers, so every value asserted here
 * passed through them.
 */
class CacheDiscoveryIntegrationTests {

	private static final String SECRET_KEY = "S3cret-discovery-key-wJalrXUtnFEMI";

	@RegisterExtension
	final FakeAwsApi aws = FakeAwsApi.forEachTest();

	private static DiscoveredCache discover(String name) {
		return discover(name, false);
	}

	private static DiscoveredCache discover(String name, boolean nodeZones) {
		return CacheDiscovery.discover(name, "us-east-1",
				StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", SECRET_KEY)),
				Duration.ofSeconds(5), nodeZones);
	}

	private static CacheDiscoveryException failure(String name) {
		return failure(name, false);
	}

	private static CacheDiscoveryException failure(String name, boolean nodeZones) {
		CacheDiscoveryException ex = catchThrowableOfType(CacheDiscoveryException.class,
				() -> discover(name, nodeZones));
		assertThat(ex).as("discovery failure").isNotNull();
		assertThat(ex.getCacheName()).isEqualTo(name);
		assertThat(ex.getMessage()).contains("'" + name + "'").doesNotContain(SECRET_KEY);
		return ex;
	}

	@Test
	void replicationGroupWithClusterModeDisabledGivesItsEndpointsAndNodeZones() {
		this.aws.answer("DescribeReplicationGroups",
				replicationGroupAt("orders", "required", "master.orders.x:6379", "replica.orders.x:6380",
						"node-a.x:6379 us-east-1a primary", "node-b.x:6381 us-east-1b replica",
						"node-a.x:6382 us-east-1a replica"));
		DiscoveredCache cache = discover("orders");
		assertThat(cache.topology()).isEqualTo(CacheTopology.REPLICATION_GROUP);
		assertThat(cache.endpoint()).isEqualTo(new ElastiCacheEndpoint("master.orders.x", 6379));
		assertThat(cache.reader()).isEqualTo(new ElastiCacheEndpoint("replica.orders.x", 6380));
		assertThat(cache.action()).isEqualTo("elasticache:DescribeReplicationGroups");
		assertThat(cache.nodes()).containsExactly(new CacheNode("node-a.x", 6379, "us-east-1a", "primary"),
				new CacheNode("node-b.x", 6381, "us-east-1b", "replica"),
				new CacheNode("node-a.x", 6382, "us-east-1a", "replica"));
		assertThat(cache.toString()).contains("'orders' in us-east-1").contains("node-a.x:6382 replica in us-east-1a");
		assertThat(this.aws.actions()).containsExactly("DescribeReplicationGroups");
	}

	@Test
	void replicationGroupWithoutReplicasHasNoReaderEndpoint() {
		this.aws.answer("DescribeReplicationGroups", replicationGroupAt("orders", "required", "master.orders.x:6379",
				"replica.orders.x:6379", "node-a.x:6379 us-east-1a primary"));
		assertThat(discover("orders").reader()).isNull();
	}

	@Test
	void replicationGroupWithClusterModeEnabledGivesItsConfigurationEndpoint() {
		this.aws.answer("DescribeReplicationGroups", clusterReplicationGroupAt("orders", "clustercfg.orders.x:6390"));
		DiscoveredCache cache = discover("orders");
		assertThat(cache.topology()).isEqualTo(CacheTopology.CLUSTER);
		assertThat(cache.endpoint()).isEqualTo(new ElastiCacheEndpoint("clustercfg.orders.x", 6390));
		assertThat(cache.reader()).isNull();
		assertThat(cache.nodes()).isEmpty();
		assertThat(this.aws.actions()).containsExactly("DescribeReplicationGroups");
	}

	@Test
	void clusterModeNodesAndTheirZonesComeFromDescribeCacheClustersWhenAskedFor() {
		this.aws.answer("DescribeReplicationGroups", clusterReplicationGroupAt("orders", "clustercfg.orders.x:6390"))
			.answer("DescribeCacheClusters", cacheClustersAt("orders", "node-1.x:6379 us-east-1a",
					"node-2.x:6379 us-east-1b", "node-1.x:6380 us-east-1c"));
		DiscoveredCache cache = discover("orders", true);
		assertThat(cache.topology()).isEqualTo(CacheTopology.CLUSTER);
		assertThat(cache.endpoint()).isEqualTo(new ElastiCacheEndpoint("clustercfg.orders.x", 6390));
		assertThat(cache.nodes()).containsExactly(new CacheNode("node-1.x", 6379, "us-east-1a", null),
				new CacheNode("node-2.x", 6379, "us-east-1b", null),
				new CacheNode("node-1.x", 6380, "us-east-1c", null));
		assertThat(this.aws.actions()).containsExactly("DescribeReplicationGroups", "DescribeCacheClusters");
	}

	@Test
	void deniedDescribeCacheClustersNamesTheAction() {
		this.aws.answer("DescribeReplicationGroups", clusterReplicationGroupAt("orders", "clustercfg.orders.x:6390"))
			.elastiCacheError("DescribeCacheClusters", 403, "AccessDenied", "not authorized");
		CacheDiscoveryException ex = failure("orders", true);
		assertThat(ex.getReason()).isEqualTo(Reason.ACCESS_DENIED);
		assertThat(ex.getAction()).isEqualTo("elasticache:DescribeCacheClusters");
	}

	@Test
	void serverlessCacheIsLookedUpWhenNoReplicationGroupHasTheName() {
		this.aws
			.elastiCacheError("DescribeReplicationGroups", 404, "ReplicationGroupNotFoundFault",
					"ReplicationGroup orders not found.")
			.answer("DescribeServerlessCaches", serverlessCacheAt("orders", "orders-x1.serverless.x:6379"));
		DiscoveredCache cache = discover("orders");
		assertThat(cache.topology()).isEqualTo(CacheTopology.SERVERLESS);
		assertThat(cache.endpoint()).isEqualTo(new ElastiCacheEndpoint("orders-x1.serverless.x", 6379));
		assertThat(cache.action()).isEqualTo("elasticache:DescribeServerlessCaches");
		assertThat(this.aws.actions()).containsExactly("DescribeReplicationGroups", "DescribeServerlessCaches");
	}

	@Test
	void neitherReplicationGroupNorServerlessCacheIsNotFound() {
		this.aws
			.elastiCacheError("DescribeReplicationGroups", 404, "ReplicationGroupNotFoundFault",
					"ReplicationGroup orders not found.")
			.elastiCacheError("DescribeServerlessCaches", 404, "ServerlessCacheNotFoundFault",
					"Serverless cache orders not found.");
		CacheDiscoveryException ex = failure("orders");
		assertThat(ex.getReason()).isEqualTo(Reason.NOT_FOUND);
		assertThat(ex.getMessage()).contains("in us-east-1");
		assertThat(ex.getFix()).contains("elasticache.secure.cache-name");
	}

	@Test
	void transitEncryptionPreferredIsRefused() {
		this.aws.answer("DescribeReplicationGroups", replicationGroupAt("orders", "preferred", "master.orders.x:6379",
				"replica.orders.x:6379", "node-a.x:6379 us-east-1a primary"));
		CacheDiscoveryException ex = failure("orders");
		assertThat(ex.getReason()).isEqualTo(Reason.TRANSIT_ENCRYPTION_NOT_REQUIRED);
		assertThat(ex.getMessage()).contains("does not require TLS").contains("mode is preferred");
		assertThat(ex.getFix()).contains("TransitEncryptionMode=required");
	}

	@Test
	void transitEncryptionDisabledIsRefused() {
		this.aws.answer("DescribeReplicationGroups",
				replicationGroup("orders", false, null, true, null, "orders-users"));
		CacheDiscoveryException ex = failure("orders");
		assertThat(ex.getReason()).isEqualTo(Reason.TRANSIT_ENCRYPTION_NOT_REQUIRED);
		assertThat(ex.getMessage()).contains("disabled");
	}

	@Test
	void deniedDescribeReplicationGroupsNamesTheAction() {
		this.aws.elastiCacheError("DescribeReplicationGroups", 403, "AccessDenied",
				"User: arn:aws:sts::123456789012:assumed-role/app/i-0abc is not authorized to perform: "
						+ "elasticache:DescribeReplicationGroups");
		CacheDiscoveryException ex = failure("orders");
		assertThat(ex.getReason()).isEqualTo(Reason.ACCESS_DENIED);
		assertThat(ex.getAction()).isEqualTo("elasticache:DescribeReplicationGroups");
		assertThat(ex.getFix()).contains("Allow the IAM action 'elasticache:DescribeReplicationGroups'");
	}

	@Test
	void deniedDescribeServerlessCachesNamesTheAction() {
		this.aws
			.elastiCacheError("DescribeReplicationGroups", 404, "ReplicationGroupNotFoundFault",
					"ReplicationGroup orders not found.")
			.elastiCacheError("DescribeServerlessCaches", 403, "AccessDenied", "not authorized");
		CacheDiscoveryException ex = failure("orders");
		assertThat(ex.getReason()).isEqualTo(Reason.ACCESS_DENIED);
		assertThat(ex.getAction()).isEqualTo("elasticache:DescribeServerlessCaches");
	}

	@Test
	void otherApiErrorsAreUnavailableWithTheCode() {
		this.aws.elastiCacheError("DescribeReplicationGroups", 400, "InvalidParameterValue", "bad id");
		CacheDiscoveryException ex = failure("orders");
		assertThat(ex.getReason()).isEqualTo(Reason.UNAVAILABLE);
		assertThat(ex.getMessage()).contains("InvalidParameterValue (HTTP 400)");
	}

}
