package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.cache.CacheTopology;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * The cache the application connects to, resolved once from {@code elasticache.secure.*}
 * and the endpoint's host name: the connection details, IAM authentication, health and
 * metrics all read it from here. Available as a bean.
 * <p>
 * What ElastiCache's host names say ({@code master.}, {@code replica.} and
 * {@code clustercfg.} prefixes, the {@code .serverless.} segment, the cache name) is
 * derived here, only where the properties leave it open, and logged once.
 *
 * @param host the endpoint's host name (or address)
 * @param port the endpoint's port
 * @param topology how the cache is laid out
 * @param cacheName the replication group id or serverless cache name, or {@code null}
 * when it is neither configured nor part of the host name
 * @param reader the reader endpoint of a replication group, or {@code null} when reads go
 * through the endpoint (or, for the cluster protocol, to the replicas the topology names)
 */
public record ElastiCacheDescription(String host, int port, CacheTopology topology, @Nullable String cacheName,
		@Nullable Reader reader) {

	static final String READER_ENDPOINT = "elasticache.secure.reader-endpoint";

	static final String TOPOLOGY = "elasticache.secure.topology";

	static final String CACHE_NAME = "elasticache.secure.cache-name";

	private static final Log logger = LogFactory.getLog(ElastiCacheDescription.class);

	/**
	 * Describe a cache read through its endpoint only.
	 * @param host the endpoint's host name (or address)
	 * @param port the endpoint's port
	 * @param topology how the cache is laid out
	 * @param cacheName the replication group id or serverless cache name, or {@code null}
	 */
	public ElastiCacheDescription(String host, int port, CacheTopology topology, @Nullable String cacheName) {
		this(host, port, topology, cacheName, null);
	}

	/**
	 * Return the endpoint as {@code host:port} ({@code [address]:port} for an IPv6
	 * address).
	 * @return the endpoint
	 */
	public String endpoint() {
		return address().toString();
	}

	/**
	 * Return whether the client speaks the cluster protocol.
	 * @return whether the topology is a cluster or a serverless cache
	 */
	public boolean isClusterProtocol() {
		return this.topology.isClusterProtocol();
	}

	ElastiCacheEndpoint address() {
		return new ElastiCacheEndpoint(this.host, this.port);
	}

	/**
	 * Resolve the description of the cache from the properties: the one place where the
	 * endpoint is parsed.
	 * @param properties the bound properties
	 * @return the description
	 */
	static ElastiCacheDescription resolve(ElastiCacheSecureProperties properties) {
		ElastiCacheEndpoint endpoint = ElastiCacheEndpoint.parse(properties.getEndpoint());
		CacheTopology topology = topology(properties, endpoint);
		Reader reader = reader(properties, topology);
		if (reader != null && topology == CacheTopology.STANDALONE) {
			// A node with a reader endpoint is the primary of a replication group,
			// whatever its host name says.
			topology = CacheTopology.REPLICATION_GROUP;
		}
		return new ElastiCacheDescription(endpoint.host(), endpoint.port(), topology, cacheName(properties, endpoint),
				reader);
	}

	/**
	 * Resolve the description of the cache that connection details the starter did not
	 * create point at (a {@code @ServiceConnection} container's), for the TLS
	 * customizers, IAM, health and the guard: their standalone node, or the first node of
	 * their cluster; the cache name comes from the properties.
	 * @param details the application's connection details
	 * @param properties the bound properties
	 * @return the description
	 */
	static ElastiCacheDescription resolve(DataRedisConnectionDetails details, ElastiCacheSecureProperties properties) {
		DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
		DataRedisConnectionDetails.Cluster cluster = details.getCluster();
		if (standalone != null) {
			ElastiCacheEndpoint endpoint = new ElastiCacheEndpoint(standalone.getHost(), standalone.getPort());
			return new ElastiCacheDescription(endpoint.host(), endpoint.port(), CacheTopology.STANDALONE,
					cacheName(properties, endpoint));
		}
		if (cluster != null && !cluster.getNodes().isEmpty()) {
			DataRedisConnectionDetails.Node node = cluster.getNodes().get(0);
			ElastiCacheEndpoint endpoint = new ElastiCacheEndpoint(node.host(), node.port());
			return new ElastiCacheDescription(endpoint.host(), endpoint.port(), CacheTopology.CLUSTER,
					cacheName(properties, endpoint));
		}
		throw new ElastiCacheConfigurationException("elasticache.secure.endpoint",
				"The application's connection " + "details (" + details.getClass().getName()
						+ ") name neither a standalone server nor a cluster, "
						+ "the only layouts the starter secures without 'elasticache.secure.endpoint'.",
				"Set 'elasticache.secure.endpoint' to the cache's endpoint.");
	}

	private static @Nullable Reader reader(ElastiCacheSecureProperties properties, CacheTopology topology) {
		if (properties.getReaderEndpoint() == null) {
			return null;
		}
		ElastiCacheEndpoint reader = ElastiCacheEndpoint.parse(READER_ENDPOINT, properties.getReaderEndpoint());
		if (topology.isClusterProtocol()) {
			String replicas = (topology == CacheTopology.SERVERLESS)
					? "a serverless cache serves reads from replicas on port 6380 of its own endpoint"
					: "a cluster-mode cache names its replicas in its cluster topology";
			throw new ElastiCacheConfigurationException(READER_ENDPOINT,
					"'" + READER_ENDPOINT + "' is set, but the " + "cache is a " + topology.value() + " topology: "
							+ replicas + ", so it has no reader endpoint.",
					"Remove '" + READER_ENDPOINT + "' and set 'elasticache.secure.read-from=replica-preferred' to read "
							+ "from replicas, or set '" + TOPOLOGY + "=replication-group' if the endpoint is the "
							+ "primary endpoint of a replication group with cluster mode disabled.");
		}
		return new Reader(reader.host(), reader.port());
	}

	private static CacheTopology topology(ElastiCacheSecureProperties properties, ElastiCacheEndpoint endpoint) {
		CacheTopology configured = properties.getTopology();
		if (configured != null) {
			return configured;
		}
		CacheTopology derived = hostTopology(endpoint);
		if (derived != CacheTopology.STANDALONE) {
			logger.info(TOPOLOGY + " derived from the endpoint host name: " + derived.value() + " for " + endpoint);
		}
		return derived;
	}

	/**
	 * The topology that ElastiCache's naming of endpoints gives away;
	 * {@link CacheTopology#STANDALONE} for any other name (a node endpoint, a CNAME, an
	 * address).
	 */
	private static CacheTopology hostTopology(ElastiCacheEndpoint endpoint) {
		if (endpoint.isServerlessHostName()) {
			return CacheTopology.SERVERLESS;
		}
		if (endpoint.isClusterModeHostName()) {
			return CacheTopology.CLUSTER;
		}
		// master.<id>.… and replica.<id>.… are the only other names that carry a cache
		// name
		return (endpoint.cacheName() != null) ? CacheTopology.REPLICATION_GROUP : CacheTopology.STANDALONE;
	}

	private static @Nullable String cacheName(ElastiCacheSecureProperties properties, ElastiCacheEndpoint endpoint) {
		String configured = properties.getCacheName();
		if (configured != null) {
			return configured;
		}
		String derived = endpoint.cacheName();
		if (derived != null) {
			logger.info(CACHE_NAME + " derived from the endpoint host name: " + derived);
		}
		return derived;
	}

	/**
	 * The reader endpoint of a replication group with cluster mode disabled.
	 *
	 * @param host the host name (or address)
	 * @param port the port
	 */
	public record Reader(String host, int port) {

		/**
		 * Return the reader endpoint as {@code host:port} ({@code [address]:port} for an
		 * IPv6 address).
		 * @return the reader endpoint
		 */
		public String endpoint() {
			return new ElastiCacheEndpoint(this.host, this.port).toString();
		}

	}

}
