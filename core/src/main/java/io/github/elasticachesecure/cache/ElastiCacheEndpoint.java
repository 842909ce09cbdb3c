package io.github.elasticachesecure.cache;

import java.util.Locale;
import java.util.regex.Pattern;

import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

/**
 * The parsed {@code elasticache.secure.endpoint}. Public for the
 * {@code elasticache-secure} command, which parses its {@code --endpoint} option the same
 * way.
 *
 * @param host the host name (or address)
 * @param port the port
 */
public record ElastiCacheEndpoint(String host, int port) {

	/** The property that names the endpoint in the starter's configuration. */
	public static final String PROPERTY = "elasticache.secure.endpoint";

	private static final int DEFAULT_PORT = 6379;

	private static final String FORM = "Write the endpoint as host:port, e.g. master.my-cache.abc123.use1.cache.amazonaws.com:6379 "
			+ "(an IPv6 address in brackets: [2001:db8::1]:6379).";

	// Only values made of these characters are repeated in a report: they cannot carry
	// user-info or a query. Text after a ':' that is not a port is never repeated: it may
	// be a password written in the port's place or after it.
	private static final Pattern PRINTABLE = Pattern.compile("[A-Za-z0-9.:\\[\\]-]+");

	private static final Pattern HOST_NAME = Pattern.compile(
			"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

	// Not NetUtil.isValidIpV4Address: it accepts leading zeros ("010.0.0.1"), which some
	// resolvers read as octal.
	private static final Pattern IPV4 = Pattern
		.compile("(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

	private static final Pattern PORT = Pattern.compile("\\d{1,5}");

	private static final String NOT_REPEATED = " (not repeated here: it may hold a password)";

	/**
	 * Parse {@code elasticache.secure.endpoint}. A value that carries user-info, a path,
	 * a query or a fragment is refused without being repeated in the message, as it may
	 * carry a password.
	 * @param value the property value
	 * @return the endpoint
	 * @throws ElastiCacheConfigurationException if the value is not a host name or
	 * address with an optional port
	 */
	public static ElastiCacheEndpoint parse(@Nullable String value) {
		return parse(PROPERTY, value);
	}

	/**
	 * Parse an endpoint property, as {@link #parse(String)} does.
	 * @param property the name of the property, for reports
	 * @param value the property value
	 * @return the endpoint
	 * @throws ElastiCacheConfigurationException if the value is not a host name or
	 * address with an optional port
	 */
	public static ElastiCacheEndpoint parse(String property, @Nullable String value) {
		if (value == null || value.isBlank()) {
			throw invalid(property, "is not set", "Set " + property
					+ " to the host:port of your cache, e.g. master.my-cache.abc123.use1.cache.amazonaws.com:6379.");
		}
		String text = value.trim();
		if (text.contains("://")) {
			throw invalid(property, "has a URL scheme",
					"Write only host:port; the connection always uses TLS, so no scheme (redis:// or rediss://) is needed, "
							+ "and credentials go in elasticache.secure.auth.*.");
		}
		if (text.indexOf('@') >= 0) {
			throw invalid(property, "contains user information (an '@')",
					"Write only host:port and set the credentials with elasticache.secure.auth.username and "
							+ "elasticache.secure.auth.password.");
		}
		if (text.indexOf('/') >= 0 || text.indexOf('?') >= 0 || text.indexOf('#') >= 0) {
			throw invalid(property, "contains a path, a query or a fragment ('/', '?' or '#')", FORM);
		}
		if (text.startsWith("[")) {
			return parseBracketed(property, text);
		}
		int colon = text.indexOf(':');
		if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
			// Not repeated: "host:port:secret" is a password written after the port.
			throw invalid(property,
					"has more than one ':'" + NOT_REPEATED + "; an IPv6 address must be written in brackets", FORM);
		}
		String host = (colon >= 0) ? text.substring(0, colon) : text;
		int port = (colon >= 0) ? parsePort(property, text.substring(0, colon), text.substring(colon + 1))
				: DEFAULT_PORT;
		boolean numeric = host.chars().allMatch((c) -> c == '.' || Character.isDigit(c));
		if (numeric ? !IPV4.matcher(host).matches() : !HOST_NAME.matcher(host).matches()) {
			throw invalid(property, text, "has no valid host name or IPv4 address (letters, digits, '-' and '.')",
					FORM);
		}
		return new ElastiCacheEndpoint(host, port);
	}

	private static ElastiCacheEndpoint parseBracketed(String property, String text) {
		int close = text.indexOf(']');
		if (close < 0) {
			throw invalid(property, "has an unclosed '['" + NOT_REPEATED, FORM);
		}
		String host = text.substring(1, close);
		if (!isIpv6Address(host)) {
			throw invalid(property, text.substring(0, close + 1), "has no valid IPv6 address between '[' and ']'",
					FORM);
		}
		String rest = text.substring(close + 1);
		if (rest.isEmpty()) {
			return new ElastiCacheEndpoint(host, DEFAULT_PORT);
		}
		if (rest.charAt(0) != ':') {
			throw invalid(property, text.substring(0, close + 1),
					"has text after ']' that is not ':port'" + NOT_REPEATED, FORM);
		}
		return new ElastiCacheEndpoint(host, parsePort(property, text.substring(0, close + 1), rest.substring(1)));
	}

	/**
	 * @param host the text before the port's ':', repeated in the report
	 * @param port the text after it, repeated only when it is digits: "host:secret" is a
	 * password written in the port's place
	 */
	private static int parsePort(String property, String host, String port) {
		boolean digits = !port.isEmpty() && port.chars().allMatch((c) -> c >= '0' && c <= '9');
		if (digits && PORT.matcher(port).matches()) {
			int value = Integer.parseInt(port);
			if (value >= 1 && value <= 65535) {
				return value;
			}
		}
		throw invalid(property, digits ? host + ":" + port : host,
				"has an invalid port" + (digits ? " '" + port + "'" : NOT_REPEATED),
				"Use a port between 1 and 65535, usually 6379.");
	}

	/**
	 * Whether the text is an IPv6 address in the textual forms of RFC 4291 (with "::" and
	 * an embedded IPv4 address), without a zone. Netty's {@link NetUtil} checks the
	 * groups; it takes an embedded IPv4 address only after "::" or "::ffff:" and accepts
	 * a zone, so the IPv4 tail is checked here and stands in as two groups, and a zone is
	 * refused. Not {@link java.net.InetAddress}: it may resolve what is not a literal.
	 */
	private static boolean isIpv6Address(String text) {
		if (text.indexOf('%') >= 0) {
			return false;
		}
		String address = text;
		if (address.indexOf('.') >= 0) {
			int lastColon = address.lastIndexOf(':');
			if (lastColon < 0 || !IPV4.matcher(address.substring(lastColon + 1)).matches()) {
				return false;
			}
			address = address.substring(0, lastColon + 1) + "0:0";
		}
		return NetUtil.isValidIpV6Address(address);
	}

	// Not Boot's InvalidConfigurationPropertyValueException: its report prints the value
	// of this property from every property source that sets it, and another source may
	// hold an endpoint with a password in its user-info.
	private static ElastiCacheConfigurationException invalid(String property, String problem, String action) {
		return new ElastiCacheConfigurationException(property, "The property '" + property + "' " + problem + ".",
				action);
	}

	private static ElastiCacheConfigurationException invalid(String property, String text, String problem,
			String action) {
		String shown = PRINTABLE.matcher(text).matches() ? "('" + text + "') " : "";
		return new ElastiCacheConfigurationException(property,
				"The property '" + property + "' " + shown + problem + ".", action);
	}

	/**
	 * Whether the host name is one that ElastiCache gives only to cluster-mode endpoints:
	 * the configuration endpoint of a cluster-mode replication group, or a serverless
	 * cache.
	 */
	boolean isClusterModeHostName() {
		String name = this.host.toLowerCase(Locale.ROOT);
		return name.startsWith("clustercfg.") || isServerlessHostName();
	}

	/**
	 * Whether the host name is that of a serverless cache
	 * ({@code <name>-<id>.serverless.<region-code>.cache.amazonaws.com}).
	 * @return whether the host name is a serverless cache's
	 */
	public boolean isServerlessHostName() {
		return this.host.toLowerCase(Locale.ROOT).contains(".serverless.");
	}

	/**
	 * The cache name (replication group id or serverless cache name) that ElastiCache
	 * puts in its endpoint names: {@code master.<id>.…}, {@code replica.<id>.…},
	 * {@code clustercfg.<id>.…}, and {@code <name>-<suffix>.serverless.…}.
	 * @return the cache name, or {@code null} for a host name of another form (a node
	 * endpoint, a CNAME, an address)
	 */
	public @Nullable String cacheName() {
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

	/**
	 * The topology that ElastiCache's naming of endpoints gives away;
	 * {@link CacheTopology#STANDALONE} for any other name (a node endpoint, a CNAME, an
	 * address).
	 * @return the topology the host name gives away
	 */
	public CacheTopology hostTopology() {
		if (isServerlessHostName()) {
			return CacheTopology.SERVERLESS;
		}
		if (isClusterModeHostName()) {
			return CacheTopology.CLUSTER;
		}
		// master.<id>.… and replica.<id>.… are the only other names that carry a cache
		// name
		return (cacheName() != null) ? CacheTopology.REPLICATION_GROUP : CacheTopology.STANDALONE;
	}

	@Override
	public String toString() {
		return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
	}

}
