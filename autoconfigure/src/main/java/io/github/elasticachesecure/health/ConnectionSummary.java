package io.github.elasticachesecure.health;

import io.lettuce.core.SslVerifyMode;
import org.jspecify.annotations.Nullable;

/**
 * What the health details say about the configured connection: no password, no token.
 *
 * @param endpoint the endpoint as {@code host:port}
 * @param clusterMode whether the endpoint is a cluster-mode endpoint
 * @param verifyMode how the server certificate is verified
 * @param authMode the authentication mode ({@code password}, {@code iam} or {@code none})
 * @param username the ACL user name (the IAM user id), or {@code null} for the default user
 */
public record ConnectionSummary(String endpoint, boolean clusterMode, SslVerifyMode verifyMode, String authMode,
		@Nullable String username) {

	/**
	 * Return the topology as shown in the health details.
	 * @return {@code cluster} or {@code standalone}
	 */
	public String topology() {
		return this.clusterMode ? "cluster" : "standalone";
	}

}
