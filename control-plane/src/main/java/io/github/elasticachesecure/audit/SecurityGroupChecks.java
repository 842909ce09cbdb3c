package io.github.elasticachesecure.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * No security group attached to the cache may let the whole internet ({@code 0.0.0.0/0}
 * or {@code ::/0}) reach a port the cache listens on.
 */
final class SecurityGroupChecks {

	static final String ID = "security-group";

	private SecurityGroupChecks() {
	}

	static List<Finding> openToTheWorld(CacheFacts cache, List<SecurityGroup> groups) {
		List<Finding> findings = new ArrayList<>();
		for (SecurityGroup group : groups) {
			List<String> rules = new ArrayList<>();
			for (IpPermission permission : group.ipPermissions()) {
				if (coversAPort(permission, cache.ports())) {
					for (IpRange range : permission.ipRanges()) {
						if ("0.0.0.0/0".equals(range.cidrIp())) {
							rules.add(describe(permission, range.cidrIp()));
						}
					}
					for (Ipv6Range range : permission.ipv6Ranges()) {
						if ("::/0".equals(range.cidrIpv6())) {
							rules.add(describe(permission, range.cidrIpv6()));
						}
					}
				}
			}
			String name = group.groupId() + " (" + group.groupName() + ")";
			findings.add(rules.isEmpty()
					? Finding.pass(ID, Severity.HIGH,
							"Security group " + name + " allows no ingress from anywhere " + "to port " + ports(cache)
									+ ".")
					: Finding.fail(ID, Severity.HIGH, "Security group " + name + " allows ingress from the whole "
							+ "internet to the cache's port " + ports(cache) + ": " + String.join("; ", rules) + ".",
							"Remove the rule(s) (aws ec2 revoke-security-group-ingress --group-id " + group.groupId()
									+ " ...) and allow only the application's security group on the cache port."));
		}
		return findings;
	}

	private static boolean coversAPort(IpPermission permission, List<Integer> ports) {
		if ("-1".equals(permission.ipProtocol())) {
			return true;
		}
		if (!"tcp".equalsIgnoreCase(permission.ipProtocol()) && !"6".equals(permission.ipProtocol())) {
			return false;
		}
		int from = (permission.fromPort() != null) ? permission.fromPort() : 0;
		int to = (permission.toPort() != null) ? permission.toPort() : 65535;
		return ports.stream().anyMatch((port) -> port >= from && port <= to);
	}

	private static String describe(IpPermission permission, String source) {
		String ports = "-1".equals(permission.ipProtocol()) ? "all traffic"
				: "tcp " + (Objects.equals(permission.fromPort(), permission.toPort()) ? permission.fromPort()
						: permission.fromPort() + "-" + permission.toPort());
		return "inbound " + ports + " from " + source;
	}

	private static String ports(CacheFacts cache) {
		return cache.ports().stream().map(String::valueOf).reduce((a, b) -> a + "/" + b).orElse("");
	}

}
