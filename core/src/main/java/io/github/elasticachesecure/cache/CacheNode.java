package io.github.elasticachesecure.cache;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * One node of a cache as the ElastiCache API describes it: its own endpoint, its
 * Availability Zone and its role when it was described. Nodes are told apart by host and
 * port together: several may share a host.
 *
 * @param host the node endpoint's host name (or address)
 * @param port the node endpoint's port
 * @param availabilityZone the node's Availability Zone, or {@code null} when not reported
 * @param role {@code primary} or {@code replica} when it was described, or {@code null}
 */
public record CacheNode(String host, int port, @Nullable String availabilityZone, @Nullable String role) {

	/**
	 * Return whether this node is the one at the given host and port (host names compare
	 * without case, as DNS does).
	 * @param host the host name (or address)
	 * @param port the port
	 * @return whether both match
	 */
	public boolean isAt(String host, int port) {
		return this.port == port && this.host.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT));
	}

	/**
	 * Return the node endpoint as {@code host:port} ({@code [address]:port} for an IPv6
	 * address).
	 * @return the endpoint
	 */
	public String endpoint() {
		return new ElastiCacheEndpoint(this.host, this.port).toString();
	}

}
