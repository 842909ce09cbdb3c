package io.github.elasticachesecure.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.elasticachesecure.audit.DiscoveredCache;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.cache.ElastiCacheEndpoint;
import io.github.elasticachesecure.tls.TlsProbeResult;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The state of one doctor run: the settings, and what each step found for the steps after
 * it. A getter for something no earlier step found throws {@link Missing}, which skips
 * the asking step. Closing it closes the connection and the AWS credentials provider.
 */
final class Diagnosis implements AutoCloseable {

	private final DoctorSettings settings;

	private final CommandEnvironment environment;

	private final Secrets secrets = new Secrets();

	private @Nullable ElastiCacheEndpoint endpoint;

	private @Nullable DiscoveredCache discovered;

	private @Nullable InetAddress address;

	private @Nullable InetSocketAddress reachable;

	private @Nullable TrustMaterial trust;

	private @Nullable TlsProbeResult tls;

	private @Nullable RedisCredentials credentials;

	private @Nullable AwsCredentialsProvider awsCredentials;

	private @Nullable RedisClient client;

	private @Nullable ClientResources resources;

	private @Nullable StatefulRedisConnection<String, String> connection;

	Diagnosis(DoctorSettings settings, CommandEnvironment environment) {
		this.settings = settings;
		this.environment = environment;
	}

	DoctorSettings settings() {
		return this.settings;
	}

	CommandEnvironment environment() {
		return this.environment;
	}

	Secrets secrets() {
		return this.secrets;
	}

	Duration timeout() {
		return this.settings.timeout();
	}

	ElastiCacheEndpoint endpoint() {
		return require(this.endpoint, "a valid endpoint");
	}

	void endpoint(ElastiCacheEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/**
	 * The replication group id or serverless cache name: {@code --cache}, else the one
	 * the endpoint's host name carries.
	 */
	@Nullable String cacheName() {
		return (this.settings.cacheName() != null) ? this.settings.cacheName() : endpoint().cacheName();
	}

	/**
	 * The cache as the ElastiCache API described it, when it was found by its name.
	 */
	void discovered(DiscoveredCache cache) {
		this.discovered = cache;
	}

	/**
	 * Whether the cache is serverless: {@code --serverless}, an endpoint host name of a
	 * serverless cache, or a serverless cache found by its name.
	 */
	boolean serverless() {
		return this.settings.serverless() || endpoint().isServerlessHostName()
				|| (this.discovered != null && this.discovered.topology() == CacheTopology.SERVERLESS);
	}

	@Nullable ElastiCacheEndpoint endpointIfValid() {
		return this.endpoint;
	}

	InetAddress address() {
		return require(this.address, "a resolved address");
	}

	void address(InetAddress address) {
		this.address = address;
	}

	/**
	 * The address a TCP connection was made to.
	 */
	InetSocketAddress reachableAddress() {
		return require(this.reachable, "a TCP connection");
	}

	void reachableAddress(InetSocketAddress address) {
		this.reachable = address;
	}

	TrustMaterial trust() {
		return require(this.trust, "the trusted certificate authorities");
	}

	void trust(TrustMaterial trust) {
		this.trust = trust;
	}

	/**
	 * The TLS probe's result, whatever its outcome.
	 */
	TlsProbeResult tlsProbe() {
		return require(this.tls, "a TLS probe");
	}

	/**
	 * The TLS probe's result, only when the endpoint is verified: nothing secret is ever
	 * sent to an endpoint that is not.
	 */
	TlsProbeResult verifiedTls() {
		TlsProbeResult result = tlsProbe();
		if (!result.isSecure()) {
			throw new Missing("a verified TLS endpoint (credentials are only sent to one)");
		}
		return result;
	}

	void tlsProbe(TlsProbeResult result) {
		this.tls = result;
	}

	RedisCredentials credentials() {
		return require(this.credentials, "credentials");
	}

	void credentials(RedisCredentials credentials) {
		this.credentials = credentials;
	}

	/**
	 * The AWS credentials provider, opened on first use.
	 */
	AwsCredentialsProvider awsCredentials() {
		if (this.awsCredentials == null) {
			this.awsCredentials = this.environment.awsCredentials().get();
		}
		return this.awsCredentials;
	}

	StatefulRedisConnection<String, String> connection() {
		return require(this.connection, "an authenticated connection");
	}

	void connection(RedisClient client, ClientResources resources, StatefulRedisConnection<String, String> connection) {
		this.client = client;
		this.resources = resources;
		this.connection = connection;
	}

	private static <T> T require(@Nullable T value, String what) {
		if (value == null) {
			throw new Missing(what);
		}
		return value;
	}

	@Override
	public void close() {
		if (this.connection != null) {
			this.connection.close();
		}
		if (this.client != null) {
			this.client.shutdown(Duration.ZERO, this.settings.timeout());
		}
		if (this.resources != null) {
			// given to the client, so not shut down with it
			this.resources.shutdown(0, this.settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		if (this.awsCredentials instanceof SdkAutoCloseable closeable) {
			closeable.close();
		}
	}

	/**
	 * Thrown by a getter when no earlier step found what a step needs.
	 */
	static final class Missing extends RuntimeException {

		Missing(String what) {
			super("needs " + what + " from an earlier step");
		}

	}

}
