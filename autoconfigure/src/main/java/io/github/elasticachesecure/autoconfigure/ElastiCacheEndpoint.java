package io.github.elasticachesecure.autoconfigure;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The parsed {@code elasticache.secure.endpoint}.
 *
 * @param host the host name (or address)
 * @param port the port
 */
record ElastiCacheEndpoint(String host, int port) {

	static final String PROPERTY = "elasticache.secure.endpoint";

	private static final int DEFAULT_PORT = 6379;

	static ElastiCacheEndpoint parse(@Nullable String value) {
		if (value == null || value.isBlank()) {
			throw invalid(value, "is not set",
					"Set " + PROPERTY + " to the host:port of your cache, e.g. master.my-cache.abc123.use1.cache.amazonaws.com:6379.");
		}
		String text = value.trim();
		if (text.contains("://")) {
			throw invalid(text, "has a URL scheme",
					"Write only host:port; the connection always uses TLS, so no scheme (redis:// or rediss://) is needed.");
		}
		String host = text;
		int port = DEFAULT_PORT;
		int colon = text.lastIndexOf(':');
		boolean bracketedIpv6 = text.startsWith("[");
		if (bracketedIpv6) {
			int close = text.indexOf(']');
			if (close < 0) {
				throw invalid(text, "has an unclosed '['", "Write an IPv6 address as [address]:port.");
			}
			host = text.substring(1, close);
			colon = (text.length() > close + 1 && text.charAt(close + 1) == ':') ? close + 1 : -1;
		}
		else if (colon >= 0) {
			host = text.substring(0, colon);
		}
		if (colon >= 0) {
			port = parsePort(text, text.substring(colon + 1));
		}
		if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
			throw invalid(text, "has no valid host", "Write the endpoint as host:port.");
		}
		return new ElastiCacheEndpoint(host, port);
	}

	private static int parsePort(String text, String port) {
		try {
			int value = Integer.parseInt(port);
			if (value >= 1 && value <= 65535) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw invalid(text, "has an invalid port '" + port + "'", "Use a port between 1 and 65535, usually 6379.");
	}

	private static ElastiCacheConfigurationException invalid(@Nullable String value, String problem, String action) {
		return new ElastiCacheConfigurationException(PROPERTY,
				"The property '" + PROPERTY + "' " + ((value != null) ? "('" + value + "') " : "") + problem + ".",
				action);
	}

	/**
	 * Whether the host name is one that ElastiCache gives only to cluster-mode endpoints: the configuration endpoint
	 * of a cluster-mode replication group, or a serverless cache.
	 */
	boolean isClusterModeHostName() {
		String name = this.host.toLowerCase(Locale.ROOT);
		return name.startsWith("clustercfg.") || isServerlessHostName();
	}

	/**
	 * Whether the host name is that of a serverless cache ({@code <name>-<id>.serverless.<region-code>.cache.amazonaws.com}).
	 */
	boolean isServerlessHostName() {
		return this.host.toLowerCase(Locale.ROOT).contains(".serverless.");
	}

	/**
	 * The cache name (replication group id or serverless cache name) that ElastiCache puts in its endpoint names:
	 * {@code master.<id>.…}, {@code replica.<id>.…}, {@code clustercfg.<id>.…}, and {@code <name>-<suffix>.serverless.…}.
	 * @return the cache name, or {@code null} for a host name of another form (a node endpoint, a CNAME, an address)
	 */
	@Nullable String cacheName() {
		String[] labels = this.host.toLowerCase(Locale.ROOT).split("\\.");
		if (!this.host.toLowerCase(Locale.ROOT).endsWith(".amazonaws.com") || labels.length < 4) {
			return null;
		}
		if (isServerlessHostName()) {
			int suffix = labels[0].lastIndexOf('-');
			return (suffix > 0) ? labels[0].substring(0, suffix) : null;
		}
		return switch (labels[0]) {
			case "master", "replica", "clustercfg" -> labels[1];
			default -> null;
		};
	}

	@Override
	public String toString() {
		return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
	}

}
