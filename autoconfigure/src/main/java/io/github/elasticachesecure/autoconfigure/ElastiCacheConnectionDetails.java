package io.github.elasticachesecure.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * {@link DataRedisConnectionDetails} for the secured ElastiCache connection: Boot's own Lettuce configuration builds
 * the connection factory from them, and always with TLS, because an {@link SslBundle} is always returned.
 */
final class ElastiCacheConnectionDetails implements DataRedisConnectionDetails {

	private final ElastiCacheEndpoint endpoint;

	private final boolean clusterMode;

	private final int database;

	private final @Nullable String username;

	private final @Nullable String password;

	private final SslBundle sslBundle;

	ElastiCacheConnectionDetails(ElastiCacheEndpoint endpoint, boolean clusterMode, int database,
			@Nullable String username, @Nullable String password, SslBundle sslBundle) {
		this.endpoint = endpoint;
		this.clusterMode = clusterMode;
		this.database = database;
		this.username = username;
		this.password = password;
		this.sslBundle = sslBundle;
	}

	ElastiCacheEndpoint getEndpoint() {
		return this.endpoint;
	}

	boolean isClusterMode() {
		return this.clusterMode;
	}

	@Override
	public @Nullable String getUsername() {
		return this.username;
	}

	@Override
	public @Nullable String getPassword() {
		return this.password;
	}

	@Override
	public SslBundle getSslBundle() {
		return this.sslBundle;
	}

	@Override
	public @Nullable Standalone getStandalone() {
		return this.clusterMode ? null : Standalone.of(this.endpoint.host(), this.endpoint.port(), this.database);
	}

	@Override
	public @Nullable Cluster getCluster() {
		if (!this.clusterMode) {
			return null;
		}
		List<Node> nodes = List.of(new Node(this.endpoint.host(), this.endpoint.port()));
		return () -> nodes;
	}

	@Override
	public String toString() {
		return "ElastiCacheConnectionDetails{endpoint=" + this.endpoint + ", clusterMode=" + this.clusterMode
				+ ", username=" + this.username + ", password=" + ((this.password != null) ? "******" : "none") + "}";
	}

}
