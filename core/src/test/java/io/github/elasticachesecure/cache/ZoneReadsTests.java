package io.github.elasticachesecure.cache;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

import io.github.elasticachesecure.cache.ZoneReads.Placement;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolKeyword;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ZoneReads}: which completed commands count as reads, and the zone of the node
 * each came from.
 */
class ZoneReadsTests {

	private static final InetSocketAddress LOCAL = new InetSocketAddress(address(null, 10, 0, 0, 9), 50000);

	// Two nodes share a host: only host and port together tell them apart.
	private final ZoneReads reads = new ZoneReads("us-east-1a",
			List.of(new CacheNode("node-1.x", 6379, "us-east-1a", "primary"),
					new CacheNode("node-2.x", 6379, "us-east-1b", "replica"),
					new CacheNode("node-1.x", 6380, "us-east-1a", "replica"),
					new CacheNode("10.0.0.4", 6379, null, "replica")));

	@Test
	void readsCountByTheZoneOfTheNodeTheConnectionWentTo() {
		record(remote("node-1.x", 1, 6380), CommandType.GET, 3);
		record(remote("NODE-1.X", 1, 6379), CommandType.HGETALL, 1);
		record(remote("node-2.x", 2, 6379), CommandType.MGET, 2);
		assertThat(this.reads.count(Placement.SAME)).isEqualTo(4);
		assertThat(this.reads.count(Placement.OTHER)).isEqualTo(2);
		assertThat(this.reads.count(Placement.UNKNOWN)).isZero();
	}

	@Test
	void aNodeWithoutAZoneIsInAnotherAndOneTheApiDidNotDescribeIsUnknown() {
		record(remote(null, 4, 6379), CommandType.GET, 1);
		record(remote("node-5.x", 5, 6379), CommandType.GET, 2);
		assertThat(this.reads.count(Placement.OTHER)).isEqualTo(1);
		assertThat(this.reads.count(Placement.UNKNOWN)).isEqualTo(2);
		assertThat(this.reads.count(Placement.SAME)).isZero();
	}

	@Test
	void aConnectionKnownOnlyByItsAddressIsMatchedByTheAddress() {
		// A host name Lettuce connected to that the API did not use, at a node's address.
		record(remote("other-name.x", 4, 6379), CommandType.GET, 1);
		assertThat(this.reads.count(Placement.OTHER)).isEqualTo(1);
	}

	@Test
	void writesAndTheCommandsLettuceSendsItselfAreNotReads() {
		InetSocketAddress sameZone = remote("node-1.x", 1, 6380);
		for (ProtocolKeyword command : List.of(CommandType.SET, CommandType.DEL, CommandType.INFO, CommandType.CLIENT,
				CommandType.HELLO, CommandType.AUTH, CommandType.PING, CommandType.READONLY, CommandType.CLUSTER,
				CommandType.COMMAND, CommandType.ECHO)) {
			record(sameZone, command, 1);
		}
		for (Placement placement : Placement.values()) {
			assertThat(this.reads.count(placement)).as(placement.tagValue()).isZero();
		}
	}

	@Test
	void nodesAreLocalWhenTheirZoneIsTheApplications() {
		assertThat(this.reads.nodes()).filteredOn(this.reads::isLocal)
			.extracting(CacheNode::endpoint)
			.containsExactly("node-1.x:6379", "node-1.x:6380");
		assertThat(this.reads.zone()).isEqualTo("us-east-1a");
		assertThat(this.reads.isEnabled()).isTrue();
	}

	private void record(InetSocketAddress remote, ProtocolKeyword command, int times) {
		for (int i = 0; i < times; i++) {
			this.reads.recordCommandLatency(LOCAL, remote, command, 1000, 2000);
		}
	}

	// As Lettuce's channels give it: the host name it resolved, with the address.
	private static InetSocketAddress remote(String host, int last, int port) {
		return new InetSocketAddress(address(host, 10, 0, 0, last), port);
	}

	private static InetAddress address(String host, int a, int b, int c, int d) {
		try {
			return InetAddress.getByAddress(host, new byte[] { (byte) a, (byte) b, (byte) c, (byte) d });
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
