package io.github.elasticachesecure.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * ElastiCache's IAM authentication in front of a TLS {@code redis-server}, which cannot
 * verify SigV4: a loopback TLS proxy (the kit's {@code localhost} certificate, issued by
 * {@link TestPki#trustedCa()}) that opens its own TLS connection to the server per client
 * connection and checks every {@code AUTH <user> <token>} and {@code HELLO … AUTH
 * <user> <token>} the way ElastiCache does: the token must be a SigV4-presigned
 * {@code connect} for the cache and user (with {@code ResourceType=ServerlessCache} for a
 * serverless cache), signed with the {@link #credentials() test credentials} the front
 * hands out, for its region, with {@code X-Amz-Expires=900}, no more than 15 minutes old
 * on the front's clock. The signature is recomputed by {@link SigV4Reference},
 * independently of the signer under test. An accepted token is replaced by the user's
 * real password, a refused one by a password the server refuses, so that the server
 * itself answers {@code -WRONGPASS invalid username-password pair or user is disabled.}
 * in order with the other replies. Everything else is relayed unchanged; tokens are never
 * printed or kept.
 * <p>
 * As ElastiCache drops an IAM connection that has not re-authenticated within 12 hours of
 * its last {@code AUTH}, the front closes every connection whose last accepted token (or
 * whose opening, before any) is older than the
 * {@linkplain Builder#reauthenticationDeadline(Duration) re-authentication deadline}: 12
 * hours unless shortened, for example to seconds, on the same clock. <pre>{@code
 * try (RedisServerProcess server = RedisServerProcess.tls().start();
 *         IamFront front = IamFront.forServer(server).userId("app-user").cacheName("my-cache")
 *             .reauthenticationDeadline(Duration.ofSeconds(5)).start()) {
 *     // connect to localhost:front.port(), sign tokens with front.credentials() for front.region()
 * }
 * }</pre> A front before a cluster node ({@link #forClusterNode}) also relays the
 * replication links of the node's replicas, which reach it through the port the cluster
 * announces.
 */
public final class IamFront extends LoopbackTcpServer {

	/**
	 * ElastiCache's deadline: an IAM connection is dropped 12 hours after its last
	 * authentication.
	 */
	public static final Duration ELASTICACHE_REAUTHENTICATION_DEADLINE = Duration.ofHours(12);

	private static final Duration SWEEP_INTERVAL = Duration.ofMillis(100);

	private static final byte[] REFUSED_PASSWORD = "refused-by-the-iam-front".getBytes(StandardCharsets.UTF_8);

	private final int targetPort;

	private final IamTokenCheck check;

	private final String password;

	/** A user whose {@code AUTH} is relayed unchecked and uncounted, or {@code null}. */
	private final @Nullable String uncheckedUser;

	private final Clock clock;

	private final Duration reauthenticationDeadline;

	private final SSLContext serverContext;

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicInteger refused = new AtomicInteger();

	private final AtomicInteger expired = new AtomicInteger();

	private final List<FrontConnection> connections = new CopyOnWriteArrayList<>();

	private final ScheduledExecutorService sweeper;

	private IamFront(int targetPort, IamTokenCheck check, String password, @Nullable String uncheckedUser, Clock clock,
			Duration reauthenticationDeadline) {
		super(0, "iam-front");
		this.targetPort = targetPort;
		this.check = check;
		this.password = password;
		this.uncheckedUser = uncheckedUser;
		this.clock = clock;
		this.reauthenticationDeadline = reauthenticationDeadline;
		this.serverContext = serverContext(TestPki.get().localhost());
		this.sweeper = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "iam-front-deadline-" + port());
			thread.setDaemon(true);
			return thread;
		});
		this.sweeper.scheduleWithFixedDelay(this::closeConnectionsPastTheDeadline, SWEEP_INTERVAL.toMillis(),
				SWEEP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		startAccepting();
	}

	/**
	 * Starts configuring a front for the given TLS server.
	 * @param target the TLS server
	 * @return a builder
	 */
	public static Builder forServer(RedisServerProcess target) {
		return new Builder(target.port(), target, null);
	}

	/**
	 * Starts configuring a front for a TLS server on {@code localhost:targetPort} whose
	 * certificate {@link TestPki#trustedCa()} issued, for example a container on the host
	 * network. The front cannot create the user there: give it the user's
	 * {@link Builder#aclPassword(String) password}.
	 * @param targetPort the server's TLS port on {@code localhost}
	 * @return a builder
	 */
	public static Builder forPort(int targetPort) {
		return new Builder(targetPort, null, null);
	}

	/**
	 * Starts configuring a front for a node of a {@link RedisClusterProcess} that
	 * announces the front's port: its replicas then replicate through the front too, so
	 * their {@code AUTH} as the nodes' shared admin user is relayed unchecked, not
	 * counted and never timed out, as ElastiCache's nodes replicate among themselves
	 * without IAM.
	 * @param node the cluster node
	 * @return a builder
	 */
	public static Builder forClusterNode(RedisServerProcess node) {
		return new Builder(node.port(), node, RedisServerProcess.ADMIN_USER);
	}

	/**
	 * @return the credentials the front accepts signatures of: give them to the
	 * application's {@code AwsCredentialsProvider}
	 * ({@link TestAwsCredentials#awsCredentialsProvider()})
	 */
	public TestAwsCredentials credentials() {
		return this.check.credentials();
	}

	/**
	 * @return the user id every {@code AUTH} must name (user name and user id are the
	 * same for IAM users)
	 */
	public String userId() {
		return this.check.userId();
	}

	/**
	 * @return the (lower-case) cache name the tokens must be signed for
	 */
	public String cacheName() {
		return this.check.cacheName();
	}

	/**
	 * @return the region the tokens must be signed for
	 */
	public String region() {
		return this.check.region();
	}

	/**
	 * @return whether the tokens must carry {@code ResourceType=ServerlessCache}
	 */
	public boolean isServerless() {
		return this.check.serverless();
	}

	/**
	 * The starter's properties for IAM through this front: its endpoint, IAM mode as
	 * {@link #userId()} for {@link #cacheName()} in {@link #region()}, and the SSL bundle
	 * {@value LocalElastiCache#SSL_BUNDLE} trusting the kit's CA. The application still
	 * needs an {@code AwsCredentialsProvider} bean of {@link #credentials()}.
	 * @return property names and values
	 */
	public Map<String, String> connectionProperties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("elasticache.secure.endpoint", host() + ":" + port());
		properties.put("elasticache.secure.auth.mode", "iam");
		properties.put("elasticache.secure.auth.username", userId());
		properties.put("elasticache.secure.cache-name", cacheName());
		properties.put("elasticache.secure.iam.region", region());
		properties.putAll(LocalElastiCache.trustProperties());
		return properties;
	}

	/**
	 * Adds {@link #connectionProperties()} to a Spring test's
	 * {@code @DynamicPropertySource}.
	 * @param registry the registry
	 */
	public void registerProperties(DynamicPropertyRegistry registry) {
		connectionProperties().forEach((name, value) -> registry.add(name, () -> value));
	}

	/**
	 * @return number of tokens accepted so far (first authentications and
	 * re-authentications)
	 */
	public int acceptedTokens() {
		return this.accepted.get();
	}

	/**
	 * @return number of tokens refused so far
	 */
	public int refusedTokens() {
		return this.refused.get();
	}

	/**
	 * @return number of connections the front closed because they missed the
	 * re-authentication deadline
	 */
	public int connectionsClosedForMissedReauthentication() {
		return this.expired.get();
	}

	@Override
	protected void handle(Socket socket) {
		startDaemon(() -> serve(socket), "iam-front-connection");
	}

	private void serve(Socket socket) {
		SSLSocket client = null;
		SSLSocket server = null;
		FrontConnection connection = null;
		try {
			client = (SSLSocket) this.serverContext.getSocketFactory()
				.createSocket(socket, null, socket.getPort(), true);
			client.setUseClientMode(false);
			client.startHandshake();
			server = (SSLSocket) TestPki.get()
				.trustedCa()
				.sslContext()
				.getSocketFactory()
				.createSocket("localhost", this.targetPort);
			server.startHandshake();
			connection = new FrontConnection(client, server, this.clock.instant());
			this.connections.add(connection);
			SSLSocket from = server;
			SSLSocket to = client;
			startDaemon(() -> pump(from, to, null), "iam-front-downstream");
			InputStream in = new BufferedInputStream(client.getInputStream());
			OutputStream out = server.getOutputStream();
			while (true) {
				List<byte[]> command = readCommand(in);
				out.write(encode(checked(command, connection)));
				out.flush();
			}
		}
		catch (IOException | RuntimeException ex) {
			// a side closed, or not RESP: the connection ends
		}
		finally {
			if (connection != null) {
				this.connections.remove(connection);
			}
			if (client != null) {
				closeQuietly(client);
			}
			if (server != null) {
				closeQuietly(server);
			}
			closeQuietly(socket);
		}
	}

	/**
	 * The command with the token of its {@code AUTH} replaced: by the password if valid,
	 * else by a refused one.
	 */
	private List<byte[]> checked(List<byte[]> command, FrontConnection connection) {
		int user = -1;
		String name = text(command.get(0));
		if (name.equalsIgnoreCase("AUTH") && command.size() == 3) {
			user = 1;
		}
		else if (name.equalsIgnoreCase("HELLO")) {
			for (int i = 1; i + 2 < command.size(); i++) {
				if (text(command.get(i)).equalsIgnoreCase("AUTH")) {
					user = i + 1;
				}
			}
		}
		if (user < 0) {
			return command;
		}
		if (text(command.get(user)).equals(this.uncheckedUser)) {
			connection.exempt = true;
			return command;
		}
		List<byte[]> replaced = new ArrayList<>(command);
		boolean valid = this.check.isValid(text(command.get(user)), text(command.get(user + 1)), this.clock.instant());
		if (valid) {
			this.accepted.incrementAndGet();
			connection.lastAuthentication = this.clock.instant();
			replaced.set(user + 1, this.password.getBytes(StandardCharsets.UTF_8));
		}
		else {
			this.refused.incrementAndGet();
			replaced.set(user + 1, REFUSED_PASSWORD);
		}
		return replaced;
	}

	private void closeConnectionsPastTheDeadline() {
		Instant now = this.clock.instant();
		for (FrontConnection connection : this.connections) {
			if (!connection.exempt
					&& Duration.between(connection.lastAuthentication, now).compareTo(this.reauthenticationDeadline) > 0
					&& this.connections.remove(connection)) {
				this.expired.incrementAndGet();
				closeQuietly(connection.client);
				closeQuietly(connection.server);
			}
		}
	}

	/** Reads one RESP array of bulk strings, as clients send commands. */
	private static List<byte[]> readCommand(InputStream in) throws IOException {
		String header = readLine(in);
		if (!header.startsWith("*")) {
			throw new IOException("not a RESP array");
		}
		int count = Integer.parseInt(header.substring(1));
		List<byte[]> parts = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			String length = readLine(in);
			if (!length.startsWith("$")) {
				throw new IOException("not a bulk string");
			}
			byte[] part = in.readNBytes(Integer.parseInt(length.substring(1)));
			readLine(in);
			parts.add(part);
		}
		return parts;
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != '\n') {
			if (b < 0) {
				throw new EOFException();
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.US_ASCII);
	}

	private static byte[] encode(List<byte[]> command) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(("*" + command.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (byte[] part : command) {
			out.writeBytes(("$" + part.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
			out.writeBytes(part);
			out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		return out.toByteArray();
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private static SSLContext serverContext(TestPki.ServerCertificate certificate) {
		try {
			String pem = Files.readString(certificate.privateKeyPem());
			byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
			PrivateKey key = KeyFactory.getInstance(certificate.certificate().getPublicKey().getAlgorithm())
				.generatePrivate(new PKCS8EncodedKeySpec(der));
			KeyStore keyStore = KeyStore.getInstance("PKCS12");
			keyStore.load(null, null);
			keyStore.setKeyEntry("server", key, new char[0],
					new Certificate[] { certificate.certificate(), certificate.issuer().certificate() });
			KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			kmf.init(keyStore, new char[0]);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(kmf.getKeyManagers(), null, null);
			return context;
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("Could not build the IAM front's TLS context", ex);
		}
	}

	/** Stops listening and closes every connection. */
	@Override
	public void close() {
		this.sweeper.shutdownNow();
		super.close();
		this.connections.forEach((connection) -> {
			closeQuietly(connection.client);
			closeQuietly(connection.server);
		});
	}

	@Override
	public String toString() {
		return "IamFront[localhost:" + port() + " -> localhost:" + this.targetPort + ", " + this.check + "]";
	}

	/**
	 * A client connection and the front's own connection to the server, with its last
	 * accepted token's time.
	 */
	private static final class FrontConnection {

		private final SSLSocket client;

		private final SSLSocket server;

		private volatile Instant lastAuthentication;

		/**
		 * Authenticated as the unchecked user: a node's replication link, which IAM does
		 * not govern.
		 */
		private volatile boolean exempt;

		FrontConnection(SSLSocket client, SSLSocket server, Instant openedAt) {
			this.client = client;
			this.server = server;
			this.lastAuthentication = openedAt;
		}

	}

	/**
	 * Settings of a front; {@link #start()} starts it. Unless given, the credentials are
	 * generated and the user's ACL password too (the front then creates the user on the
	 * server).
	 */
	public static final class Builder {

		private final int targetPort;

		/**
		 * The server to create the user on, or {@code null} when only its port is known.
		 */
		private final @Nullable RedisServerProcess target;

		private final @Nullable String uncheckedUser;

		private String userId = "iam-user";

		private String cacheName = "test-cache";

		private String region = "us-east-1";

		private boolean serverless;

		private TestAwsCredentials credentials = TestAwsCredentials.generate();

		private Clock clock = Clock.systemUTC();

		private Duration reauthenticationDeadline = ELASTICACHE_REAUTHENTICATION_DEADLINE;

		private @Nullable String aclPassword;

		private Builder(int targetPort, @Nullable RedisServerProcess target, @Nullable String uncheckedUser) {
			this.targetPort = targetPort;
			this.target = target;
			this.uncheckedUser = uncheckedUser;
		}

		/**
		 * @param userId the IAM user's id (and name), default {@code iam-user}
		 * @return this builder
		 */
		public Builder userId(String userId) {
			this.userId = Objects.requireNonNull(userId);
			return this;
		}

		/**
		 * @param cacheName the replication group id the tokens must be signed for,
		 * default {@code test-cache}
		 * @return this builder
		 */
		public Builder cacheName(String cacheName) {
			this.cacheName = Objects.requireNonNull(cacheName);
			this.serverless = false;
			return this;
		}

		/**
		 * @param cacheName the serverless cache the tokens must be signed for, with
		 * {@code ResourceType=ServerlessCache}
		 * @return this builder
		 */
		public Builder serverlessCacheName(String cacheName) {
			this.cacheName = Objects.requireNonNull(cacheName);
			this.serverless = true;
			return this;
		}

		/**
		 * @param region the region the tokens must be signed for, default
		 * {@code us-east-1}
		 * @return this builder
		 */
		public Builder region(String region) {
			this.region = Objects.requireNonNull(region);
			return this;
		}

		/**
		 * @param credentials the credentials the tokens must be signed with, default
		 * generated ones
		 * @return this builder
		 */
		public Builder credentials(TestAwsCredentials credentials) {
			this.credentials = Objects.requireNonNull(credentials);
			return this;
		}

		/**
		 * @param clock the clock of the tokens' 15 minutes and of the re-authentication
		 * deadline, for example a {@link MutableClock} the test moves (the signer must
		 * sign on it too); default the system clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock);
			return this;
		}

		/**
		 * @param deadline how long after its last accepted token (or its opening) a
		 * connection is closed unless it authenticates again; default ElastiCache's 12
		 * hours
		 * @return this builder
		 */
		public Builder reauthenticationDeadline(Duration deadline) {
			if (deadline.isNegative() || deadline.isZero()) {
				throw new IllegalArgumentException("The re-authentication deadline must be positive");
			}
			this.reauthenticationDeadline = deadline;
			return this;
		}

		/**
		 * @param password the password of the server's ACL user {@link #userId}, which
		 * the caller has created; without it the front creates the user with a generated
		 * password
		 * @return this builder
		 */
		public Builder aclPassword(String password) {
			this.aclPassword = Objects.requireNonNull(password);
			return this;
		}

		/**
		 * Starts the front (and creates the ACL user on the server unless
		 * {@link #aclPassword} was given).
		 * @return the running front; close it
		 */
		public IamFront start() {
			String password = this.aclPassword;
			if (password == null) {
				if (this.target == null) {
					throw new IllegalStateException(
							"A front for a port needs the ACL user's password: aclPassword(...)");
				}
				password = RedisServerProcess.randomPassword();
				this.target.setAclUser(this.userId, password);
			}
			IamTokenCheck check = new IamTokenCheck(this.cacheName, this.userId, this.region, this.credentials,
					this.serverless);
			return new IamFront(this.targetPort, check, password, this.uncheckedUser, this.clock,
					this.reauthenticationDeadline);
		}

	}

}
