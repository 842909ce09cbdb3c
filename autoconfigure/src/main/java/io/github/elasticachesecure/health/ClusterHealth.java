package io.github.elasticachesecure.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;

/**
 * The health of a cluster as its client sees it: every master that serves slots answers a
 * PING over the client's own connection to it, and the cluster reports its slots covered
 * ({@code CLUSTER INFO}: {@code cluster_state:ok}). What is missing is named: the masters
 * that did not answer, the state and the slots not served.
 */
final class ClusterHealth {

	private ClusterHealth() {
	}

	/**
	 * Check a cluster connection.
	 * @param commands the application's cluster connection
	 * @param nodeTimeout how long each node has to answer: shorter than the whole check's
	 * bound, so that a lost master is named rather than the whole check timing out
	 * @return what is missing, empty when the cluster is healthy
	 */
	static CompletableFuture<Optional<String>> check(RedisAdvancedClusterAsyncCommands<?, ?> commands,
			Duration nodeTimeout) {
		Map<RedisClusterNode, ? extends CompletionStage<String>> pings = commands
			.nodes((node) -> node.is(NodeFlag.UPSTREAM) && !node.getSlots().isEmpty())
			.commands()
			.ping()
			.asMap();
		List<String> unreachable = new CopyOnWriteArrayList<>();
		List<CompletableFuture<?>> all = new ArrayList<>();
		pings.forEach((node, ping) -> all.add(within(ping, nodeTimeout).whenComplete((reply, ex) -> {
			if (ex != null) {
				unreachable.add(node.getUri().getHost() + ":" + node.getUri().getPort());
			}
		})));
		CompletableFuture<String> info = within(commands.clusterInfo(), nodeTimeout);
		all.add(info);
		// every node settled (answered, failed or timed out)
		return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((ignored, ex) -> {
			List<String> missing = new ArrayList<>();
			if (!unreachable.isEmpty()) {
				missing.add("masters not answering PING within " + nodeTimeout.toMillis() + " ms: "
						+ unreachable.stream().sorted().toList());
			}
			if (info.isCompletedExceptionally()) {
				missing.add("no answer to CLUSTER INFO within " + nodeTimeout.toMillis() + " ms");
				return Optional.of("cluster " + String.join("; ", missing));
			}
			Map<String, String> fields = fields(info.join());
			if (!"ok".equals(fields.get("cluster_state"))) {
				missing.add("cluster_state:" + fields.get("cluster_state") + " (slots assigned "
						+ fields.get("cluster_slots_assigned") + " of 16384, ok " + fields.get("cluster_slots_ok")
						+ ", possibly failing " + fields.get("cluster_slots_pfail") + ", failing "
						+ fields.get("cluster_slots_fail") + ")");
			}
			return missing.isEmpty() ? Optional.empty() : Optional.of("cluster " + String.join("; ", missing));
		});
	}

	private static CompletableFuture<String> within(CompletionStage<String> reply, Duration timeout) {
		CompletableFuture<String> future = reply.toCompletableFuture();
		// cancelled on timeout, so that the command does not wait in Lettuce's queue of a
		// lost node
		return future.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((result, ex) -> {
			if (ex != null) {
				future.cancel(false);
			}
		});
	}

	private static Map<String, String> fields(String clusterInfo) {
		Map<String, String> fields = new HashMap<>();
		clusterInfo.lines().forEach((line) -> {
			int colon = line.indexOf(':');
			if (colon > 0) {
				fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
			}
		});
		return fields;
	}

}
