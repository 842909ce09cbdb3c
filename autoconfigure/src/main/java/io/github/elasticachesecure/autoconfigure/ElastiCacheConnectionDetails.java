package io.github.elasticachesecure.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.github.elasticachesecure.audit.DiscoveredCache;
import io.github.elasticachesecure.cache.ReadPreference;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * {@link DataRedisConnectionDetails} for the secured ElastiCache connection: Boot's own
 * Lettuce configuration builds the connection factory from them, and always with TLS,
 * because an {@link SslBundle} is always returned. With a reader endpoint they are
 * master/replica details: Boot then builds a static master/replica factory of the primary
 * endpoint and the reader endpoint (with {@code same-az}, each replica's own endpoint),
 * and Lettuce tells them apart by their {@code ROLE}.
 */
final class ElastiCacheConnectionDetails implements DataRedisConnectionDetails {

	private static final String REPLICA = "replica";

	private final ElastiCacheDescription cache;

	private final int database;

	private final @Nullable String username;

	private final @Nullable String password;

	private final SslBundle sslBundle;

	ElastiCacheConnectionDetails(ElastiCacheDescription cache, int database, @Nullable String username,
			@Nullable String password, SslBundle sslBundle) {
		this.cache = cache;
		this.database = database;
		this.username = username;
		this.password = password;
		this.sslBundle = sslBundle;
	}

	@Override
	public @Nullable String getUsername() {
		return this.username;
	}

	@Override
	public @Nullable String getPassword() {
		return this.password;
	}

	@Override
	public SslBundle getSslBundle() {
		return this.sslBundle;
	}

	@Override
	public @Nullable Standalone getStandalone() {
		return (this.cache.isClusterProtocol() || this.cache.reader() != null) ? null
				: Standalone.of(this.cache.host(), this.cache.port(), this.database);
	}

	@Override
	public @Nullable MasterReplica getMasterReplica() {
		ElastiCacheDescription.Reader reader = this.cache.reader();
		if (reader == null) {
			return null;
		}
		// The primary first: Boot builds the configuration from the first node and adds
		// the others.
		List<Node> nodes = new ArrayList<>(List.of(new Node(this.cache.host(), this.cache.port())));
		DiscoveredCache discovered = this.cache.discovered();
		if (this.cache.readFrom().preference() == ReadPreference.SAME_AZ && discovered != null) {
			// Each replica by its own endpoint, for its zone: the reader endpoint's name
			// resolves to any of them.
			discovered.nodes()
				.stream()
				.filter((node) -> REPLICA.equals(node.role()))
				.forEach((node) -> nodes.add(new Node(node.host(), node.port())));
		}
		else {
			nodes.add(new Node(reader.host(), reader.port()));
		}
		return () -> nodes;
	}

	@Override
	public @Nullable Cluster getCluster() {
		if (!this.cache.isClusterProtocol()) {
			return null;
		}
		List<Node> nodes = List.of(new Node(this.cache.host(), this.cache.port()));
		return () -> nodes;
	}

	@Override
	public String toString() {
		ElastiCacheDescription.Reader reader = this.cache.reader();
		return "ElastiCacheConnectionDetails{endpoint=" + this.cache.endpoint()
				+ ((reader != null) ? ", readerEndpoint=" + reader.endpoint() : "") + ", topology="
				+ this.cache.topology().value() + ", username=" + this.username + ", password="
				+ ((this.password != null) ? "******" : "none") + "}";
	}

}
