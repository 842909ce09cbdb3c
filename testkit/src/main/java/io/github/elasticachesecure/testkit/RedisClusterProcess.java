package io.github.elasticachesecure.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;

import io.github.elasticachesecure.testkit.TestPki.ServerCertificate;

/**
 * A Redis Cluster of {@link RedisServerProcess} nodes on {@code 127.0.0.1} (three masters
 * by default, optionally with replicas) that behaves like an ElastiCache cluster-mode TLS
 * cache: clients and the cluster bus use TLS ({@code tls-cluster yes}), and nodes
 * announce the host name {@code localhost} ({@code cluster-announce-hostname},
 * {@code cluster-preferred-endpoint-type
 * hostname}) so that clients can verify host names on every node. The 16384 slots are
 * split evenly over the masters; {@link #start()} returns once every node reports
 * {@code cluster_state:ok} and every replica's link to its master is up. All nodes share
 * one admin password, so that replicas follow whichever node is master after a failover.
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

	/** Port a node announces instead of its own ({@link #announcePorts}) → the node. */
	private final Map<Integer, RedisServerProcess> announcedPorts = new ConcurrentHashMap<>();

	private RedisClusterProcess(List<RedisServerProcess> nodes) {
		this.nodes = List.copyOf(nodes);
	}

	/**
	 * @return a builder for a TLS cluster (client and bus TLS, certificate
	 * {@link TestPki#localhost()})
	 */
	public static Builder tls() {
		return new Builder(RedisServerProcess.tls());
	}

	/**
	 * @return a builder for a plaintext (password-protected) cluster
	 */
	public static Builder plaintext() {
		return new Builder(RedisServerProcess.plaintext());
	}

	/**
	 * @return the nodes: the masters in slot order (node 0 served slots from 0 at start),
	 * then their replicas
	 */
	public List<RedisServerProcess> nodes() {
		return this.nodes;
	}

	/**
	 * @return the nodes that have not been {@linkplain #kill killed}
	 */
	public List<RedisServerProcess> liveNodes() {
		return this.nodes.stream().filter(RedisServerProcess::isRunning).toList();
	}

	/**
	 * @param slot a hash slot
	 * @return the live master that serves it now, as the first live node sees the cluster
	 */
	public RedisServerProcess masterOf(int slot) {
		for (ClusterNode node : clusterNodes()) {
			if (node.isMaster() && node.serves(slot)) {
				return node(node.port());
			}
		}
		throw new IllegalStateException("No live master serves slot " + slot + ": " + clusterNodes());
	}

	/**
	 * @param master a master
	 * @return its live replicas, as the first live node sees the cluster
	 */
	public List<RedisServerProcess> replicasOf(RedisServerProcess master) {
		String id = master.adminCommand("CLUSTER", "MYID");
		return clusterNodes().stream()
			.filter((node) -> id.equals(node.masterId()))
			.map((node) -> node(node.port()))
			.filter(RedisServerProcess::isRunning)
			.toList();
	}

	/**
	 * @param node a live node
	 * @return whether it is a master now ({@code ROLE})
	 */
	public static boolean isMaster(RedisServerProcess node) {
		return node.adminCommand("ROLE").startsWith("master");
	}

	/**
	 * @param key a key
	 * @return its hash slot
	 */
	public int slotOf(String key) {
		return Integer.parseInt(liveNodes().get(0).adminCommand("CLUSTER", "KEYSLOT", key));
	}

	/**
	 * Waits until every live node reports {@code cluster_state:ok}.
	 * @param timeout how long to wait
	 */
	public void awaitClusterOk(Duration timeout) {
		awaitOk(liveNodes(), this.nodes.size(), timeout);
	}

	/**
	 * Makes each node announce another client port than its own, as a node reached
	 * through a proxy does ({@code cluster-announce-tls-port}, or
	 * {@code cluster-announce-port} in plaintext), and waits until every node knows every
	 * announced port and every replica's link to its master, which follows the announced
	 * port, is up again. Clients that discover the topology then reach every node only
	 * through what listens on those ports.
	 * @param ports the port each node announces, in {@link #nodes()} order; something
	 * must relay it to the node
	 * @param timeout how long to wait
	 */
	public void announcePorts(List<Integer> ports, Duration timeout) {
		for (int i = 0; i < this.nodes.size(); i++) {
			RedisServerProcess node = this.nodes.get(i);
			node.adminCommand("CONFIG", "SET", node.isTls() ? "cluster-announce-tls-port" : "cluster-announce-port",
					String.valueOf(ports.get(i)));
			this.announcedPorts.put(ports.get(i), node);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!liveNodes().stream().allMatch(this::knowsAnnouncedPorts)) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException(
						"Announced ports not known to every node or replicas not linked " + "through them within "
								+ timeout.toMillis() + " ms: " + liveNodes().get(0).adminCommand("CLUSTER", "NODES"));
			}
			sleep(50);
		}
	}

	/**
	 * Whether the node lists only announced ports and, for a replica, replicates through
	 * its master's.
	 */
	private boolean knowsAnnouncedPorts(RedisServerProcess node) {
		boolean listsAnnounced = ClusterNode.parse(node.adminCommand("CLUSTER", "NODES"))
			.stream()
			.allMatch((known) -> this.announcedPorts.containsKey(known.port()));
		String replication = node.adminCommand("INFO", "replication");
		return listsAnnounced && (replication.contains("role:master")
				|| (replication.contains("master_link_status:up") && replication.lines()
					.anyMatch((line) -> line.startsWith("master_port:")
							&& this.announcedPorts.containsKey(Integer.parseInt(line.substring(12).strip())))));
	}

	private RedisServerProcess node(int port) {
		RedisServerProcess announcing = this.announcedPorts.get(port);
		if (announcing != null) {
			return announcing;
		}
		return this.nodes.stream()
			.filter((node) -> node.port() == port)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No node on port " + port));
	}

	private List<ClusterNode> clusterNodes() {
		return ClusterNode.parse(liveNodes().get(0).adminCommand("CLUSTER", "NODES"));
	}

	/**
	 * @return {@code "localhost"}
	 */
	public String host() {
		return RedisServerProcess.HOST;
	}

	/**
	 * @return the client ports of all nodes
	 */
	public List<Integer> ports() {
		return this.nodes.stream().map(RedisServerProcess::port).toList();
	}

	/**
	 * @param user ACL user
	 * @param password its password
	 * @return a seed URI (first node) with full TLS verification, see
	 * {@link RedisServerProcess#redisUri(String, String)}
	 */
	public RedisURI redisUri(String user, String password) {
		return this.nodes.get(0).redisUri(user, password);
	}

	/**
	 * @return Lettuce SSL options trusting only the test CA
	 */
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

	/**
	 * @return the sum of {@code AUTH} calls over all nodes
	 */
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

		private int replicasPerMaster;

		private final Map<Integer, ServerCertificate> nodeCertificates = new HashMap<>();

		private Duration formationTimeout = Duration.ofSeconds(20);

		private ServerCertificate defaultCertificate;

		private Builder(RedisServerProcess.Builder nodeBuilder) {
			this.nodeBuilder = nodeBuilder.clusterEnabled(RedisServerProcess.randomPassword());
		}

		/**
		 * @param count replicas of every master (0 to 5), default 0
		 * @return this builder
		 */
		public Builder replicasPerMaster(int count) {
			if (count < 0 || count > 5) {
				throw new IllegalArgumentException("0 to 5 replicas per master");
			}
			this.replicasPerMaster = count;
			return this;
		}

		/**
		 * @param timeout {@code cluster-node-timeout}: how long a master is unreachable
		 * before its replica is promoted, default 5 s
		 * @return this builder
		 */
		public Builder nodeTimeout(Duration timeout) {
			this.nodeBuilder.clusterNodeTimeout(timeout);
			return this;
		}

		/**
		 * Makes the nodes announce only their IP address ({@code 127.0.0.1}), as a
		 * self-managed cluster does by default, instead of the host name
		 * {@code localhost}.
		 * @return this builder
		 */
		public Builder announceIpAddresses() {
			this.nodeBuilder.clusterAnnouncesHostname(false);
			return this;
		}

		/**
		 * @param index a node, in {@link RedisClusterProcess#nodes()} order
		 * @param certificate the certificate that node presents instead of the others'
		 * (the cluster bus then trusts its issuer too, see {@link #extraArgs})
		 * @return this builder
		 */
		public Builder nodeCertificate(int index, ServerCertificate certificate) {
			this.nodeCertificates.put(index, Objects.requireNonNull(certificate));
			return this;
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
			this.defaultCertificate = certificate;
			return this;
		}

		/**
		 * Makes every node refuse what ElastiCache refuses
		 * ({@link RedisServerProcess.Builder#elastiCacheRestrictions}); the kit still
		 * forms the cluster and fails it over with its admin commands.
		 * @param flavour the kind of ElastiCache cache to imitate
		 * @return this builder
		 */
		public Builder elastiCacheRestrictions(ElastiCacheRestrictions.Flavour flavour) {
			this.nodeBuilder.elastiCacheRestrictions(flavour);
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
		 * Starts the nodes, assigns slots, joins them, makes the replicas replicate their
		 * masters and waits for {@code cluster_state:ok}.
		 * @return the running cluster; close it
		 */
		public RedisClusterProcess start() {
			List<RedisServerProcess> nodes = new ArrayList<>();
			try {
				int total = this.masters * (1 + this.replicasPerMaster);
				ServerCertificate common = (this.defaultCertificate != null) ? this.defaultCertificate
						: TestPki.get().localhost();
				for (int i = 0; i < total; i++) {
					if (!this.nodeCertificates.isEmpty()) {
						this.nodeBuilder.serverCertificate(this.nodeCertificates.getOrDefault(i, common));
					}
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
				awaitOk(nodes, nodes.size(), this.formationTimeout);
				for (int i = this.masters; i < total; i++) {
					RedisServerProcess master = nodes.get((i - this.masters) % this.masters);
					nodes.get(i).adminCommand("CLUSTER", "REPLICATE", master.adminCommand("CLUSTER", "MYID"));
				}
				awaitReplicationLinks(nodes.subList(this.masters, total), this.formationTimeout);
				awaitOk(nodes, nodes.size(), this.formationTimeout);
				return new RedisClusterProcess(nodes);
			}
			catch (RuntimeException ex) {
				nodes.forEach(RedisServerProcess::close);
				throw ex;
			}
		}

	}

	private static void awaitReplicationLinks(List<RedisServerProcess> replicas, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!replicas.stream()
			.allMatch((replica) -> replica.adminCommand("INFO", "replication").contains("master_link_status:up"))) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Replicas did not sync within " + timeout.toMillis() + " ms: "
						+ replicas.stream().map((replica) -> replica.logTail(10)).toList());
			}
			sleep(50);
		}
	}

	private static void awaitOk(List<RedisServerProcess> nodes, int knownNodes, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String expectedNodes = "cluster_known_nodes:" + knownNodes;
		while (true) {
			List<String> infos = nodes.stream().map((node) -> node.adminCommand("CLUSTER", "INFO")).toList();
			if (infos.stream().allMatch((info) -> info.contains("cluster_state:ok") && info.contains(expectedNodes))) {
				return;
			}
			if (System.nanoTime() - deadline > 0) {
				StringBuilder message = new StringBuilder(
						"Cluster did not reach cluster_state:ok within " + timeout.toMillis() + " ms:");
				for (int i = 0; i < nodes.size(); i++) {
					message.append("\n")
						.append(nodes.get(i).url())
						.append(": ")
						.append(infos.get(i)
							.lines()
							.filter((line) -> line.startsWith("cluster_state") || line.startsWith("cluster_known_nodes")
									|| line.startsWith("cluster_slots_assigned"))
							.toList())
						.append("\n--- log tail ---\n")
						.append(nodes.get(i).logTail(10));
				}
				throw new IllegalStateException(message.toString());
			}
			sleep(50);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * One line of {@code CLUSTER NODES}: id, client port, flags, master id ({@code null}
	 * for a master) and slot ranges.
	 */
	private record ClusterNode(String id, int port, List<String> flags, String masterId, List<int[]> slotRanges) {

		static List<ClusterNode> parse(String clusterNodes) {
			List<ClusterNode> nodes = new ArrayList<>();
			for (String line : clusterNodes.split("\n")) {
				String[] fields = line.trim().split(" ");
				if (fields.length < 8) {
					continue;
				}
				String address = fields[1].substring(0, fields[1].indexOf('@'));
				int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
				List<int[]> ranges = new ArrayList<>();
				for (int i = 8; i < fields.length; i++) {
					if (fields[i].startsWith("[")) {
						continue; // a slot being migrated or imported
					}
					String[] bounds = fields[i].split("-");
					ranges.add(new int[] { Integer.parseInt(bounds[0]), Integer.parseInt(bounds[bounds.length - 1]) });
				}
				nodes.add(new ClusterNode(fields[0], port, List.of(fields[2].split(",")),
						"-".equals(fields[3]) ? null : fields[3], ranges));
			}
			return nodes;
		}

		boolean isMaster() {
			return this.flags.contains("master") && !this.flags.contains("fail");
		}

		boolean serves(int slot) {
			return this.slotRanges.stream().anyMatch((range) -> range[0] <= slot && slot <= range[1]);
		}

	}

}
