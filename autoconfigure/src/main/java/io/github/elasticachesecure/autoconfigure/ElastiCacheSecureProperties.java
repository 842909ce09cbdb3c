package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.cache.ReadPreference;
import io.github.elasticachesecure.tls.TlsProvider;
import io.github.elasticachesecure.tls.TlsSessionPolicy;
import io.lettuce.core.SslVerifyMode;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties for the secured ElastiCache connection
 * ({@code elasticache.secure.*}). They validate themselves when bound, so that Spring
 * Boot's failure report names a property that is out of range.
 *
 * @see ElastiCacheSecureAutoConfiguration
 */
@ConfigurationProperties("elasticache.secure")
public class ElastiCacheSecureProperties implements Validator {

	// Beyond a minute a silent peer or a stalled handshake is no longer bounded in any
	// useful way: the startup guard, a health check and every new connection would wait
	// that long.
	private static final Duration MAX_WAIT = Duration.ofMinutes(1);

	// ElastiCacheIamCredentialsProvider.MAX_REFRESH_INTERVAL (a token is valid 15
	// minutes), not read from there as that class needs the AWS SDK, which is optional.
	private static final Duration MAX_IAM_REFRESH_INTERVAL = Duration.ofMinutes(14);

	/**
	 * Endpoint of the cache as host:port (port defaults to 6379), e.g. the primary or
	 * configuration endpoint of a replication group, or the endpoint of a serverless
	 * cache. When unset or empty, the cache named by 'cache-name' is found through the
	 * ElastiCache API at startup.
	 */
	private @Nullable String endpoint;

	/**
	 * Reader endpoint of a replication group with cluster mode disabled as host:port
	 * (port defaults to 6379); reads then go to it as 'read-from' says, writes to the
	 * endpoint.
	 */
	private @Nullable String readerEndpoint;

	/**
	 * Which nodes serve reads: upstream, upstream-preferred, replica-preferred, replica,
	 * lowest-latency, any, any-replica or same-az (a replica in the application's
	 * Availability Zone, else any replica, else the primary; needs the cache found by
	 * 'cache-name'). When unset: replica-preferred with a reader endpoint, otherwise the
	 * primary only.
	 */
	private @Nullable ReadPreference readFrom;

	/**
	 * Availability Zone of the application, e.g. us-east-1a, for 'read-from=same-az'.
	 * When unset, it is looked up where the application runs: from the ECS task metadata
	 * (ECS_CONTAINER_METADATA_URI_V4), else from the EC2 instance metadata service
	 * (IMDSv2; AWS_EC2_METADATA_DISABLED=true skips it).
	 */
	private @Nullable String availabilityZone;

	/**
	 * Layout of the cache: standalone, replication-group, cluster or serverless. When
	 * unset, derived from the host name: "master." and "replica." are a replication
	 * group, "clustercfg." a cluster, ".serverless." a serverless cache, anything else
	 * standalone.
	 */
	private @Nullable CacheTopology topology;

	/**
	 * Replication group id or serverless cache name (not the endpoint DNS name), as IAM
	 * tokens are signed for it. Without an endpoint, the cache is found by this name
	 * through the ElastiCache API at startup. When unset, derived from the endpoint host
	 * name when it follows ElastiCache's naming.
	 */
	private @Nullable String cacheName;

	private final Auth auth = new Auth();

	private final Tls tls = new Tls();

	private final Guard guard = new Guard();

	private final Iam iam = new Iam();

	private final Health health = new Health();

	private final Socket socket = new Socket();

	private final Audit audit = new Audit();

	public @Nullable String getEndpoint() {
		return this.endpoint;
	}

	public void setEndpoint(@Nullable String endpoint) {
		this.endpoint = endpoint;
	}

	public @Nullable String getReaderEndpoint() {
		return this.readerEndpoint;
	}

	public void setReaderEndpoint(@Nullable String readerEndpoint) {
		this.readerEndpoint = readerEndpoint;
	}

	public @Nullable ReadPreference getReadFrom() {
		return this.readFrom;
	}

	public void setReadFrom(@Nullable ReadPreference readFrom) {
		this.readFrom = readFrom;
	}

	public @Nullable String getAvailabilityZone() {
		return this.availabilityZone;
	}

	public void setAvailabilityZone(@Nullable String availabilityZone) {
		this.availabilityZone = availabilityZone;
	}

	public @Nullable CacheTopology getTopology() {
		return this.topology;
	}

	public void setTopology(@Nullable CacheTopology topology) {
		this.topology = topology;
	}

	public @Nullable String getCacheName() {
		return this.cacheName;
	}

	public void setCacheName(@Nullable String cacheName) {
		this.cacheName = cacheName;
	}

	public Auth getAuth() {
		return this.auth;
	}

	public Tls getTls() {
		return this.tls;
	}

	public Guard getGuard() {
		return this.guard;
	}

	public Iam getIam() {
		return this.iam;
	}

	public Health getHealth() {
		return this.health;
	}

	public Socket getSocket() {
		return this.socket;
	}

	public Audit getAudit() {
		return this.audit;
	}

	@Override
	public boolean supports(Class<?> type) {
		return ElastiCacheSecureProperties.class.isAssignableFrom(type);
	}

	/**
	 * Refuse durations out of range and credentials that the selected authentication mode
	 * would silently ignore. Errors are reported against the property name relative to
	 * {@code elasticache.secure}; credentials are rejected as global errors, since a
	 * field error would print their value.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		ElastiCacheSecureProperties properties = (ElastiCacheSecureProperties) target;
		checkDuration(errors, "tls.handshake-timeout", properties.getTls().getHandshakeTimeout(), MAX_WAIT, "10s");
		checkDuration(errors, "guard.probe-timeout", properties.getGuard().getProbeTimeout(), MAX_WAIT, "3s");
		checkDuration(errors, "health.timeout", properties.getHealth().getTimeout(), MAX_WAIT, "2s");
		checkDuration(errors, "health.certificate-expiry-warning", properties.getHealth().getCertificateExpiryWarning(),
				null, "14d");
		checkDuration(errors, "health.tls-recheck-interval", properties.getHealth().getTlsRecheckInterval(), null,
				"5m");
		checkDuration(errors, "iam.refresh-interval", properties.getIam().getRefreshInterval(),
				MAX_IAM_REFRESH_INTERVAL, "5m");
		checkDuration(errors, "iam.credentials-timeout", properties.getIam().getCredentialsTimeout(), MAX_WAIT, "10s");
		if (!properties.getIam().getReauthenticationSpread().isZero()) {
			checkDuration(errors, "iam.reauthentication-spread", properties.getIam().getReauthenticationSpread(),
					MAX_WAIT, "5s");
		}
		checkDuration(errors, "audit.timeout", properties.getAudit().getTimeout(), MAX_WAIT, "10s");
		if (!TlsSessionPolicy.PROTOCOLS.contains(properties.getTls().getMinVersion())) {
			errors.rejectValue("tls.min-version", "unsupported",
					"'elasticache.secure.tls.min-version' must be one of " + TlsSessionPolicy.PROTOCOLS
							+ "; set it to TLSv1.2 (the default, ElastiCache's own floor) or "
							+ "TLSv1.3, or remove it");
		}
		Socket socket = properties.getSocket();
		checkWholeSeconds(errors, "socket.keep-alive-idle", socket.getKeepAliveIdle(), "10s");
		checkWholeSeconds(errors, "socket.keep-alive-interval", socket.getKeepAliveInterval(), "5s");
		checkWholeSeconds(errors, "socket.tcp-user-timeout", socket.getTcpUserTimeout(), "25s");
		if (socket.getKeepAliveCount() < 1) {
			errors.rejectValue("socket.keep-alive-count", "notPositive", "'elasticache.secure.socket.keep-alive-count' "
					+ "must be at least 1; set it to a count such as 3 (the default), or remove it");
		}
		Auth auth = properties.getAuth();
		checkDuration(errors, "auth.secret-refresh-interval", auth.getSecretRefreshInterval(), null, "5m");
		// Empty counts as unset, as for password mode: shared files often hold
		// password=${ELASTICACHE_PASSWORD:}.
		boolean passwordSet = StringUtils.hasLength(auth.getPassword());
		boolean secretSet = StringUtils.hasLength(auth.getSecret());
		if (secretSet && passwordSet) {
			errors
				.reject("passwordAndSecret", "'elasticache.secure.auth.password' and 'elasticache.secure.auth.secret' "
						+ "are both set, and only one can be the password. Remove 'elasticache.secure.auth.password' to "
						+ "read the password from the secret (and follow its rotations), or remove "
						+ "'elasticache.secure.auth.secret'");
		}
		if (secretSet && auth.getMode() != AuthMode.PASSWORD) {
			errors.reject("unusedSecret",
					"'elasticache.secure.auth.secret' is set, but 'elasticache.secure.auth.mode="
							+ auth.getMode().value() + "' sends no password and would ignore it. Remove "
							+ "'elasticache.secure.auth.secret', or set 'elasticache.secure.auth.mode=password'");
		}
		if (auth.getMode() == AuthMode.IAM && passwordSet) {
			errors.reject("unusedPassword", "'elasticache.secure.auth.password' is set, but with "
					+ "'elasticache.secure.auth.mode=iam' every connection authenticates with a signed IAM token and "
					+ "the password would be ignored. Remove 'elasticache.secure.auth.password', or set "
					+ "'elasticache.secure.auth.mode=password'");
		}
		if (auth.getMode() == AuthMode.NONE && (passwordSet || StringUtils.hasLength(auth.getUsername()))) {
			errors.reject("unusedCredentials", "'elasticache.secure.auth.username' or "
					+ "'elasticache.secure.auth.password' is set, but 'elasticache.secure.auth.mode=none' sends no "
					+ "AUTH and would ignore them. Remove them, or set 'elasticache.secure.auth.mode=password'");
		}
	}

	private static void checkDuration(Errors errors, String field, Duration value, @Nullable Duration max,
			String defaultValue) {
		String property = "elasticache.secure." + field;
		if (value.isNegative() || value.isZero()) {
			errors.rejectValue(field, "notPositive",
					"'" + property + "' must be positive; set it to a duration such as " + defaultValue
							+ " (the default), or remove it");
		}
		else if (max != null && value.compareTo(max) > 0) {
			errors.rejectValue(field, "tooLong", "'" + property + "' must be at most " + format(max) + "; set it to a "
					+ "duration such as " + defaultValue + " (the default), or remove it");
		}
	}

	// The kernel takes keep-alive times in whole seconds (Lettuce drops the rest): 500ms
	// would become 0, refused.
	private static void checkWholeSeconds(Errors errors, String field, Duration value, String defaultValue) {
		if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.toMillis() % 1000 != 0) {
			errors.rejectValue(field, "notWholeSeconds",
					"'elasticache.secure." + field + "' must be a whole number of "
							+ "seconds, at least 1s; set it to a duration such as " + defaultValue
							+ " (the default), or remove it");
		}
	}

	private static String format(Duration duration) {
		return (duration.toSeconds() % 60 == 0) ? duration.toMinutes() + "m" : duration.toSeconds() + "s";
	}

	public static class Auth {

		/**
		 * Authentication mode.
		 */
		private AuthMode mode = AuthMode.PASSWORD;

		/**
		 * Redis ACL user name; for IAM the IAM-enabled user id (user name and user id
		 * must be identical). Optional for the "default" user in password mode.
		 */
		private @Nullable String username;

		/**
		 * Password of the ACL user, or the ElastiCache AUTH token. Never logged. With
		 * Spring Cloud Context, a change in the environment re-authenticates live
		 * connections.
		 */
		private @Nullable String password;

		/**
		 * AWS Secrets Manager secret (name or ARN) that holds the password, instead of
		 * 'password': JSON with a "password" key and an optional "username" key (used
		 * when 'username' is unset), or the password as plain text. Re-read every
		 * 'secret-refresh-interval' and when the server rejects it; each new value
		 * re-authenticates live connections. Needs software.amazon.awssdk:secretsmanager.
		 */
		private @Nullable String secret;

		/**
		 * How often the secret (or the application's CredentialsSource bean) is read.
		 * Five minutes: a rotation that keeps the old password valid for a while
		 * (ElastiCache's ROTATE strategy, an ACL user with two passwords) reaches every
		 * connection well within that overlap, a password rejected without overlap is
		 * read again at once anyway, and 288 reads a day per instance cost next to
		 * nothing.
		 */
		private Duration secretRefreshInterval = Duration.ofMinutes(5);

		public AuthMode getMode() {
			return this.mode;
		}

		public void setMode(AuthMode mode) {
			this.mode = mode;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public @Nullable String getSecret() {
			return this.secret;
		}

		public void setSecret(@Nullable String secret) {
			this.secret = secret;
		}

		public Duration getSecretRefreshInterval() {
			return this.secretRefreshInterval;
		}

		public void setSecretRefreshInterval(Duration secretRefreshInterval) {
			this.secretRefreshInterval = secretRefreshInterval;
		}

		@Override
		public String toString() {
			return "Auth{mode=" + this.mode + ", username=" + this.username + ", password="
					+ ((this.password != null) ? "******" : "null") + ", secret=" + this.secret + "}";
		}

	}

	public static class Tls {

		/**
		 * Name of a Spring Boot SSL bundle (spring.ssl.bundle.*) whose trust material
		 * verifies the server, for a private CA. Without it the JDK's default trust store
		 * is used, to which ElastiCache's certificates chain.
		 */
		private @Nullable String bundle;

		/**
		 * How the server certificate is verified. FULL checks the chain and the host
		 * name. CA (chain only) and NONE are explicit opt-ins that are logged as a
		 * warning at every start and reported by the startup guard.
		 */
		private SslVerifyMode verifyMode = SslVerifyMode.FULL;

		/**
		 * Upper bound for the TLS handshake of each connection Lettuce opens.
		 */
		private Duration handshakeTimeout = Duration.ofSeconds(10);

		/**
		 * TLS engine of the connections: jdk, openssl (Netty's BoringSSL engine, needs
		 * io.netty:netty-tcnative-boringssl-static) or auto (openssl when that engine is
		 * on the classpath and loads).
		 */
		private TlsProvider provider = TlsProvider.AUTO;

		/**
		 * Lowest TLS protocol a connection may run on, checked on each connection's live
		 * session before its first byte: TLSv1.2 (ElastiCache's own floor) or TLSv1.3.
		 */
		private String minVersion = "TLSv1.2";

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

		public SslVerifyMode getVerifyMode() {
			return this.verifyMode;
		}

		public void setVerifyMode(SslVerifyMode verifyMode) {
			this.verifyMode = verifyMode;
		}

		public Duration getHandshakeTimeout() {
			return this.handshakeTimeout;
		}

		public void setHandshakeTimeout(Duration handshakeTimeout) {
			this.handshakeTimeout = handshakeTimeout;
		}

		public TlsProvider getProvider() {
			return this.provider;
		}

		public void setProvider(TlsProvider provider) {
			this.provider = provider;
		}

		public String getMinVersion() {
			return this.minVersion;
		}

		public void setMinVersion(String minVersion) {
			this.minVersion = minVersion;
		}

	}

	public static class Guard {

		/**
		 * Upper bound for the TLS probe of each endpoint at startup (TCP connect plus TLS
		 * handshake).
		 */
		private Duration probeTimeout = Duration.ofSeconds(3);

		/**
		 * Whether an endpoint that cannot be reached at startup stops the application. By
		 * default it is logged as a warning, so an application can start while the cache
		 * is briefly unavailable.
		 */
		private boolean failOnUnreachable;

		public Duration getProbeTimeout() {
			return this.probeTimeout;
		}

		public void setProbeTimeout(Duration probeTimeout) {
			this.probeTimeout = probeTimeout;
		}

		public boolean isFailOnUnreachable() {
			return this.failOnUnreachable;
		}

		public void setFailOnUnreachable(boolean failOnUnreachable) {
			this.failOnUnreachable = failOnUnreachable;
		}

	}

	public static class Iam {

		/**
		 * AWS region of the cache. When unset, taken from an AwsRegionProvider bean or
		 * the AWS SDK's region provider chain (AWS_REGION, the profile, instance
		 * metadata).
		 */
		private @Nullable String region;

		/**
		 * AWS profile to take credentials from, instead of the default credentials chain.
		 */
		private @Nullable String profile;

		/**
		 * How often a fresh token is signed and pushed into live connections. At most 14
		 * minutes, as a token is valid for 15.
		 */
		private Duration refreshInterval = Duration.ofMinutes(5);

		/**
		 * Longest wait for one call to the AWS credentials source (instance metadata,
		 * STS, a profile); a call that takes longer is abandoned and retried with
		 * backoff.
		 */
		private Duration credentialsTimeout = Duration.ofSeconds(10);

		/**
		 * Window over which each live connection takes up a new token at a random moment
		 * of its own, so that a rotation is no burst of AUTHs; 0s re-authenticates all at
		 * once. At most a quarter of the refresh interval is used.
		 */
		private Duration reauthenticationSpread = Duration.ofSeconds(5);

		public @Nullable String getRegion() {
			return this.region;
		}

		public void setRegion(@Nullable String region) {
			this.region = region;
		}

		public @Nullable String getProfile() {
			return this.profile;
		}

		public void setProfile(@Nullable String profile) {
			this.profile = profile;
		}

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

		public Duration getReauthenticationSpread() {
			return this.reauthenticationSpread;
		}

		public void setReauthenticationSpread(Duration reauthenticationSpread) {
			this.reauthenticationSpread = reauthenticationSpread;
		}

		public Duration getCredentialsTimeout() {
			return this.credentialsTimeout;
		}

		public void setCredentialsTimeout(Duration credentialsTimeout) {
			this.credentialsTimeout = credentialsTimeout;
		}

	}

	public static class Health {

		/**
		 * Upper bound for one health check (PING over the application's connection),
		 * whatever the command timeout.
		 */
		private Duration timeout = Duration.ofSeconds(2);

		/**
		 * How long before the server certificate expires the health details carry a
		 * warning (the status stays UP).
		 */
		private Duration certificateExpiryWarning = Duration.ofDays(14);

		/**
		 * How often the TLS handshake details (protocol, cipher suite, certificate) are
		 * probed again in the background; health checks read the last result and never
		 * wait for a handshake.
		 */
		private Duration tlsRecheckInterval = Duration.ofMinutes(5);

		/**
		 * Whether the "elasticache" indicator replaces Spring Boot's "redis" indicator,
		 * so that the connection is not pinged twice per health check.
		 */
		private boolean replaceRedisIndicator = true;

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getCertificateExpiryWarning() {
			return this.certificateExpiryWarning;
		}

		public void setCertificateExpiryWarning(Duration certificateExpiryWarning) {
			this.certificateExpiryWarning = certificateExpiryWarning;
		}

		public Duration getTlsRecheckInterval() {
			return this.tlsRecheckInterval;
		}

		public void setTlsRecheckInterval(Duration tlsRecheckInterval) {
			this.tlsRecheckInterval = tlsRecheckInterval;
		}

		public boolean isReplaceRedisIndicator() {
			return this.replaceRedisIndicator;
		}

		public void setReplaceRedisIndicator(boolean replaceRedisIndicator) {
			this.replaceRedisIndicator = replaceRedisIndicator;
		}

	}

	/**
	 * Dead-peer detection on every connection, so that a connection whose peer vanished
	 * without closing it (a failed node, a network partition, a security-group change) is
	 * closed and reconnected instead of hanging until the operating system gives up,
	 * after hours. An idle connection is found dead after at most
	 * {@code keep-alive-idle + keep-alive-interval * keep-alive-count} (25 s by default);
	 * one waiting for replies, with Netty's epoll or io_uring transport on the classpath,
	 * after {@code tcp-user-timeout}. A {@code LettuceClientOptionsBuilderCustomizer} of
	 * the application that sets socket options wins over these.
	 */
	public static class Socket {

		/**
		 * How long a connection stays idle before the first TCP keep-alive probe (whole
		 * seconds).
		 */
		private Duration keepAliveIdle = Duration.ofSeconds(10);

		/**
		 * Time between TCP keep-alive probes that get no answer (whole seconds).
		 */
		private Duration keepAliveInterval = Duration.ofSeconds(5);

		/**
		 * How many unanswered TCP keep-alive probes close the connection.
		 */
		private int keepAliveCount = 3;

		/**
		 * How long sent data may stay unacknowledged before the connection is closed
		 * (TCP_USER_TIMEOUT); applied only with Netty's epoll or io_uring transport,
		 * which the Java socket API lacks.
		 */
		private Duration tcpUserTimeout = Duration.ofSeconds(25);

		public Duration getKeepAliveIdle() {
			return this.keepAliveIdle;
		}

		public void setKeepAliveIdle(Duration keepAliveIdle) {
			this.keepAliveIdle = keepAliveIdle;
		}

		public Duration getKeepAliveInterval() {
			return this.keepAliveInterval;
		}

		public void setKeepAliveInterval(Duration keepAliveInterval) {
			this.keepAliveInterval = keepAliveInterval;
		}

		public int getKeepAliveCount() {
			return this.keepAliveCount;
		}

		public void setKeepAliveCount(int keepAliveCount) {
			this.keepAliveCount = keepAliveCount;
		}

		public Duration getTcpUserTimeout() {
			return this.tcpUserTimeout;
		}

		public void setTcpUserTimeout(Duration tcpUserTimeout) {
			this.tcpUserTimeout = tcpUserTimeout;
		}

	}

	/**
	 * The posture audit: the cache's own settings read through the AWS APIs
	 * ({@code Describe*} calls) once at startup, beside the rest of the start, and on
	 * demand from the {@code elasticache} actuator endpoint.
	 */
	public static class Audit {

		/**
		 * Whether the posture audit runs at startup: off, warn (log the failed checks) or
		 * fail (also stop the start on a failed check of high severity). Needs the AWS
		 * SDK modules elasticache and url-connection-client (and ec2 for the network
		 * checks).
		 */
		private Mode mode = Mode.OFF;

		/**
		 * Upper bound for one run of the audit, all its AWS calls together; a call still
		 * waiting then is reported as a timeout finding.
		 */
		private Duration timeout = Duration.ofSeconds(10);

		public Mode getMode() {
			return this.mode;
		}

		public void setMode(Mode mode) {
			this.mode = mode;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		/**
		 * What the startup audit does with its findings.
		 */
		public enum Mode {

			/**
			 * No audit.
			 */
			OFF,

			/**
			 * Audit, and log the failed checks once.
			 */
			WARN,

			/**
			 * Audit, log, and stop the start on a failed check of high severity.
			 */
			FAIL

		}

	}

}
