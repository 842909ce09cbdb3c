package io.github.elasticachesecure.testsupport;

/**
 * Response bodies in the shapes of the ElastiCache and EC2 API reference examples, with
 * the settings a test varies.
 */
public final class AwsFixtures {

	private AwsFixtures() {
	}

	public static String replicationGroup(String id, boolean transit, String mode, boolean atRest, String kmsKey,
			String userGroup) {
		return "<ReplicationGroups><ReplicationGroup>" + "<ReplicationGroupId>" + id
				+ "</ReplicationGroupId><Description>orders cache</Description>"
				+ "<Status>available</Status><PendingModifiedValues/>" + "<MemberClusters><ClusterId>" + id
				+ "-001</ClusterId><ClusterId>" + id + "-002</ClusterId></MemberClusters>"
				+ "<NodeGroups><NodeGroup><NodeGroupId>0001</NodeGroupId><Status>available</Status>"
				+ "<PrimaryEndpoint><Address>master." + id
				+ ".abc123.use1.cache.amazonaws.com</Address><Port>6379</Port>"
				+ "</PrimaryEndpoint><ReaderEndpoint><Address>replica." + id
				+ ".abc123.use1.cache.amazonaws.com</Address>"
				+ "<Port>6379</Port></ReaderEndpoint><NodeGroupMembers><NodeGroupMember><CacheClusterId>" + id
				+ "-001</CacheClusterId><CacheNodeId>0001</CacheNodeId><PreferredAvailabilityZone>us-east-1a"
				+ "</PreferredAvailabilityZone><CurrentRole>primary</CurrentRole></NodeGroupMember></NodeGroupMembers>"
				+ "</NodeGroup></NodeGroups>"
				+ "<AutomaticFailover>enabled</AutomaticFailover><MultiAZ>enabled</MultiAZ>"
				+ "<SnapshotRetentionLimit>1</SnapshotRetentionLimit><SnapshotWindow>06:00-07:00</SnapshotWindow>"
				+ "<ClusterEnabled>false</ClusterEnabled><CacheNodeType>cache.r6g.large</CacheNodeType>"
				+ "<AuthTokenEnabled>false</AuthTokenEnabled>" + "<TransitEncryptionEnabled>" + transit
				+ "</TransitEncryptionEnabled>" + "<AtRestEncryptionEnabled>" + atRest + "</AtRestEncryptionEnabled>"
				+ ((kmsKey != null) ? "<KmsKeyId>" + kmsKey + "</KmsKeyId>" : "")
				+ "<ARN>arn:aws:elasticache:us-east-1:123456789012:replicationgroup:" + id + "</ARN>"
				+ ((userGroup != null) ? "<UserGroupIds><member>" + userGroup + "</member></UserGroupIds>" : "")
				+ ((mode != null) ? "<TransitEncryptionMode>" + mode + "</TransitEncryptionMode>" : "")
				+ "<ClusterMode>disabled</ClusterMode><Engine>valkey</Engine>"
				+ "</ReplicationGroup></ReplicationGroups>";
	}

	/**
	 * A replication group with cluster mode disabled whose endpoints are the given
	 * {@code host:port} ones: its primary endpoint, its reader endpoint, and one member
	 * per {@code host:port zone role} text (such as {@code localhost:6380 us-east-1a
	 * replica}), each with its read endpoint and preferred Availability Zone.
	 */
	public static String replicationGroupAt(String id, String mode, String primary, String reader, String... members) {
		StringBuilder nodes = new StringBuilder();
		for (int i = 0; i < members.length; i++) {
			String[] member = members[i].split(" ");
			nodes.append("<NodeGroupMember><CacheClusterId>")
				.append(id)
				.append("-00")
				.append(i + 1)
				.append("</CacheClusterId><CacheNodeId>0001</CacheNodeId>")
				.append(endpoint("ReadEndpoint", member[0]))
				.append("<PreferredAvailabilityZone>")
				.append(member[1])
				.append("</PreferredAvailabilityZone><CurrentRole>")
				.append(member[2])
				.append("</CurrentRole></NodeGroupMember>");
		}
		return replicationGroup(id, true, mode, true, null, null).replaceAll("<PrimaryEndpoint>.*</NodeGroupMembers>",
				endpoint("PrimaryEndpoint", primary) + endpoint("ReaderEndpoint", reader) + "<NodeGroupMembers>" + nodes
						+ "</NodeGroupMembers>");
	}

	/**
	 * A replication group with cluster mode enabled whose configuration endpoint is the
	 * given {@code host:port}: as DescribeReplicationGroups reports one, its node groups'
	 * members carry no endpoints.
	 */
	public static String clusterReplicationGroupAt(String id, String configuration) {
		return replicationGroup(id, true, "required", true, null, null)
			.replaceAll("<PrimaryEndpoint>.*</ReaderEndpoint>", "")
			.replace("<ClusterEnabled>false</ClusterEnabled>",
					"<ClusterEnabled>true</ClusterEnabled>" + endpoint("ConfigurationEndpoint", configuration))
			.replace("<ClusterMode>disabled</ClusterMode>", "<ClusterMode>enabled</ClusterMode>");
	}

	/**
	 * A serverless cache whose endpoint is the given {@code host:port}, and whose reader
	 * endpoint is the same host on the next port.
	 */
	public static String serverlessCacheAt(String name, String endpoint) {
		String host = endpoint.substring(0, endpoint.lastIndexOf(':'));
		int port = Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
		return serverlessCache(name, null, "sg-0123456789abcdef0").replaceAll("<Endpoint>.*</ReaderEndpoint>",
				endpoint("Endpoint", endpoint) + endpoint("ReaderEndpoint", host + ":" + (port + 1)));
	}

	/**
	 * The cache clusters of a cluster-mode replication group with their node endpoints
	 * (DescribeCacheClusters with ShowCacheNodeInfo), one per {@code host:port zone}
	 * text, and a cluster of another group that is to be left out.
	 */
	public static String cacheClustersAt(String groupId, String... nodes) {
		StringBuilder clusters = new StringBuilder("<CacheClusters>");
		for (int i = 0; i < nodes.length; i++) {
			String[] node = nodes[i].split(" ");
			clusters.append(cacheClusterWithNode(groupId + "-000" + (i + 1) + "-001", groupId, node[0], node[1]));
		}
		clusters.append(cacheClusterWithNode("other-0001-001", "other", "other.x:6379", "us-east-1a"));
		return clusters.append("</CacheClusters>").toString();
	}

	private static String cacheClusterWithNode(String id, String groupId, String hostAndPort, String zone) {
		return "<CacheCluster><CacheClusterId>" + id + "</CacheClusterId><CacheNodeType>cache.r6g.large</CacheNodeType>"
				+ "<Engine>valkey</Engine><EngineVersion>7.2.4</EngineVersion><CacheClusterStatus>available"
				+ "</CacheClusterStatus><NumCacheNodes>1</NumCacheNodes><PreferredAvailabilityZone>" + zone
				+ "</PreferredAvailabilityZone><CacheNodes><CacheNode><CacheNodeId>0001</CacheNodeId>"
				+ "<CacheNodeStatus>available</CacheNodeStatus>" + endpoint("Endpoint", hostAndPort)
				+ "<CustomerAvailabilityZone>" + zone + "</CustomerAvailabilityZone></CacheNode></CacheNodes>"
				+ "<ReplicationGroupId>" + groupId + "</ReplicationGroupId><TransitEncryptionEnabled>true"
				+ "</TransitEncryptionEnabled></CacheCluster>";
	}

	private static String endpoint(String element, String hostAndPort) {
		int colon = hostAndPort.lastIndexOf(':');
		return "<" + element + "><Address>" + hostAndPort.substring(0, colon) + "</Address><Port>"
				+ hostAndPort.substring(colon + 1) + "</Port></" + element + ">";
	}

	public static String cacheCluster(String id, String engine, String version, String securityGroup) {
		return "<CacheClusters><CacheCluster><CacheClusterId>" + id + "-001</CacheClusterId>"
				+ "<CacheNodeType>cache.r6g.large</CacheNodeType><Engine>" + engine + "</Engine><EngineVersion>"
				+ version
				+ "</EngineVersion><CacheClusterStatus>available</CacheClusterStatus><NumCacheNodes>1</NumCacheNodes>"
				+ "<PreferredAvailabilityZone>us-east-1a</PreferredAvailabilityZone>"
				+ "<CacheSecurityGroups/><CacheSubnetGroupName>orders-private</CacheSubnetGroupName>"
				+ "<SecurityGroups><member><SecurityGroupId>" + securityGroup
				+ "</SecurityGroupId><Status>active</Status>" + "</member></SecurityGroups><ReplicationGroupId>" + id
				+ "</ReplicationGroupId>" + "</CacheCluster></CacheClusters>";
	}

	public static String serverlessCache(String name, String userGroup, String securityGroup) {
		return "<ServerlessCaches><member><ServerlessCacheName>" + name + "</ServerlessCacheName>"
				+ "<Description>orders</Description><CreateTime>2026-11-01T10:00:00Z</CreateTime><Status>available</Status>"
				+ "<Engine>valkey</Engine><MajorEngineVersion>8</MajorEngineVersion><FullEngineVersion>8.0</FullEngineVersion>"
				+ "<SecurityGroupIds><SecurityGroupId>" + securityGroup + "</SecurityGroupId></SecurityGroupIds>"
				+ "<Endpoint><Address>" + name
				+ "-x1y2z3.serverless.use1.cache.amazonaws.com</Address><Port>6379</Port>"
				+ "</Endpoint><ReaderEndpoint><Address>" + name
				+ "-x1y2z3.serverless.use1.cache.amazonaws.com</Address>" + "<Port>6380</Port></ReaderEndpoint>"
				+ "<ARN>arn:aws:elasticache:us-east-1:123456789012:serverlesscache:" + name + "</ARN>"
				+ ((userGroup != null) ? "<UserGroupId>" + userGroup + "</UserGroupId>" : "")
				+ "<SubnetIds><SubnetId>subnet-0a1b2c3d</SubnetId><SubnetId>subnet-4e5f6a7b</SubnetId></SubnetIds>"
				+ "<SnapshotRetentionLimit>0</SnapshotRetentionLimit></member></ServerlessCaches>";
	}

	public static String userGroup(String id, String... userIds) {
		StringBuilder users = new StringBuilder();
		for (String user : userIds) {
			users.append("<member>").append(user).append("</member>");
		}
		return "<UserGroups><member><UserGroupId>" + id + "</UserGroupId><Status>active</Status><Engine>valkey</Engine>"
				+ "<UserIds>" + users + "</UserIds><MinimumEngineVersion>7.2</MinimumEngineVersion>"
				+ "<ReplicationGroups><member>orders</member></ReplicationGroups>"
				+ "<ARN>arn:aws:elasticache:us-east-1:123456789012:usergroup:" + id + "</ARN></member></UserGroups>";
	}

	public static String users(String... users) {
		return "<Users>" + String.join("", users) + "</Users>";
	}

	public static String user(String id, String name, String access, String authType, String group) {
		return "<member><UserId>" + id + "</UserId><UserName>" + name + "</UserName><Status>active</Status>"
				+ "<Engine>valkey</Engine><MinimumEngineVersion>7.2</MinimumEngineVersion><AccessString>" + access
				+ "</AccessString><UserGroupIds><member>" + group + "</member></UserGroupIds><Authentication><Type>"
				+ authType + "</Type>" + ("password".equals(authType) ? "<PasswordCount>1</PasswordCount>" : "")
				+ "</Authentication><ARN>arn:aws:elasticache:us-east-1:123456789012:user:" + id + "</ARN></member>";
	}

	public static String securityGroup(String id, String name, String protocol, int from, int to, String ipv4,
			String ipv6) {
		return "<securityGroupInfo><item><ownerId>123456789012</ownerId><groupId>" + id + "</groupId><groupName>" + name
				+ "</groupName><groupDescription>cache access</groupDescription><vpcId>vpc-1a2b3c4d</vpcId>"
				+ "<ipPermissions><item><ipProtocol>" + protocol + "</ipProtocol><fromPort>" + from
				+ "</fromPort><toPort>" + to + "</toPort><groups/><ipRanges>"
				+ ((ipv4 != null) ? "<item><cidrIp>" + ipv4 + "</cidrIp></item>" : "") + "</ipRanges><ipv6Ranges>"
				+ ((ipv6 != null) ? "<item><cidrIpv6>" + ipv6 + "</cidrIpv6></item>" : "")
				+ "</ipv6Ranges><prefixListIds/></item></ipPermissions><ipPermissionsEgress><item><ipProtocol>-1"
				+ "</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges/>"
				+ "<prefixListIds/></item></ipPermissionsEgress></item></securityGroupInfo>";
	}

	/**
	 * Answer every call the posture audit makes with a replication group 'orders' that
	 * passes every check: TLS required, encrypted at rest, a user group whose default
	 * user is off and whose 'app' user is an IAM user, Valkey 7.2, and a security group
	 * open to 10.0.0.0/16 only.
	 * @param aws the stand-in to set up
	 */
	public static void secureReplicationGroup(FakeAwsApi aws) {
		aws.answer("DescribeReplicationGroups",
				replicationGroup("orders", true, "required", true, null, "orders-users"))
			.answer("DescribeCacheClusters", cacheCluster("orders", "valkey", "7.2.4", "sg-0123456789abcdef0"))
			.answer("DescribeUserGroups", userGroup("orders-users", "orders-default", "app"))
			.answer("DescribeUsers",
					users(user("orders-default", "default", "off -@all", "no-password", "orders-users"),
							user("app", "app", "on ~* +@all", "iam", "orders-users")))
			.answer("DescribeSecurityGroups",
					securityGroup("sg-0123456789abcdef0", "orders-cache", "tcp", 6379, 6379, "10.0.0.0/16", null));
	}

}
