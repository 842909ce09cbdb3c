package io.github.elasticachesecure.audit;

import java.util.List;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticache.model.AutomaticFailoverStatus;
import software.amazon.awssdk.services.elasticache.model.CacheCluster;
import software.amazon.awssdk.services.elasticache.model.Endpoint;
import software.amazon.awssdk.services.elasticache.model.MultiAZStatus;
import software.amazon.awssdk.services.elasticache.model.NodeGroup;
import software.amazon.awssdk.services.elasticache.model.ReplicationGroup;
import software.amazon.awssdk.services.elasticache.model.SecurityGroupMembership;
import software.amazon.awssdk.services.elasticache.model.ServerlessCache;
import software.amazon.awssdk.services.elasticache.model.TransitEncryptionMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The facts the checks read from the SDK's descriptions of a replication group, its
 * member cluster and a serverless cache.
 */
class CacheFactsTests {

	@Test
	void aReplicationGroupWithItsMember() {
		ReplicationGroup group = ReplicationGroup.builder()
			.transitEncryptionEnabled(true)
			.transitEncryptionMode(TransitEncryptionMode.PREFERRED)
			.atRestEncryptionEnabled(true)
			.kmsKeyId("key-1")
			.authTokenEnabled(true)
			.userGroupIds("orders-users")
			.engine("redis")
			.configurationEndpoint(Endpoint.builder().address("clustercfg.orders").port(6390).build())
			.automaticFailover(AutomaticFailoverStatus.ENABLED)
			.multiAZ(MultiAZStatus.ENABLED)
			.snapshotRetentionLimit(7)
			.build();
		CacheCluster member = CacheCluster.builder()
			.engine("valkey")
			.engineVersion("8.0.1")
			.cacheSubnetGroupName("orders-private")
			.securityGroups(SecurityGroupMembership.builder().securityGroupId("sg-1").build(),
					SecurityGroupMembership.builder().securityGroupId("sg-2").build())
			.build();
		CacheFacts facts = CacheFacts.of(group, member);
		assertThat(facts).isEqualTo(new CacheFacts("replication group", false, true, "preferred", true, "key-1", true,
				List.of("orders-users"), "valkey", "8.0.1", "orders-private", List.of("sg-1", "sg-2"), List.of(6390),
				true, true, 7));
	}

	@Test
	void aReplicationGroupWithoutMemberOrSettings() {
		ReplicationGroup group = ReplicationGroup.builder()
			.engine("redis")
			.automaticFailover(AutomaticFailoverStatus.DISABLED)
			.multiAZ(MultiAZStatus.DISABLED)
			.build();
		assertThat(CacheFacts.of(group, null)).isEqualTo(new CacheFacts("replication group", false, false, null, false,
				null, false, List.of(), "redis", null, null, List.of(), List.of(6379), false, false, 0));
		CacheCluster memberWithoutEngine = CacheCluster.builder().engineVersion("7.1.0").build();
		assertThat(CacheFacts.of(group, memberWithoutEngine).engine()).isEqualTo("redis");
	}

	@Test
	void theCachePortIsThePrimaryEndpointsWithoutAConfigurationEndpoint() {
		ReplicationGroup group = ReplicationGroup.builder()
			.nodeGroups(NodeGroup.builder().build(),
					NodeGroup.builder()
						.primaryEndpoint(Endpoint.builder().address("master.orders").port(6380).build())
						.build())
			.build();
		assertThat(CacheFacts.of(group, null).ports()).containsExactly(6380);
		ReplicationGroup withoutPort = ReplicationGroup.builder()
			.nodeGroups(
					NodeGroup.builder().primaryEndpoint(Endpoint.builder().address("master.orders").build()).build())
			.build();
		assertThat(CacheFacts.of(withoutPort, null).ports()).containsExactly(6379);
	}

	@Test
	void aServerlessCache() {
		ServerlessCache cache = ServerlessCache.builder()
			.kmsKeyId("key-1")
			.userGroupId("orders-users")
			.engine("valkey")
			.majorEngineVersion("8")
			.fullEngineVersion("8.0")
			.subnetIds("subnet-1", "subnet-2")
			.securityGroupIds("sg-1")
			.endpoint(Endpoint.builder().port(6379).build())
			.readerEndpoint(Endpoint.builder().port(6380).build())
			.snapshotRetentionLimit(3)
			.build();
		assertThat(CacheFacts.of(cache)).isEqualTo(new CacheFacts("serverless cache", true, true, "required", true,
				"key-1", false, List.of("orders-users"), "valkey", "8.0", "subnets subnet-1, subnet-2", List.of("sg-1"),
				List.of(6379, 6380), null, null, 3));
		ServerlessCache bare = ServerlessCache.builder()
			.majorEngineVersion("7")
			.endpoint(Endpoint.builder().build())
			.build();
		assertThat(CacheFacts.of(bare)).isEqualTo(new CacheFacts("serverless cache", true, true, "required", true, null,
				false, List.of(), null, "7", null, List.of(), List.of(6379), null, null, 0));
	}

}
