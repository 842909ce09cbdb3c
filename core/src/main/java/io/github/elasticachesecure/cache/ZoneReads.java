package io.github.elasticachesecure.cache;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.ReadOnlyCommands;

/**
 * Counts the reads each node answered, by whether the node is in the application's
 * Availability Zone: the commands Lettuce actually sent, whatever the read preference
 * chose (in cluster mode Lettuce keeps a slot's readers until the topology changes, so
 * the choice is not made per read). Installed as Lettuce's command latency recorder,
 * which Lettuce calls once per completed command with the connection's remote address:
 * the cost of a read is one look-up by that address. A read is a key-space read among
 * Lettuce's {@link ReadOnlyCommands read-only commands}; the connection and server
 * commands in that list ({@code INFO}, {@code CLIENT}, ...) are not counted, since
 * Lettuce sends them itself (handshake, topology refresh). A node is recognised by the
 * host name Lettuce connected to (as the ElastiCache API names it) and port, else by its
 * address.
 */
public final class ZoneReads implements CommandLatencyRecorder {

	private static final Set<CommandType> READS = reads();

	private final String zone;

	private final List<CacheNode> nodes;

	private final Map<String, Placement> byEndpoint = new HashMap<>();

	private final Map<SocketAddress, Placement> byRemote = new ConcurrentHashMap<>();

	private final Map<Placement, LongAdder> counts = new EnumMap<>(Placement.class);

	/**
	 * Create the counter.
	 * @param zone the application's Availability Zone
	 * @param nodes the cache's nodes with their zones
	 */
	public ZoneReads(String zone, List<CacheNode> nodes) {
		this.zone = zone;
		this.nodes = List.copyOf(nodes);
		for (CacheNode node : this.nodes) {
			this.byEndpoint.put(key(node.host(), node.port()), isLocal(node) ? Placement.SAME : Placement.OTHER);
		}
		for (Placement placement : Placement.values()) {
			this.counts.put(placement, new LongAdder());
		}
	}

	private static Set<CommandType> reads() {
		Set<CommandType> reads = EnumSet.copyOf(ReadOnlyCommands.getReadOnlyCommands());
		reads.removeAll(EnumSet.of(CommandType.ASKING, CommandType.CLIENT, CommandType.COMMAND, CommandType.ECHO,
				CommandType.INFO, CommandType.READWRITE, CommandType.SCRIPT, CommandType.TIME));
		return reads;
	}

	@Override
	public void recordCommandLatency(SocketAddress local, SocketAddress remote, ProtocolKeyword commandType,
			long firstResponseLatency, long completionLatency) {
		if (READS.contains(commandType)) {
			Placement placement = this.byRemote.get(remote);
			if (placement == null) {
				placement = this.byRemote.computeIfAbsent(remote, this::placementOf);
			}
			this.counts.get(placement).increment();
		}
	}

	private Placement placementOf(SocketAddress remote) {
		if (remote instanceof InetSocketAddress address) {
			Placement byName = this.byEndpoint.get(key(address.getHostString(), address.getPort()));
			if (byName != null) {
				return byName;
			}
			if (address.getAddress() != null) {
				Placement byAddress = this.byEndpoint
					.get(key(address.getAddress().getHostAddress(), address.getPort()));
				if (byAddress != null) {
					return byAddress;
				}
			}
		}
		return Placement.UNKNOWN;
	}

	private static String key(String host, int port) {
		return host.toLowerCase(Locale.ROOT) + ":" + port;
	}

	/**
	 * Return the number of reads answered by nodes of a placement so far.
	 * @param placement where the nodes are
	 * @return the count
	 */
	public long count(Placement placement) {
		return this.counts.get(placement).sum();
	}

	/**
	 * Return the application's Availability Zone.
	 * @return the zone
	 */
	public String zone() {
		return this.zone;
	}

	/**
	 * Return the nodes, with their zones as the ElastiCache API reported them.
	 * @return the nodes
	 */
	public List<CacheNode> nodes() {
		return this.nodes;
	}

	/**
	 * Return whether a node is in the application's Availability Zone.
	 * @param node the node
	 * @return whether its zone is the application's
	 */
	public boolean isLocal(CacheNode node) {
		return this.zone.equals(node.availabilityZone());
	}

	@Override
	public String toString() {
		return "ZoneReads[" + this.zone + "]";
	}

	/**
	 * Where a node that answered a read is, seen from the application.
	 */
	public enum Placement {

		/**
		 * In the application's Availability Zone.
		 */
		SAME,

		/**
		 * In another zone, or in none the API reported.
		 */
		OTHER,

		/**
		 * Not among the nodes the API described (a node added since, or an address that
		 * matches none).
		 */
		UNKNOWN;

		/**
		 * Return the value of the meters' tag.
		 * @return the lower-case name
		 */
		public String tagValue() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
