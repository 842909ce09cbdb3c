package io.github.elasticachesecure.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import org.jspecify.annotations.Nullable;

import io.github.elasticachesecure.testkit.TestPki.ServerCertificate;

/**
 * A real {@code redis-server} (or {@code valkey-server}) child process on a free
 * {@code 127.0.0.1} port, for tests and local runs.
 * <p>
 * By default it serves TLS only ({@code port 0}, {@code tls-port N}, certificate
 * {@link TestPki#localhost()}, no client certificates), and the {@value #ADMIN_USER} user
 * has a random password ({@link #adminPassword()}), so no server started here accepts
 * unauthenticated commands. Extra ACL users get full permissions
 * ({@code on >pw ~* &* +@all}). Nothing is persisted; the working directory is temporary.
 * Clients should connect to {@link #host()} ({@code localhost}) and trust
 * {@link #caCertificatePem()}. <pre>{@code
 * try (RedisServerProcess redis = RedisServerProcess.tls().aclUser("app", "app-secret").start()) {
 *     RedisClient client = RedisClient.create(redis.redisUri("app", "app-secret"));
 *     client.setOptions(ClientOptions.builder().sslOptions(redis.sslOptions()).build());
 *     ...
 *     redis.authCalls();
 * }
 * }</pre> A server can also be a replica ({@link Builder#replicaOf(RedisServerProcess)})
 * or a Sentinel ({@link Builder#sentinelOf(RedisServerProcess)}) of another one.
 * <p>
 * The process is stopped by {@link #close()} (SIGTERM, then SIGKILL after 5 s) and, as a
 * last resort, by a JVM shutdown hook. The admin password never appears in messages, logs
 * or {@link #toString()}.
 * <p>
 * The binary is {@code $REDIS_SERVER_BIN}, else {@code redis-server}, else
 * {@code valkey-server} on the {@code PATH}; see {@link #findServerBinary()}.
 */
public final class RedisServerProcess implements AutoCloseable {

	/** Environment variable that names the server binary to use. */
	public static final String BINARY_ENV = "REDIS_SERVER_BIN";

	/** User name of the administrator: Redis' built-in {@code default} user. */
	public static final String ADMIN_USER = "default";

	/** Host name clients should use; the test certificates are issued for it. */
	public static final String HOST = "localhost";

	/**
	 * Name under which a Sentinel ({@link Builder#sentinelOf(RedisServerProcess)})
	 * monitors its master.
	 */
	public static final String SENTINEL_MASTER_NAME = "mymaster";

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private static final int START_ATTEMPTS = 3;

	private static final Pattern COMMAND_CALLS = Pattern.compile("calls=(\\d+)");

	private final Builder settings;

	private final Path directory;

	private final Path logFile;

	private final String adminPassword;

	private volatile Process process;

	private final int port;

	private final int clusterBusPort;

	private volatile Thread shutdownHook;

	private final List<String> commandLine;

	private final AdminConnection admin;

	private volatile boolean closed;

	private final @Nullable ElastiCacheRestrictions restrictions;

	private RedisServerProcess(Builder settings, Path directory, String adminPassword, Process process, int port,
			int clusterBusPort, Thread shutdownHook, List<String> commandLine,
			@Nullable ElastiCacheRestrictions restrictions) {
		this.settings = settings;
		this.restrictions = restrictions;
		this.directory = directory;
		this.logFile = directory.resolve("redis.log");
		this.adminPassword = adminPassword;
		this.process = process;
		this.port = port;
		this.clusterBusPort = clusterBusPort;
		this.shutdownHook = shutdownHook;
		this.commandLine = List.copyOf(commandLine);
		// the admin trusts whichever CA issued the server certificate, and checks the
		// host name where the certificate is meant to match it, so that deliberately
		// broken certificates stay administrable
		this.admin = new AdminConnection(HOST, port,
				settings.tls ? settings.serverCertificate.issuer().sslContext() : null,
				settings.tls && coversLocalhost(settings.serverCertificate), ADMIN_USER, adminPassword);
	}

	/**
	 * Starts building a TLS-only server (certificate {@link TestPki#localhost()} unless
	 * changed).
	 * @return a builder
	 */
	public static Builder tls() {
		return new Builder(true);
	}

	/**
	 * Starts building a plaintext-only server (still password-protected).
	 * @return a builder
	 */
	public static Builder plaintext() {
		return new Builder(false);
	}

	/**
	 * Finds the server binary: the file named by {@code $REDIS_SERVER_BIN}, else
	 * {@code redis-server}, else {@code valkey-server} on the {@code PATH}.
	 * @return the executable
	 * @throws IllegalStateException naming what to install or set when nothing usable is
	 * found
	 */
	public static Path findServerBinary() {
		return findServerBinary(System.getenv());
	}

	static Path findServerBinary(Map<String, String> environment) {
		String configured = environment.get(BINARY_ENV);
		if (configured != null && !configured.isBlank()) {
			Path path = Path.of(configured.trim());
			if (Files.isRegularFile(path) && Files.isExecutable(path)) {
				return path;
			}
			throw new IllegalStateException(BINARY_ENV + " is set to '" + configured
					+ "', which is not an executable file. Point it at a TLS-enabled redis-server (7.0+) or valkey-server binary, or unset it to use the PATH.");
		}
		String pathVariable = Objects.requireNonNullElse(environment.get("PATH"), "");
		for (String name : List.of("redis-server", "valkey-server")) {
			for (String entry : pathVariable.split(File.pathSeparator)) {
				if (entry.isEmpty()) {
					continue;
				}
				Path candidate = Path.of(entry, name);
				if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		throw new IllegalStateException("No Redis server binary found: " + BINARY_ENV
				+ " is not set and neither redis-server nor valkey-server is on the PATH. These tests need a real, TLS-enabled server (Redis OSS 7.0+ or Valkey). "
				+ "Install one (Debian/Ubuntu: 'sudo apt-get install redis-server'; Fedora: 'sudo dnf install valkey'; macOS: 'brew install redis'), "
				+ "or set " + BINARY_ENV + " to the path of a redis-server or valkey-server executable.");
	}

	/**
	 * @return {@code "localhost"}
	 */
	public String host() {
		return HOST;
	}

	/**
	 * @return the port clients connect to (the TLS port of a TLS server)
	 */
	public int port() {
		return this.port;
	}

	/**
	 * @return whether this server speaks TLS (and only TLS)
	 */
	public boolean isTls() {
		return this.settings.tls;
	}

	/**
	 * @return {@value #ADMIN_USER}
	 */
	public String adminUser() {
		return ADMIN_USER;
	}

	/**
	 * @return the random password of the {@value #ADMIN_USER} user (never logged)
	 */
	public String adminPassword() {
		return this.adminPassword;
	}

	/**
	 * @return the certificate the server presents, or {@code null} for a plaintext server
	 */
	public ServerCertificate serverCertificate() {
		return this.settings.tls ? this.settings.serverCertificate : null;
	}

	/**
	 * @return the PEM file of the CA clients should trust:
	 * {@code TestPki.get().trustedCa()}
	 */
	public Path caCertificatePem() {
		return TestPki.get().trustedCa().certificatePem();
	}

	/**
	 * @return {@code rediss://localhost:PORT} (or {@code redis://} when plaintext),
	 * without credentials
	 */
	public String url() {
		return (this.settings.tls ? "rediss://" : "redis://") + HOST + ":" + this.port;
	}

	/**
	 * Returns a Lettuce URI builder for this server: {@code localhost}, the port, and for
	 * TLS servers SSL with {@link SslVerifyMode#FULL} (CA and host-name verification).
	 * Combine with {@link #sslOptions()}.
	 * @return a builder to add credentials, timeouts etc. to
	 */
	public RedisURI.Builder redisUriBuilder() {
		RedisURI.Builder builder = RedisURI.builder().withHost(HOST).withPort(this.port);
		if (this.settings.tls) {
			builder.withSsl(true).withVerifyPeer(SslVerifyMode.FULL);
		}
		return builder;
	}

	/**
	 * Returns a Lettuce URI with credentials, see {@link #redisUriBuilder()}.
	 * @param user ACL user name
	 * @param password its password
	 * @return the URI
	 */
	public RedisURI redisUri(String user, String password) {
		return redisUriBuilder().withAuthentication(user, password).build();
	}

	/**
	 * Returns Lettuce SSL options that trust only the test CA
	 * ({@link #caCertificatePem()}).
	 * @return the SSL options
	 */
	public SslOptions sslOptions() {
		return SslOptions.builder().jdkSslProvider().trustManager(caCertificatePem().toFile()).build();
	}

	/**
	 * Runs a command as {@value #ADMIN_USER} and returns the reply as text: status and
	 * bulk replies as is, integers in decimal, nil as {@code null}, arrays as their
	 * elements' text joined with {@code '\n'} (nested arrays flattened).
	 * @param args the command and its arguments, for example
	 * {@code "CONFIG", "SET", "maxclients", "50"}
	 * @return the reply
	 * @throws RedisErrorReplyException if the server replied with an error
	 */
	public String adminCommand(String... args) {
		return toText(command(args));
	}

	/**
	 * Runs a command as {@value #ADMIN_USER} and returns the reply as {@code String},
	 * {@code Long}, {@code List<Object>} or {@code null}.
	 * @param args the command and its arguments
	 * @return the reply
	 * @throws RedisErrorReplyException if the server replied with an error
	 */
	public Object command(String... args) {
		if (args.length == 0) {
			throw new IllegalArgumentException("No command given");
		}
		checkOpen();
		return this.admin.command((this.restrictions != null) ? this.restrictions.translate(args) : args);
	}

	/**
	 * Creates or changes an ACL user with full permissions:
	 * {@code ACL SETUSER name on >password ~* &* +@all}, less the subcommands ElastiCache
	 * refuses when the server has {@link Builder#elastiCacheRestrictions ElastiCache's
	 * restrictions}.
	 * @param name the user name
	 * @param password the password to add
	 */
	public void setAclUser(String name, String password) {
		List<String> args = new ArrayList<>(
				List.of("ACL", "SETUSER", name, "reset", "on", ">" + password, "~*", "&*", "+@all"));
		if (this.restrictions != null) {
			args.addAll(this.restrictions.aclRules());
		}
		command(args.toArray(String[]::new));
	}

	/**
	 * @return the kind of ElastiCache cache whose refusals this server imitates, or
	 * {@code null} when it accepts every command
	 */
	public ElastiCacheRestrictions.@Nullable Flavour elastiCacheRestrictions() {
		return (this.restrictions != null) ? this.restrictions.flavour() : null;
	}

	/**
	 * Returns how often a command was called since start (or {@code CONFIG RESETSTAT}),
	 * from {@code INFO commandstats}.
	 * @param commandName for example {@code "auth"} or {@code "hello"} (case-insensitive)
	 * @return the {@code calls=} value, or 0 when the command was never called
	 */
	public long commandCalls(String commandName) {
		String stats = adminCommand("INFO", "commandstats");
		String prefix = "cmdstat_" + commandName.toLowerCase(java.util.Locale.ROOT) + ":";
		for (String line : stats.split("\r?\n")) {
			if (line.startsWith(prefix)) {
				Matcher matcher = COMMAND_CALLS.matcher(line);
				if (matcher.find()) {
					return Long.parseLong(matcher.group(1));
				}
			}
		}
		return 0;
	}

	/**
	 * Returns how many {@code AUTH} commands the server has executed
	 * ({@code cmdstat_auth:calls=N}), successful or not. {@code HELLO ... AUTH}
	 * handshakes (Lettuce with RESP3) are counted under {@code commandCalls("hello")}
	 * instead; the admin connection itself uses {@code HELLO}, so it never changes this
	 * number.
	 * @return the number of {@code AUTH} calls
	 */
	public long authCalls() {
		return commandCalls("auth");
	}

	/**
	 * Returns {@code CLIENT LIST}, one line per connection (including the admin
	 * connection, named {@value AdminConnection#CLIENT_NAME}).
	 * @return the client list
	 */
	public String clientList() {
		return adminCommand("CLIENT", "LIST");
	}

	/**
	 * Closes every connection authenticated as the given user
	 * ({@code CLIENT KILL USER name}).
	 * @param user the ACL user
	 * @return number of connections closed
	 */
	public long killClientsOf(String user) {
		return (Long) command("CLIENT", "KILL", "USER", user);
	}

	/**
	 * @return whether the server process is alive
	 */
	public boolean isRunning() {
		return this.process.isAlive();
	}

	/**
	 * @return the process id of the server
	 */
	public long pid() {
		return this.process.pid();
	}

	/**
	 * Kills the server with {@code SIGKILL} ({@link ProcessHandle#destroyForcibly()} on
	 * Linux), as a crashed or lost node: no shutdown, connections dropped by the kernel.
	 * {@link #close()} still removes its directory.
	 */
	public void kill() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Starts the server again after {@link #kill()}, as a node that comes back: the same
	 * port, certificate, admin password and working directory (so with
	 * {@code --appendonly yes} in {@link Builder#extraArgs(String...)} it loads its data
	 * from the append-only file). The ACL users given to the builder are set again before
	 * this returns; ACL changes made later are lost, as they are not persisted.
	 * @throws IllegalStateException if the server is still running, or with the log tail
	 * when it does not come up
	 */
	public void restart() {
		checkOpen();
		if (this.process.isAlive()) {
			throw new IllegalStateException(this + " is still running: kill() it first");
		}
		removeShutdownHook(this.shutdownHook);
		Path log = this.logFile;
		try {
			Process restarted = new ProcessBuilder(this.commandLine).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.start();
			this.process = restarted;
			this.shutdownHook = new Thread(() -> stop(restarted), "testbed-redis-stop-" + this.port);
			Runtime.getRuntime().addShutdownHook(this.shutdownHook);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not restart " + this, ex);
		}
		// the log is appended to: wait for one more "ready" line than before
		this.settings.awaitReady(this.process, this.port, log, this.commandLine,
				Builder.readQuietly(log).split(Builder.READY, -1).length);
		this.settings.aclUsers.forEach(this::setAclUser);
	}

	/**
	 * @return the temporary working directory (config, log), deleted on close
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * Returns the last lines of the server's log.
	 * @param lines how many lines at most
	 * @return the log tail, or a note when there is no log
	 */
	public String logTail(int lines) {
		return logTail(this.logFile, lines);
	}

	/**
	 * @return the cluster bus port of a cluster node
	 */
	public int clusterBusPort() {
		return this.clusterBusPort;
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException(this + " is closed");
		}
	}

	/**
	 * Stops the server (SIGTERM, SIGKILL after 5 s, also for its child processes), waits
	 * until it has exited and deletes its directory. Idempotent.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.admin.close();
		stop(this.process);
		removeShutdownHook(this.shutdownHook);
		TempFiles.deleteRecursively(this.directory);
	}

	private static void removeShutdownHook(Thread hook) {
		try {
			Runtime.getRuntime().removeShutdownHook(hook);
		}
		catch (IllegalStateException ex) {
			// JVM is shutting down already
		}
	}

	@Override
	public String toString() {
		return "RedisServerProcess[" + url() + ", pid " + this.process.pid()
				+ (this.settings.tls ? ", certificate " + this.settings.serverCertificate.subject() : "")
				+ (this.settings.replicaOf != null ? ", replica of " + this.settings.replicaOf.url() : "")
				+ (this.settings.clusterEnabled ? ", cluster node" : "")
				+ ((this.restrictions != null) ? ", refusing as ElastiCache " + this.restrictions.flavour() : "")
				+ (this.settings.sentinelOf != null ? ", sentinel of " + this.settings.sentinelOf.url() : "")
				+ (this.closed ? ", closed" : "") + "]";
	}

	private static void stop(Process process) {
		List<ProcessHandle> children = process.descendants().toList();
		process.destroy();
		children.forEach(ProcessHandle::destroy);
		try {
			if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
	}

	static String logTail(Path logFile, int lines) {
		try {
			if (!Files.exists(logFile)) {
				return "(no log written)";
			}
			List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(log unreadable: " + ex.getMessage() + ")";
		}
	}

	private static boolean coversLocalhost(ServerCertificate certificate) {
		try {
			var names = certificate.certificate().getSubjectAlternativeNames();
			return names != null && names.stream().anyMatch((name) -> HOST.equals(name.get(1)));
		}
		catch (java.security.cert.CertificateParsingException ex) {
			return false;
		}
	}

	private static String toText(Object reply) {
		if (reply == null) {
			return null;
		}
		if (reply instanceof List<?> list) {
			List<String> parts = new ArrayList<>(list.size());
			list.forEach((element) -> parts.add(String.valueOf(toText(element))));
			return String.join("\n", parts);
		}
		return reply.toString();
	}

	static String randomPassword() {
		String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
		SecureRandom random = new SecureRandom();
		StringBuilder password = new StringBuilder(32);
		for (int i = 0; i < 32; i++) {
			password.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return password.toString();
	}

	/**
	 * Settings for a server; {@link #start()} launches it. A builder can start several
	 * servers.
	 */
	public static final class Builder {

		private final boolean tls;

		private ServerCertificate serverCertificate;

		private final Map<String, String> aclUsers = new LinkedHashMap<>();

		private final List<String> extraArgs = new ArrayList<>();

		private Duration startupTimeout = Duration.ofSeconds(10);

		private RedisServerProcess replicaOf;

		private boolean clusterEnabled;

		private String clusterAdminPassword;

		private boolean clusterAnnouncesHostname = true;

		private Duration clusterNodeTimeout = Duration.ofSeconds(5);

		private RedisServerProcess sentinelOf;

		private int monitoredPort;

		private static final String READY = "Ready to accept connections";

		private int port;

		private @Nullable ElastiCacheRestrictions restrictions;

		private Builder(boolean tls) {
			this.tls = tls;
		}

		/**
		 * Sets the certificate a TLS server presents, for example
		 * {@link TestPki#wrongHost()} or {@link TestPki#untrustedLocalhost()}. Default
		 * {@link TestPki#localhost()}.
		 * @param certificate the certificate
		 * @return this builder
		 */
		public Builder serverCertificate(ServerCertificate certificate) {
			if (!this.tls) {
				throw new IllegalStateException("A plaintext server has no certificate");
			}
			this.serverCertificate = Objects.requireNonNull(certificate);
			return this;
		}

		/**
		 * Adds an ACL user with full permissions ({@code on >password ~* &* +@all}).
		 * @param name the user name (not {@value #ADMIN_USER})
		 * @param password the password
		 * @return this builder
		 */
		public Builder aclUser(String name, String password) {
			if (ADMIN_USER.equals(name)) {
				throw new IllegalArgumentException(
						"The " + ADMIN_USER + " user is the admin; its password is generated");
			}
			this.aclUsers.put(Objects.requireNonNull(name), Objects.requireNonNull(password));
			return this;
		}

		/**
		 * Adds command-line arguments, passed after the generated configuration so they
		 * override it, for example {@code extraArgs("--maxclients", "20")}. Do not put
		 * secrets here: the command line shows up in error messages.
		 * @param args the arguments
		 * @return this builder
		 */
		public Builder extraArgs(String... args) {
			this.extraArgs.addAll(List.of(args));
			return this;
		}

		/**
		 * Makes the server refuse what ElastiCache refuses, as
		 * {@link ElastiCacheRestrictions} describes: the refused commands answer
		 * {@code ERR unknown command}, the ACL users are denied the refused subcommands.
		 * The kit's own admin commands ({@link RedisServerProcess#command(String...)})
		 * still run. Replicas of such a server share its restrictions; a Sentinel of it
		 * reaches its renamed commands. Default: none.
		 * @param flavour the kind of ElastiCache cache to imitate
		 * @return this builder
		 */
		public Builder elastiCacheRestrictions(ElastiCacheRestrictions.Flavour flavour) {
			this.restrictions = ElastiCacheRestrictions.of(flavour);
			return this;
		}

		/**
		 * Listens on the given port instead of a free one: for example the port of a
		 * server just closed, to restart it where its clients reconnect.
		 * @param port the port on {@code 127.0.0.1}
		 * @return this builder
		 */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/**
		 * Sets how long {@link #start()} waits for the server to accept connections.
		 * Default 10 s.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder startupTimeout(Duration timeout) {
			this.startupTimeout = Objects.requireNonNull(timeout);
			return this;
		}

		/**
		 * Makes the server a replica of {@code master} (as its admin; over TLS with
		 * {@code tls-replication yes} when this server is TLS). {@link #start()} waits
		 * until the replication link is up.
		 * @param master the master, which must use the same transport (TLS or plaintext)
		 * @return this builder
		 */
		public Builder replicaOf(RedisServerProcess master) {
			if (master.isTls() != this.tls) {
				throw new IllegalArgumentException("Master and replica must both use TLS or both plaintext");
			}
			this.replicaOf = master;
			return this;
		}

		/**
		 * Makes the server a Sentinel ({@code redis-server <conf> --sentinel}) that
		 * monitors {@code master} as {@value #SENTINEL_MASTER_NAME} (quorum 1),
		 * authenticating to it as its admin, over TLS when this server is TLS. Like an
		 * ElastiCache node it reports host names: the master is monitored as
		 * {@code localhost} ({@code sentinel resolve-hostnames},
		 * {@code announce-hostnames}), so clients that verify host names can use the
		 * addresses it reports. {@link #start()} waits until the Sentinel lists, as
		 * available, every replica that was connected to the master (start the replicas
		 * first; they announce {@code localhost}).
		 * @param master the master, which must use the same transport (TLS or plaintext)
		 * @return this builder
		 */
		public Builder sentinelOf(RedisServerProcess master) {
			return sentinelOf(master, master.port());
		}

		/**
		 * Like {@link #sentinelOf(RedisServerProcess)}, but the Sentinel monitors (and
		 * reports) the master at another port, for example a relay's in front of it.
		 * @param master the master behind the port
		 * @param port the port the Sentinel monitors as the master's
		 * @return this builder
		 */
		public Builder sentinelOf(RedisServerProcess master, int port) {
			if (master.isTls() != this.tls) {
				throw new IllegalArgumentException("Master and sentinel must both use TLS or both plaintext");
			}
			this.sentinelOf = master;
			this.monitoredPort = port;
			return this;
		}

		/**
		 * Makes the server a cluster node whose admin password is shared by every node (a
		 * replica authenticates to its master, and after a failover to whichever node is
		 * master, as the admin).
		 */
		Builder clusterEnabled(String adminPassword) {
			this.clusterEnabled = true;
			this.clusterAdminPassword = adminPassword;
			return this;
		}

		/**
		 * Whether a cluster node announces {@value #HOST} (default) or only its IP
		 * address.
		 */
		Builder clusterAnnouncesHostname(boolean announcesHostname) {
			this.clusterAnnouncesHostname = announcesHostname;
			return this;
		}

		/** The {@code cluster-node-timeout} of a cluster node, default 5 s. */
		Builder clusterNodeTimeout(Duration timeout) {
			this.clusterNodeTimeout = Objects.requireNonNull(timeout);
			return this;
		}

		/**
		 * Starts the server, waits until it is ready, creates the ACL users and returns
		 * it.
		 * @return the running server; close it
		 * @throws IllegalStateException with the server's log tail when it does not come
		 * up
		 */
		public RedisServerProcess start() {
			if (this.tls && this.serverCertificate == null) {
				this.serverCertificate = TestPki.get().localhost();
			}
			if (this.sentinelOf != null && this.restrictions != null) {
				throw new IllegalStateException("ElastiCache has no Sentinel: give the restrictions to the master "
						+ "and its replicas; a Sentinel of them reaches their renamed commands");
			}
			Path binary = findServerBinary();
			IllegalStateException failure = null;
			for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
				try {
					return startOnce(binary);
				}
				catch (PortInUseException ex) {
					failure = new IllegalStateException(ex.getMessage());
				}
			}
			throw failure;
		}

		private RedisServerProcess startOnce(Path binary) {
			Path directory;
			try {
				directory = TempFiles.createTempDirectory("testbed-redis-");
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			// a replica shares its master's admin password, as the nodes of a replication
			// group share their users (a Sentinel authenticates to the master and its
			// replicas with one password)
			String adminPassword = (this.replicaOf != null) ? this.replicaOf.adminPassword()
					: (this.clusterEnabled) ? this.clusterAdminPassword : randomPassword();
			int port = (this.port != 0) ? this.port : FreePorts.unusedLoopbackPort();
			int busPort = this.clusterEnabled ? FreePorts.unusedLoopbackPort() : 0;
			// a replica takes its master's restrictions: the same hidden names, which a
			// Sentinel of both uses
			ElastiCacheRestrictions restrictions = (this.replicaOf != null && this.replicaOf.restrictions != null)
					? this.replicaOf.restrictions : this.restrictions;
			Path config = directory.resolve("redis.conf");
			Path log = directory.resolve("redis.log");
			List<String> commandLine = new ArrayList<>();
			commandLine.add(binary.toString());
			commandLine.add(config.toString());
			if (this.sentinelOf != null) {
				commandLine.add("--sentinel");
			}
			commandLine.addAll(this.extraArgs);
			Process process = null;
			Thread hook = null;
			try {
				// secrets go into the owner-only config file, never onto the command line
				TempFiles.write(config, configuration(directory, adminPassword, port, busPort, restrictions));
				process = new ProcessBuilder(commandLine).directory(directory.toFile())
					.redirectErrorStream(true)
					.redirectOutput(log.toFile())
					.start();
				Process started = process;
				hook = new Thread(() -> stop(started), "testbed-redis-stop-" + port);
				Runtime.getRuntime().addShutdownHook(hook);
				awaitReady(process, port, log, commandLine, 1);
				RedisServerProcess server = new RedisServerProcess(this, directory, adminPassword, process, port,
						busPort, hook, commandLine, restrictions);
				try {
					this.aclUsers.forEach(server::setAclUser);
					if (this.replicaOf != null) {
						server.awaitReplicationLink(deadline());
					}
					if (this.sentinelOf != null) {
						server.awaitSentinelReplicas(connectedReplicas(this.sentinelOf), deadline());
					}
				}
				catch (RuntimeException ex) {
					String tail = logTail(log, 30);
					server.close();
					throw new IllegalStateException(
							"Redis server " + server.url() + " started but could not be set up: " + ex.getMessage()
									+ "\n--- server log (tail) ---\n" + tail,
							ex);
				}
				return server;
			}
			catch (IOException | RuntimeException ex) {
				if (process != null) {
					stop(process);
				}
				if (hook != null) {
					try {
						Runtime.getRuntime().removeShutdownHook(hook);
					}
					catch (IllegalStateException ignored) {
						// shutting down
					}
				}
				TempFiles.deleteRecursively(directory);
				if (ex instanceof RuntimeException runtime) {
					throw runtime;
				}
				throw new IllegalStateException("Could not start " + commandLine, ex);
			}
		}

		private long deadline() {
			return System.nanoTime() + this.startupTimeout.toNanos();
		}

		/**
		 * Waits until the log says {@code readyLines} times that the server is ready (a
		 * restarted server appends to it).
		 */
		private void awaitReady(Process process, int port, Path log, List<String> commandLine, int readyLines) {
			String ready = (this.sentinelOf != null) ? "Sentinel ID is" : READY;
			long deadline = deadline();
			while (true) {
				String logText = readQuietly(log);
				if (!process.isAlive()) {
					if (logText.contains("Address already in use")) {
						throw new PortInUseException(
								"Port " + port + " was taken before the server could bind it: " + logTail(log, 10));
					}
					throw new IllegalStateException(
							"Redis server exited with code " + process.exitValue() + " during start-up. Command line: "
									+ commandLine + hint(logText) + "\n--- server log (tail) ---\n" + logTail(log, 30));
				}
				// logged after the listening sockets are bound (a TCP probe would only
				// add TLS errors to the log);
				// a Sentinel logs its id instead
				if (logText.split(ready, -1).length > readyLines) {
					return;
				}
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException("Redis server did not become ready on 127.0.0.1:" + port
							+ " within " + this.startupTimeout.toMillis() + " ms. Command line: " + commandLine
							+ "\n--- server log (tail) ---\n" + logTail(log, 30));
				}
				try {
					Thread.sleep(20);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("Interrupted while waiting for the Redis server", ex);
				}
			}
		}

		static String hint(String logText) {
			if (logText.contains("tls-port")
					&& (logText.contains("Bad directive") || logText.contains("not supported"))) {
				return ". This binary seems to be built without TLS; set " + BINARY_ENV
						+ " to a TLS-enabled redis-server (Debian's redis-server package is).";
			}
			return "";
		}

		private static String readQuietly(Path log) {
			try {
				return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
			}
			catch (IOException | UncheckedIOException ex) {
				return "";
			}
		}

		private String configuration(Path directory, String adminPassword, int port, int busPort,
				@Nullable ElastiCacheRestrictions restrictions) {
			StringBuilder conf = new StringBuilder();
			conf.append("bind 127.0.0.1\n");
			conf.append("daemonize no\n");
			conf.append("dir ").append(quote(directory.toString())).append('\n');
			conf.append("save \"\"\n");
			conf.append("appendonly no\n");
			conf.append("loglevel notice\n");
			// replicas sync right away instead of after the default 5 s wait for more
			// replicas
			conf.append("repl-diskless-sync-delay 0\n");
			if (this.tls) {
				TestPki pki = TestPki.get();
				conf.append("port 0\n");
				conf.append("tls-port ").append(port).append('\n');
				conf.append("tls-cert-file ")
					.append(quote(this.serverCertificate.certificatePem().toString()))
					.append('\n');
				conf.append("tls-key-file ")
					.append(quote(this.serverCertificate.privateKeyPem().toString()))
					.append('\n');
				conf.append("tls-ca-cert-file ")
					.append(quote(pki.trustedCa().certificatePem().toString()))
					.append('\n');
				conf.append("tls-auth-clients no\n");
				conf.append("tls-replication yes\n");
			}
			else {
				conf.append("port ").append(port).append('\n');
			}
			conf.append("user default on >").append(adminPassword).append(" ~* &* +@all\n");
			if (restrictions != null) {
				conf.append(restrictions.serverConfiguration());
			}
			if (this.replicaOf != null) {
				conf.append("replicaof 127.0.0.1 ").append(this.replicaOf.port()).append('\n');
				conf.append("masteruser ").append(ADMIN_USER).append('\n');
				conf.append("masterauth ").append(this.replicaOf.adminPassword()).append('\n');
				// as ElastiCache nodes do, so that a Sentinel reports a name the
				// certificates are issued for
				conf.append("replica-announce-ip ").append(HOST).append('\n');
			}
			if (this.sentinelOf != null) {
				conf.append("sentinel resolve-hostnames yes\n");
				conf.append("sentinel announce-hostnames yes\n");
				conf.append("sentinel monitor ")
					.append(SENTINEL_MASTER_NAME)
					.append(' ')
					.append(HOST)
					.append(' ')
					.append(this.monitoredPort)
					.append(" 1\n");
				conf.append("sentinel auth-user ")
					.append(SENTINEL_MASTER_NAME)
					.append(' ')
					.append(ADMIN_USER)
					.append('\n');
				conf.append("sentinel auth-pass ")
					.append(SENTINEL_MASTER_NAME)
					.append(' ')
					.append(this.sentinelOf.adminPassword())
					.append('\n');
				if (this.sentinelOf.restrictions != null) {
					conf.append(this.sentinelOf.restrictions.sentinelConfiguration(SENTINEL_MASTER_NAME));
				}
			}
			if (this.clusterEnabled) {
				conf.append("cluster-enabled yes\n");
				conf.append("cluster-config-file nodes.conf\n");
				conf.append("cluster-port ").append(busPort).append('\n');
				if (this.clusterAnnouncesHostname) {
					conf.append("cluster-announce-hostname localhost\n");
					conf.append("cluster-preferred-endpoint-type hostname\n");
				}
				conf.append("cluster-node-timeout ").append(this.clusterNodeTimeout.toMillis()).append('\n');
				// a node replicating its master (or the master after a failover)
				// authenticates as the shared admin
				conf.append("masteruser ").append(ADMIN_USER).append('\n');
				conf.append("masterauth ").append(adminPassword).append('\n');
				if (this.tls) {
					conf.append("tls-cluster yes\n");
				}
			}
			return conf.toString();
		}

		private static String quote(String value) {
			return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
		}

	}

	private static int connectedReplicas(RedisServerProcess master) {
		return master.adminCommand("INFO", "replication")
			.lines()
			.filter((line) -> line.startsWith("connected_slaves:"))
			.mapToInt((line) -> Integer.parseInt(line.substring(line.indexOf(':') + 1).trim()))
			.findFirst()
			.orElse(0);
	}

	/**
	 * Waits until this Sentinel lists {@code expected} replicas of its master, each
	 * without a {@code s_down}, {@code o_down} or {@code disconnected} flag (the replicas
	 * Lettuce would use).
	 */
	void awaitSentinelReplicas(int expected, long deadlineNanos) {
		while (true) {
			List<?> replicas = (List<?>) command("SENTINEL", "REPLICAS", SENTINEL_MASTER_NAME);
			List<String> flags = replicas.stream().map((replica) -> field((List<?>) replica, "flags")).toList();
			if (flags.size() == expected && flags.stream().allMatch("slave"::equals)) {
				return;
			}
			if (System.nanoTime() - deadlineNanos > 0) {
				throw new IllegalStateException("The sentinel did not list " + expected
						+ " available replica(s) in time; replica flags: " + flags);
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

	private static String field(List<?> keysAndValues, String key) {
		for (int i = 0; i + 1 < keysAndValues.size(); i += 2) {
			if (key.equals(keysAndValues.get(i))) {
				return String.valueOf(keysAndValues.get(i + 1));
			}
		}
		return null;
	}

	void awaitReplicationLink(long deadlineNanos) {
		while (true) {
			String info = adminCommand("INFO", "replication");
			if (info.contains("master_link_status:up")) {
				return;
			}
			if (System.nanoTime() - deadlineNanos > 0) {
				throw new IllegalStateException("Replication link to the master did not come up: "
						+ info.lines().filter((line) -> line.startsWith("master_")).toList());
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

	private static final class PortInUseException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		PortInUseException(String message) {
			super(message);
		}

	}

}
