package io.github.elasticachesecure.audit;

import java.util.List;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The check of a cache's security groups, on the SDK's model objects without the AWS
 * APIs.
 */
class SecurityGroupChecksTests {

	private static final CacheFacts CACHE = new CacheFacts("replication group", false, true, "required", true, null,
			false, List.of("orders-users"), "valkey", "7.2.4", "orders-private", List.of("sg-1"), List.of(6379), true,
			true, 1);

	private static final CacheFacts SERVERLESS = new CacheFacts("serverless cache", true, true, "required", true, null,
			false, List.of("orders-users"), "valkey", "8.0", null, List.of("sg-1"), List.of(6379, 6380), null, null, 0);

	@Test
	void ingressFromAnywhereToTheCachePortIsAHighFailureNamingTheRules() {
		SecurityGroup group = group(permission("tcp", 6379, 6379, "0.0.0.0/0", null),
				permission("-1", null, null, null, "::/0"), permission("tcp", 6000, 7000, "10.0.0.0/8", "::/0"));
		List<Finding> findings = SecurityGroupChecks.openToTheWorld(CACHE, List.of(group));
		assertThat(findings).singleElement().satisfies((finding) -> {
			assertThat(finding.id()).isEqualTo("security-group");
			assertThat(finding.isHighFailure()).isTrue();
			assertThat(finding.found()).isEqualTo("Security group sg-1 (orders-cache) allows ingress from the whole "
					+ "internet to the cache's port 6379: inbound tcp 6379 from 0.0.0.0/0; inbound all traffic from "
					+ "::/0; inbound tcp 6000-7000 from ::/0.");
			assertThat(finding.fix()).isEqualTo("Remove the rule(s) (aws ec2 revoke-security-group-ingress --group-id "
					+ "sg-1 ...) and allow only the application's security group on the cache port.");
		});
	}

	@Test
	void ingressFromAnywhereToOtherPortsOrProtocolsPasses() {
		SecurityGroup group = group(permission("tcp", 22, 22, "0.0.0.0/0", "::/0"),
				permission("udp", 6379, 6379, "0.0.0.0/0", "::/0"), permission("tcp", 6380, 6400, "0.0.0.0/0", null),
				permission("tcp", 6000, 6378, "0.0.0.0/0", null),
				permission("tcp", 6379, 6379, "10.0.0.0/8", "fd00::/8"));
		List<Finding> findings = SecurityGroupChecks.openToTheWorld(CACHE, List.of(group));
		assertThat(findings).singleElement().satisfies((finding) -> {
			assertThat(finding.passed()).isTrue();
			assertThat(finding.severity()).isEqualTo(Severity.HIGH);
			assertThat(finding.found())
				.isEqualTo("Security group sg-1 (orders-cache) allows no ingress from anywhere to port 6379.");
		});
	}

	@Test
	void aRuleWithoutPortsCoversEveryPortAndProtocolSixIsTcp() {
		SecurityGroup group = group(permission("6", null, null, "0.0.0.0/0", null),
				permission("TCP", 6380, null, "0.0.0.0/0", null));
		Finding finding = SecurityGroupChecks.openToTheWorld(SERVERLESS, List.of(group)).get(0);
		assertThat(finding.isHighFailure()).isTrue();
		assertThat(finding.found())
			.isEqualTo("Security group sg-1 (orders-cache) allows ingress from the whole internet "
					+ "to the cache's port 6379/6380: inbound tcp null from 0.0.0.0/0; inbound tcp 6380-null from 0.0.0.0/0.");
	}

	@Test
	void eachGroupHasItsFinding() {
		List<Finding> findings = SecurityGroupChecks.openToTheWorld(CACHE,
				List.of(group(), group(permission("tcp", 6379, 6379, "0.0.0.0/0", null))));
		assertThat(findings).extracting(Finding::passed).containsExactly(true, false);
		assertThat(SecurityGroupChecks.openToTheWorld(CACHE, List.of())).isEmpty();
	}

	private static SecurityGroup group(IpPermission... permissions) {
		return SecurityGroup.builder().groupId("sg-1").groupName("orders-cache").ipPermissions(permissions).build();
	}

	private static IpPermission permission(String protocol, Integer from, Integer to, String ipv4, String ipv6) {
		IpPermission.Builder permission = IpPermission.builder().ipProtocol(protocol).fromPort(from).toPort(to);
		if (ipv4 != null) {
			permission.ipRanges(IpRange.builder().cidrIp(ipv4).build());
		}
		if (ipv6 != null) {
			permission.ipv6Ranges(Ipv6Range.builder().cidrIpv6(ipv6).build());
		}
		return permission.build();
	}

}
