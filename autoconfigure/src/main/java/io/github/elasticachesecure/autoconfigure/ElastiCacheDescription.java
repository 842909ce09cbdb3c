package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.github.elasticachesecure.audit.DiscoveredCache;
import io.github.elasticachesecure.cache.ApplicationZone;
import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.cache.ElastiCacheEndpoint;
import io.github.elasticachesecure.cache.ReadPreference;
import io.github.elasticachesecure.tls.TlsProvider;
import io.lettuce.core.SslVerifyMode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.core.env.Environment;

/**
 * The cache the application connects to and how, resolved once from
 * {@code elasticache.secure.*} and the endpoint's host name: the connection details, the
 * TLS customizers, reads, IAM authentication, the posture audit, health and metrics all
 * read it from here, and none of them derives any of it again. Available as a bean.
 * <p>
 * What ElastiCache's host names say ({@code master.}, {@code replica.} and
 * {@code clustercfg.} prefixes, the {@code .serverless.} segment, the cache name) is
 * derived here, only where the properties leave it open, and logged once. What the
 * description holds is checked here as it is resolved; what needs other beans (SSL
 * bundles, the AWS SDK, the region chain) is checked where they are used.
 *
 * @param host the endpoint's host name (or address)
 * @param port the endpoint's port
 * @param topology how the cache is laid out
 * @param cacheName the replication group id or serverless cache name, or {@code null}
 * when it is neither configured nor part of the host name
 * @param reader the reader endpoint of a replication group, or {@code null} when reads go
 * through the endpoint (or, for the cluster protocol, to the replicas the topology names)
 * @param auth how connections authenticate
 * @param tls how connections are secured
 * @param readFrom where reads go
 * @param region the configured AWS region of the cache (the one it was found in when
 * discovered), or {@code null} for the region provider's
 * @param discovered the cache as the ElastiCache API described it when it was found by
 * its name ({@code elasticache.secure.cache-name} without an endpoint), else {@code null}
 */
public record ElastiCacheDescription(String host, int port, CacheTopology topology, @Nullable String cacheName,
		@Nullable Reader reader, Auth auth, Tls tls, Reads readFrom, @Nullable String region,
		@Nullable DiscoveredCache discovered) {

	static final String READER_ENDPOINT = "elasticache.secure.reader-endpoint";

	static final String TOPOLOGY = "elasticache.secure.topology";

	static final String CACHE_NAME = "elasticache.secure.cache-name";

	static final String READ_FROM = "elasticache.secure.read-from";

	static final String BOOT_READ_FROM = "spring.data.redis.lettuce.read-from";

	static final String USERNAME = "elasticache.secure.auth.username";

	private static final Log logger = LogFactory.getLog(ElastiCacheDescription.class);

	/**
	 * Describe a cache read through its endpoint only, with the default settings:
	 * password authentication, full verification, reads from the primary, the region
	 * provider's region.
	 * @param host the endpoint's host name (or address)
	 * @param port the endpoint's port
	 * @param topology how the cache is laid out
	 * @param cacheName the replication group id or serverless cache name, or {@code null}
	 */
	public ElastiCacheDescription(String host, int port, CacheTopology topology, @Nullable String cacheName) {
		this(host, port, topology, cacheName, null, new Auth(AuthMode.PASSWORD, null),
				Tls.of(new ElastiCacheSecureProperties.Tls()), Reads.NONE, null, null);
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
	 * Return the cache name, for what cannot do without it.
	 * @param purpose what needs it, for the report
	 * @return the cache name
	 * @throws ElastiCacheConfigurationException if it is neither configured nor part of
	 * the host name
	 */
	String requireCacheName(String purpose) {
		if (this.cacheName == null) {
			throw new ElastiCacheConfigurationException(CACHE_NAME,
					purpose + " needs the cache name, which cannot be derived from the endpoint '" + endpoint() + "'.",
					"Set '" + CACHE_NAME + "' to the replication group id or serverless cache name.");
		}
		return this.cacheName;
	}

	/**
	 * Resolve the description of the cache from the properties, or from what the API said
	 * of the cache named by them: the one place where the endpoint is parsed.
	 * @param properties the bound properties
	 * @param environment the environment, for Spring Boot's own read preference
	 * @param discovered the cache found by its name, or {@code null} when an endpoint is
	 * configured
	 * @return the description
	 */
	static ElastiCacheDescription resolve(ElastiCacheSecureProperties properties, Environment environment,
			@Nullable DiscoveredCache discovered) {
		if (discovered != null) {
			CacheTopology topology = discovered.topology();
			if (properties.getTopology() != null && properties.getTopology() != topology) {
				throw new ElastiCacheConfigurationException(TOPOLOGY,
						"'" + TOPOLOGY + "=" + properties.getTopology().value()
								+ "' contradicts the ElastiCache API, which describes '" + discovered.name() + "' as a "
								+ topology.value() + " cache.",
						"Remove '" + TOPOLOGY + "'.");
			}
			Reader reader = reader(properties, topology);
			ElastiCacheEndpoint discoveredReader = discovered.reader();
			if (reader == null && discoveredReader != null) {
				reader = new Reader(discoveredReader.host(), discoveredReader.port());
			}
			return describe(discovered.endpoint(), topology, discovered.name(), reader, properties, environment,
					discovered);
		}
		ElastiCacheEndpoint endpoint = ElastiCacheEndpoint.parse(properties.getEndpoint());
		CacheTopology topology = topology(properties, endpoint);
		Reader reader = reader(properties, topology);
		if (reader != null && topology == CacheTopology.STANDALONE) {
			// A node with a reader endpoint is the primary of a replication group,
			// whatever its host name says.
			topology = CacheTopology.REPLICATION_GROUP;
		}
		return describe(endpoint, topology, cacheName(properties, endpoint), reader, properties, environment, null);
	}

	/**
	 * Resolve the description of the cache that connection details the starter did not
	 * create point at (a {@code @ServiceConnection} container's), for the TLS
	 * customizers, IAM, health and the guard: their standalone node, or the first node of
	 * their cluster; the cache name comes from the properties.
	 * @param details the application's connection details
	 * @param properties the bound properties
	 * @param environment the environment, for Spring Boot's own read preference
	 * @return the description
	 */
	static ElastiCacheDescription resolve(DataRedisConnectionDetails details, ElastiCacheSecureProperties properties,
			Environment environment) {
		DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
		DataRedisConnectionDetails.Cluster cluster = details.getCluster();
		if (standalone != null) {
			ElastiCacheEndpoint endpoint = new ElastiCacheEndpoint(standalone.getHost(), standalone.getPort());
			return describe(endpoint, CacheTopology.STANDALONE, cacheName(properties, endpoint), null, properties,
					environment, null);
		}
		if (cluster != null && !cluster.getNodes().isEmpty()) {
			DataRedisConnectionDetails.Node node = cluster.getNodes().get(0);
			ElastiCacheEndpoint endpoint = new ElastiCacheEndpoint(node.host(), node.port());
			return describe(endpoint, CacheTopology.CLUSTER, cacheName(properties, endpoint), null, properties,
					environment, null);
		}
		throw new ElastiCacheConfigurationException("elasticache.secure.endpoint",
				"The application's connection " + "details (" + details.getClass().getName()
						+ ") name neither a standalone server nor a cluster, "
						+ "the only layouts the starter secures without 'elasticache.secure.endpoint'.",
				"Set 'elasticache.secure.endpoint' to the cache's endpoint.");
	}

	private static ElastiCacheDescription describe(ElastiCacheEndpoint endpoint, CacheTopology topology,
			@Nullable String cacheName, @Nullable Reader reader, ElastiCacheSecureProperties properties,
			Environment environment, @Nullable DiscoveredCache discovered) {
		return new ElastiCacheDescription(endpoint.host(), endpoint.port(), topology, cacheName, reader,
				auth(properties.getAuth()), Tls.of(properties.getTls()),
				ElastiCacheReadConfiguration.reads(properties, environment, endpoint, topology, reader, discovered),
				(discovered != null) ? discovered.region() : properties.getIam().getRegion(), discovered);
	}

	private static Auth auth(ElastiCacheSecureProperties.Auth properties) {
		String username = properties.getUsername();
		if (properties.getMode() == AuthMode.IAM && (username == null || username.isBlank())) {
			throw new ElastiCacheConfigurationException(USERNAME,
					"IAM authentication (elasticache.secure.auth.mode=iam) needs the IAM-enabled user id.",
					"Set '" + USERNAME + "' to the ElastiCache user id (for IAM users it equals the user name).");
		}
		return new Auth(properties.getMode(), username);
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
		CacheTopology derived = endpoint.hostTopology();
		if (derived != CacheTopology.STANDALONE) {
			logger.info(TOPOLOGY + " derived from the endpoint host name: " + derived.value() + " for " + endpoint);
		}
		return derived;
	}

	private static @Nullable String cacheName(ElastiCacheSecureProperties properties, ElastiCacheEndpoint endpoint) {
		String configured = properties.getCacheName();
		if (configured != null && !configured.isBlank()) {
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

	/**
	 * How connections authenticate. The password is no part of the description: it is a
	 * secret, read only where it is sent.
	 *
	 * @param mode the authentication mode
	 * @param username the ACL user (for IAM the IAM-enabled user id), or {@code null}
	 */
	public record Auth(AuthMode mode, @Nullable String username) {

	}

	/**
	 * How connections are secured: the inputs of the TLS policy.
	 *
	 * @param verifyMode how the server certificate is verified
	 * @param bundle the name of the SSL bundle that verifies the server, or {@code null}
	 * for the JDK's trust store
	 * @param provider the TLS engine
	 * @param minVersion the lowest TLS protocol a connection may run on
	 * @param handshakeTimeout the bound of each connection's TLS handshake
	 */
	public record Tls(SslVerifyMode verifyMode, @Nullable String bundle, TlsProvider provider, String minVersion,
			Duration handshakeTimeout) {

		static Tls of(ElastiCacheSecureProperties.Tls properties) {
			return new Tls(properties.getVerifyMode(), properties.getBundle(), properties.getProvider(),
					properties.getMinVersion(), properties.getHandshakeTimeout());
		}

	}

	/**
	 * Where reads go.
	 *
	 * @param preference the read preference in effect, or {@code null} for Lettuce's
	 * default (the primary only), or for a Spring Boot value that names no preference
	 * (such as {@code subnet:…}), which Spring Boot applies itself
	 * @param property the property that set it, or {@code null} when it follows from a
	 * reader endpoint
	 * @param applicationZone the application's zone for same-az, else {@code null}
	 */
	public record Reads(@Nullable ReadPreference preference, @Nullable String property,
			@Nullable ApplicationZone applicationZone) {

		static final Reads NONE = new Reads(null, null);

		Reads(@Nullable ReadPreference preference, @Nullable String property) {
			this(preference, property, null);
		}

		/**
		 * Return whether the starter applies the preference: Spring Boot applies its own
		 * property itself.
		 * @return whether the preference is the starter's to apply
		 */
		boolean isStarters() {
			return this.preference != null && !BOOT_READ_FROM.equals(this.property);
		}

	}

}
