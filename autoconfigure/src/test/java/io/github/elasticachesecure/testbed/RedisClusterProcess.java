package io.github.elasticachesecure.testbed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;

import io.github.elasticachesecure.testbed.TestPki.ServerCertificate;

/**
 * A Redis Cluster of master-only {@link RedisServerProcess} nodes on {@code 127.0.0.1} (three by
 * default) that behaves like an ElastiCache cluster-mode TLS cache: clients and the cluster bus use
 * TLS ({@code tls-cluster yes}), and nodes announce the host name {@code localhost}
 * ({@code cluster-announce-hostname}, {@code cluster-preferred-endpoint-type hostname}) so that
 * clients can verify host names on every node. The 16384 slots are split evenly; {@link #start()}
 * returns once every node reports {@code cluster_state:ok}.
 * <pre>{@code
 * try (RedisClusterProcess cluster = RedisClusterProcess.tls().aclUser("app", "app-secret").start()) {
 *     RedisClusterClient client = RedisClusterClient.create(cluster.redisUri("app", "app-secret"));
 *     client.setOptions(ClusterClientOptions.builder().sslOptions(cluster.sslOptions()).build());
 *     ...
 * }
 * }</pre>
 */
public final class RedisClusterProcess implements AutoCloseable {

	private static final int SLOTS = 16384;

	private final List<RedisServerProcess> nodes;

	private RedisClusterProcess(List<RedisServerProcess> nodes) {
		this.nodes = List.copyOf(nodes);
	}

	/** @return a builder for a TLS cluster (client and bus TLS, certificate {@link TestPki#localhost()}) */
	public static Builder tls() {
		return new Builder(RedisServerProcess.tls());
	}

	/** @return a builder for a plaintext (password-protected) cluster */
	public static Builder plaintext() {
		return new Builder(RedisServerProcess.plaintext());
	}

	/** @return the nodes, in slot order (node 0 serves slots from 0) */
	public List<RedisServerProcess> nodes() {
		return this.nodes;
	}

	/** @return {@code "localhost"} */
	public String host() {
		return RedisServerProcess.HOST;
	}

	/** @return the client ports of all nodes */
	public List<Integer> ports() {
		return this.nodes.stream().map(RedisServerProcess::port).toList();
	}

	/**
	 * @param user ACL user
	 * @param password its password
	 * @return a seed URI (first node) with full TLS verification, see {@link RedisServerProcess#redisUri(String, String)}
	 */
	public RedisURI redisUri(String user, String password) {
		return this.nodes.get(0).redisUri(user, password);
	}

	/** @return Lettuce SSL options trusting only the test CA */
	public SslOptions sslOptions() {
		return this.nodes.get(0).sslOptions();
	}

	/**
	 * Runs an admin command on every node (ACLs and configuration are per node).
	 * @param args the command and its arguments
	 * @return the replies, in node order
	 */
	public List<String> adminCommandOnAllNodes(String... args) {
		return this.nodes.stream().map((node) -> node.adminCommand(args)).toList();
	}

	/** @return the sum of {@code AUTH} calls over all nodes */
	public long authCalls() {
		return this.nodes.stream().mapToLong(RedisServerProcess::authCalls).sum();
	}

	/** Stops every node. */
	@Override
	public void close() {
		RuntimeException failure = null;
		for (RedisServerProcess node : this.nodes) {
			try {
				node.close();
			}
			catch (RuntimeException ex) {
				failure = (failure == null) ? ex : failure;
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public String toString() {
		return "RedisClusterProcess" + this.nodes.stream().map(RedisServerProcess::url).toList();
	}

	/**
	 * Settings for a cluster.
	 */
	public static final class Builder {

		private final RedisServerProcess.Builder nodeBuilder;

		private int masters = 3;

		private Duration formationTimeout = Duration.ofSeconds(20);

		private Builder(RedisServerProcess.Builder nodeBuilder) {
			this.nodeBuilder = nodeBuilder.clusterEnabled();
		}

		/**
		 * @param count number of master nodes (1 to 16), default 3
		 * @return this builder
		 */
		public Builder masters(int count) {
			if (count < 1 || count > 16) {
				throw new IllegalArgumentException("1 to 16 masters");
			}
			this.masters = count;
			return this;
		}

		/**
		 * @param name ACL user created on every node with full permissions
		 * @param password its password
		 * @return this builder
		 */
		public Builder aclUser(String name, String password) {
			this.nodeBuilder.aclUser(name, password);
			return this;
		}

		/**
		 * @param certificate certificate of every node (and of the cluster bus)
		 * @return this builder
		 */
		public Builder serverCertificate(ServerCertificate certificate) {
			this.nodeBuilder.serverCertificate(certificate);
			return this;
		}

		/**
		 * @param args extra {@code redis-server} arguments for every node
		 * @return this builder
		 */
		public Builder extraArgs(String... args) {
			this.nodeBuilder.extraArgs(args);
			return this;
		}

		/**
		 * @param timeout how long to wait for {@code cluster_state:ok}, default 20 s
		 * @return this builder
		 */
		public Builder formationTimeout(Duration timeout) {
			this.formationTimeout = Objects.requireNonNull(timeout);
			return this;
		}

		/**
		 * Starts the nodes, assigns slots, joins them and waits for {@code cluster_state:ok}.
		 * @return the running cluster; close it
		 */
		public RedisClusterProcess start() {
			List<RedisServerProcess> nodes = new ArrayList<>();
			try {
				for (int i = 0; i < this.masters; i++) {
					nodes.add(this.nodeBuilder.start());
				}
				for (int i = 0; i < this.masters; i++) {
					int first = i * SLOTS / this.masters;
					int last = (i + 1) * SLOTS / this.masters - 1;
					nodes.get(i).adminCommand("CLUSTER", "ADDSLOTSRANGE", String.valueOf(first), String.valueOf(last));
				}
				RedisServerProcess seed = nodes.get(0);
				for (RedisServerProcess node : nodes.subList(1, nodes.size())) {
					seed.adminCommand("CLUSTER", "MEET", "127.0.0.1", String.valueOf(node.port()),
							String.valueOf(node.clusterBusPort()));
				}
				awaitClusterOk(nodes);
				return new RedisClusterProcess(nodes);
			}
			catch (RuntimeException ex) {
				nodes.forEach(RedisServerProcess::close);
				throw ex;
			}
		}

		private void awaitClusterOk(List<RedisServerProcess> nodes) {
			long deadline = System.nanoTime() + this.formationTimeout.toNanos();
			String expectedNodes = "cluster_known_nodes:" + nodes.size();
			while (true) {
				List<String> infos = nodes.stream().map((node) -> node.adminCommand("CLUSTER", "INFO")).toList();
				if (infos.stream().allMatch((info) -> info.contains("cluster_state:ok") && info.contains(expectedNodes))) {
					return;
				}
				if (System.nanoTime() - deadline > 0) {
					StringBuilder message = new StringBuilder("Cluster did not reach cluster_state:ok within "
							+ this.formationTimeout.toMillis() + " ms:");
					for (int i = 0; i < nodes.size(); i++) {
						message.append("\n").append(nodes.get(i).url()).append(": ")
							.append(infos.get(i).lines().filter((line) -> line.startsWith("cluster_state") || line.startsWith("cluster_known_nodes") || line.startsWith("cluster_slots_assigned")).toList())
							.append("\n--- log tail ---\n").append(nodes.get(i).logTail(10));
					}
					throw new IllegalStateException(message.toString());
				}
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("Interrupted", ex);
				}
			}
		}

	}

}
