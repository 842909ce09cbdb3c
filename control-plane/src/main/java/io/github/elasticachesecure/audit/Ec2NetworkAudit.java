package io.github.elasticachesecure.audit;

import java.util.List;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * {@link NetworkAudit} through EC2's {@code DescribeSecurityGroups}.
 */
final class Ec2NetworkAudit implements NetworkAudit {

	private final Ec2Client ec2;

	Ec2NetworkAudit(SdkHttpClient httpClient, Region region, AwsCredentialsProvider credentials,
			ClientOverrideConfiguration overrides) {
		// No endpoint override: the SDK's own configuration (AWS_ENDPOINT_URL_EC2,
		// aws.endpointUrlEc2, profile) applies.
		this.ec2 = Ec2Client.builder()
			.httpClient(httpClient)
			.region(region)
			.credentialsProvider(credentials)
			.overrideConfiguration(overrides)
			.build();
	}

	@Override
	public List<Finding> securityGroups(CacheFacts cache, AwsCalls calls) {
		List<SecurityGroup> groups = calls.call("ec2:DescribeSecurityGroups", SecurityGroupChecks.ID,
				(override) -> this.ec2
					.describeSecurityGroupsPaginator(
							(request) -> request.groupIds(cache.securityGroupIds()).overrideConfiguration(override))
					.securityGroups()
					.stream()
					.toList());
		return (groups != null) ? SecurityGroupChecks.openToTheWorld(cache, groups) : List.of();
	}

	@Override
	public void close() {
		this.ec2.close();
	}

}
