package io.github.elasticachesecure.audit;

import java.util.List;

/**
 * The network checks, which need the AWS SDK's optional {@code ec2} module: an interface
 * without EC2 types, so that the audit runs without that module and reports the checks it
 * skipped.
 */
interface NetworkAudit extends AutoCloseable {

	/**
	 * Check the security groups attached to the cache.
	 * @param cache the cache
	 * @param calls the calls, within the audit's deadline
	 * @return one finding per security group, or none when the call failed ({@code calls}
	 * then holds why)
	 */
	List<Finding> securityGroups(CacheFacts cache, AwsCalls calls);

	@Override
	void close();

}
