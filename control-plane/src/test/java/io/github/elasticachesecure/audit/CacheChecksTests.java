package io.github.elasticachesecure.audit;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The posture checks of one cache's facts, without the AWS APIs.
 */
class CacheChecksTests {

	@Test
	@DisplayName("a cache with neither a subnet group nor a VPC security group fails the VPC check, HIGH")
	void cacheOutsideAVpcIsAHighFailure() {
		Finding vpc = CacheChecks.vpc(facts(null, List.of()));
		assertThat(vpc.id()).isEqualTo("vpc");
		assertThat(vpc.passed()).isFalse();
		assertThat(vpc.isHighFailure()).isTrue();
		assertThat(vpc.found()).contains("not in a VPC");
	}

	@Test
	@DisplayName("a cache in a subnet group, or with VPC security groups, passes the VPC check")
	void cacheInAVpcPasses() {
		Finding subnetGroup = CacheChecks.vpc(facts("orders-private", List.of("sg-0123456789abcdef0")));
		assertThat(subnetGroup.passed()).isTrue();
		assertThat(subnetGroup.isHighFailure()).isFalse();
		assertThat(subnetGroup.found()).contains("orders-private");
		Finding securityGroupsOnly = CacheChecks.vpc(facts(null, List.of("sg-0123456789abcdef0")));
		assertThat(securityGroupsOnly.passed()).isTrue();
		assertThat(securityGroupsOnly.isHighFailure()).isFalse();
	}

	private static CacheFacts facts(@Nullable String subnetGroup, List<String> securityGroupIds) {
		return new CacheFacts("replication group", false, true, "required", true, null, false, List.of("orders-users"),
				"valkey", "7.2.4", subnetGroup, securityGroupIds, List.of(6379), true, true, 1);
	}

}
