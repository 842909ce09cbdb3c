package io.github.elasticachesecure.cache;

import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisURI;
import io.lettuce.core.models.role.RedisNodeDescription;
import org.jspecify.annotations.Nullable;

/**
 * Reads from a replica in the application's Availability Zone, else from any replica,
 * else from the primary ({@code elasticache.secure.read-from=same-az}). The zones of the
 * nodes are the ElastiCache API's, matched by host and port (several nodes may share a
 * host). Lettuce asks again for every read with the nodes it knows then, so the choice
 * follows failovers and topology refreshes; in cluster mode it asks per shard. Order
 * sensitive: Lettuce takes the first candidate whose connection is open, so a stopped
 * replica is passed over for the next.
 */
public final class SameZoneReadFrom extends ReadFrom {

	private final String zone;

	private final List<CacheNode> nodes;

	/**
	 * Create the choice.
	 * @param zone the application's Availability Zone
	 * @param nodes the nodes with their zones
	 */
	public SameZoneReadFrom(String zone, List<CacheNode> nodes) {
		this.zone = zone;
		this.nodes = List.copyOf(nodes);
	}

	@Override
	public List<RedisNodeDescription> select(Nodes nodes) {
		List<RedisNodeDescription> sameZone = new ArrayList<>();
		List<RedisNodeDescription> otherZones = new ArrayList<>();
		List<RedisNodeDescription> primaries = new ArrayList<>();
		for (RedisNodeDescription node : nodes) {
			if (node.getRole().isUpstream()) {
				primaries.add(node);
			}
			else if (this.zone.equals(zoneOf(node.getUri()))) {
				sameZone.add(node);
			}
			else {
				otherZones.add(node);
			}
		}
		List<RedisNodeDescription> selection = new ArrayList<>(sameZone);
		selection.addAll(otherZones);
		selection.addAll(primaries);
		return selection;
	}

	@Override
	protected boolean isOrderSensitive() {
		return true;
	}

	/**
	 * Return the zone of the node at a URI.
	 * @param uri the node's URI
	 * @return its zone, or {@code null} when the node is not known or has no zone
	 */
	public @Nullable String zoneOf(RedisURI uri) {
		for (CacheNode node : this.nodes) {
			if (node.isAt(uri.getHost(), uri.getPort())) {
				return node.availabilityZone();
			}
		}
		return null;
	}

	@Override
	public String toString() {
		return "SameZoneReadFrom[" + this.zone + "]";
	}

}
