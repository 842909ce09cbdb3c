package io.github.elasticachesecure.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.test.context.DynamicPropertyRegistry;

import io.github.elasticachesecure.testkit.TestPki.ServerCertificate;

/**
 * An ElastiCache stand-in on local {@code redis-server} / {@code valkey-server}
 * processes, for machines without Docker: TLS only, with a certificate for
 * {@code localhost} from a CA generated for the JVM ({@link TestPki}), and an ACL user
 * with a generated password (both can be set). A single node, a replication group (a
 * primary and replicas) or a cluster (three or more masters announcing the host name
 * {@code localhost}, so that clients verify it on every node). Configure it, then
 * {@link #start()} it, or register it as a JUnit 5 extension on a {@code static} field,
 * which starts it before all tests and stops it after them: <pre>{@code
 * &#64;SpringBootTest
 * class MyIntegrationTests {
 *

 *     &#64;RegisterExtension
 *     static final LocalElastiCache cache = LocalElastiCache.standalone();
 *
 *
&#64;DynamicPropertySource
 *     static void cacheProperties(DynamicPropertyRegistry registry) {
 *         cache.registerProperties(registry);
 *     }
 * }
 * }</pre> The server binary is {@code $REDIS_SERVER_BIN}, else {@code redis-server}, else
 * {@code valkey-server} on the {@code PATH} (7.0+, built with TLS); without one the start
 * fails saying what to install. The password never appears in {@link #toString()} or
 * messages.
 */
public final class LocalElastiCache implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

	/**
	 * Name of the SSL bundle that {@link #connectionProperties()} defines, trusting the
	 * generated CA.
	 */
	public static final String SSL_BUNDLE = "local-elasticache";

	private final int masters;

	private final int replicas;

	private final boolean cluster;

	private String username = "app";

	private String password = RedisServerProcess.randomPassword();

	private @Nullable ServerCertificate serverCertificate;

	private ElastiCacheRestrictions.@Nullable Flavour restrictions;

	private @Nullable RedisServerProcess primary;

	private final List<RedisServerProcess> replicaNodes = new ArrayList<>();

	private @Nullable RedisClusterProcess clusterNodes;

	private LocalElastiCache(int masters, int replicas, boolean cluster) {
		this.masters = masters;
		this.replicas = replicas;
		this.cluster = cluster;
	}

	/**
	 * @return a single TLS node, as an ElastiCache node endpoint
	 */
	public static LocalElastiCache standalone() {
		return new LocalElastiCache(1, 0, false);
	}

	/**
	 * @param replicas number of replicas of the primary (1 or more)
	 * @return a replication group with cluster mode disabled: a primary endpoint and a
	 * reader endpoint
	 */
	public static LocalElastiCache replicationGroup(int replicas) {
		if (replicas < 1) {
			throw new IllegalArgumentException("A replication group has at least one replica");
		}
		return new LocalElastiCache(1, replicas, false);
	}

	/**
	 * @param masters number of masters (shards), 3 to 16
	 * @param replicasPerMaster replicas of each master, 0 to 5
	 * @return a cluster-mode cache whose nodes announce {@code localhost}; its endpoint
	 * is the first master
	 */
	public static LocalElastiCache cluster(int masters, int replicasPerMaster) {
		if (masters < 3 || masters > 16) {
			throw new IllegalArgumentException("A Redis cluster needs 3 to 16 masters");
		}
		return new LocalElastiCache(masters, replicasPerMaster, true);
	}

	/**
	 * @param username the ACL user's name, default {@code app}; its password stays
	 * generated
	 * @return this stand-in
	 */
	public LocalElastiCache user(String username) {
		return user(username, this.password);
	}

	/**
	 * @param username the ACL user's name, default {@code app}
	 * @param password its password, default a generated one
	 * @return this stand-in
	 */
	public LocalElastiCache user(String username, String password) {
		checkNotStarted();
		this.username = Objects.requireNonNull(username);
		this.password = Objects.requireNonNull(password);
		return this;
	}

	/**
	 * @param certificate the certificate every node presents, default
	 * {@link TestPki#localhost()}; issued by {@link TestPki#trustedCa()} for the clients
	 * to trust it
	 * @return this stand-in
	 */
	public LocalElastiCache serverCertificate(ServerCertificate certificate) {
		checkNotStarted();
		this.serverCertificate = Objects.requireNonNull(certificate);
		return this;
	}

	/**
	 * Makes every node refuse what ElastiCache refuses ({@link ElastiCacheRestrictions}):
	 * {@code CONFIG}, {@code SAVE}, {@code REPLICAOF}, ... answer
	 * {@code ERR unknown command} as on a node-based cache, and with
	 * {@link ElastiCacheRestrictions.Flavour#SERVERLESS} also {@code KEYS},
	 * {@code PSUBSCRIBE}, {@code WAIT}, ... as on a serverless cache. An application that
	 * passes its tests against it does not send what ElastiCache refuses. Default: none
	 * (stock {@code redis-server}).
	 * @param flavour the kind of ElastiCache cache to imitate
	 * @return this stand-in
	 */
	public LocalElastiCache elastiCacheRestrictions(ElastiCacheRestrictions.Flavour flavour) {
		checkNotStarted();
		this.restrictions = Objects.requireNonNull(flavour);
		return this;
	}

	/**
	 * Starts the nodes (and waits for replication and the cluster state) unless they run
	 * already.
	 * @return this stand-in
	 */
	public synchronized LocalElastiCache start() {
		if (isRunning()) {
			return this;
		}
		if (this.cluster) {
			RedisClusterProcess.Builder builder = RedisClusterProcess.tls()
				.masters(this.masters)
				.replicasPerMaster(this.replicas)
				.aclUser(this.username, this.password);
			if (this.serverCertificate != null) {
				builder.serverCertificate(this.serverCertificate);
			}
			if (this.restrictions != null) {
				builder.elastiCacheRestrictions(this.restrictions);
			}
			this.clusterNodes = builder.start();
			return this;
		}
		RedisServerProcess.Builder builder = RedisServerProcess.tls().aclUser(this.username, this.password);
		if (this.serverCertificate != null) {
			builder.serverCertificate(this.serverCertificate);
		}
		if (this.restrictions != null) {
			builder.elastiCacheRestrictions(this.restrictions);
		}
		this.primary = builder.start();
		try {
			for (int i = 0; i < this.replicas; i++) {
				this.replicaNodes.add(builder.replicaOf(this.primary).start());
			}
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
		return this;
	}

	/**
	 * @return whether it runs
	 */
	public synchronized boolean isRunning() {
		return this.primary != null || this.clusterNodes != null;
	}

	/**
	 * @return {@code localhost}, the name the certificates are issued for
	 */
	public String host() {
		return RedisServerProcess.HOST;
	}

	/**
	 * @return the port of the primary endpoint (the first master of a cluster)
	 */
	public int port() {
		return this.cluster ? running(this.clusterNodes).ports().get(0) : running(this.primary).port();
	}

	/**
	 * @return {@code localhost:port} of the primary (or configuration) endpoint
	 */
	public String endpoint() {
		return host() + ":" + port();
	}

	/**
	 * @return {@code localhost:port} of the first replica of a replication group, else
	 * {@code null}
	 */
	public @Nullable String readerEndpoint() {
		running(this.cluster ? this.clusterNodes : this.primary);
		return this.replicaNodes.isEmpty() ? null : host() + ":" + this.replicaNodes.get(0).port();
	}

	/**
	 * @return the ACL user's name
	 */
	public String username() {
		return this.username;
	}

	/**
	 * @return the ACL user's password (never printed)
	 */
	public String password() {
		return this.password;
	}

	/**
	 * @return the PEM text of the CA that issued the certificates, for a trust store
	 */
	public String caCertificatePem() {
		try {
			return Files.readString(caCertificateFile());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * @return the PEM file of the CA that issued the certificates
	 */
	public Path caCertificateFile() {
		return TestPki.get().trustedCa().certificatePem();
	}

	/**
	 * @return every node: the primary then its replicas, or the cluster's masters then
	 * their replicas
	 */
	public List<RedisServerProcess> nodes() {
		if (this.cluster) {
			return running(this.clusterNodes).nodes();
		}
		List<RedisServerProcess> nodes = new ArrayList<>();
		nodes.add(running(this.primary));
		nodes.addAll(this.replicaNodes);
		return nodes;
	}

	/**
	 * @return the running cluster, for its fault and topology helpers
	 */
	public RedisClusterProcess cluster() {
		if (!this.cluster) {
			throw new IllegalStateException("Not a cluster: " + this);
		}
		return running(this.clusterNodes);
	}

	/**
	 * @return a Lettuce URI of the primary endpoint as the ACL user, with full TLS
	 * verification
	 */
	public RedisURI redisUri() {
		return nodes().get(0).redisUri(this.username, this.password);
	}

	/**
	 * @return Lettuce SSL options trusting only the generated CA
	 */
	public SslOptions sslOptions() {
		return nodes().get(0).sslOptions();
	}

	/**
	 * The starter's properties for this stand-in: the endpoints, the ACL user, the
	 * topology of a cluster, and an SSL bundle {@value #SSL_BUNDLE} trusting the
	 * generated CA, with the starter's full certificate and host-name verification.
	 * @return property names and values
	 */
	public Map<String, String> connectionProperties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("elasticache.secure.endpoint", endpoint());
		String reader = readerEndpoint();
		if (reader != null) {
			properties.put("elasticache.secure.reader-endpoint", reader);
		}
		if (this.cluster) {
			properties.put("elasticache.secure.topology", "cluster");
		}
		properties.put("elasticache.secure.auth.username", this.username);
		properties.put("elasticache.secure.auth.password", this.password);
		properties.putAll(trustProperties());
		return properties;
	}

	/**
	 * The starter's TLS bundle {@value #SSL_BUNDLE}: Boot's PEM trust store of the kit's
	 * CA.
	 */
	static Map<String, String> trustProperties() {
		return Map.of("elasticache.secure.tls.bundle", SSL_BUNDLE,
				"spring.ssl.bundle.pem." + SSL_BUNDLE + ".truststore.certificate",
				"file:" + TestPki.get().trustedCa().certificatePem());
	}

	/**
	 * Adds {@link #connectionProperties()} to a Spring test's
	 * {@code @DynamicPropertySource} (needs {@code spring-test}, which every Spring Boot
	 * test has).
	 * @param registry the registry
	 */
	public void registerProperties(DynamicPropertyRegistry registry) {
		connectionProperties().forEach((name, value) -> registry.add(name, () -> value));
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		close();
	}

	/** Stops every node. */
	@Override
	public synchronized void close() {
		this.replicaNodes.forEach(RedisServerProcess::close);
		this.replicaNodes.clear();
		if (this.primary != null) {
			this.primary.close();
			this.primary = null;
		}
		if (this.clusterNodes != null) {
			this.clusterNodes.close();
			this.clusterNodes = null;
		}
	}

	private void checkNotStarted() {
		if (isRunning()) {
			throw new IllegalStateException("Configure the stand-in before it starts");
		}
	}

	private static <T> T running(@Nullable T nodes) {
		if (nodes == null) {
			throw new IllegalStateException("The ElastiCache stand-in is not running: call start(), or register it "
					+ "with @RegisterExtension on a static field and use it inside tests");
		}
		return nodes;
	}

	/** Nothing secret: the password is left out. */
	@Override
	public String toString() {
		String layout = this.cluster
				? "cluster of " + this.masters + " masters" + " with " + this.replicas + " replica(s) each"
				: (this.replicas > 0) ? "replication group with " + this.replicas + " replica(s)" : "standalone";
		return "LocalElastiCache[" + layout + ((this.restrictions != null) ? ", refusing as " + this.restrictions : "")
				+ ", user " + this.username + (isRunning() ? ", " + endpoint() : ", not running") + "]";
	}

}
