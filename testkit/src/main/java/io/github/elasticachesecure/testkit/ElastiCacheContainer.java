package io.github.elasticachesecure.testkit;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.github.elasticachesecure.testkit.TestPki.ServerCertificate;
import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.util.Assert;

/**
 * A Testcontainers container for a Redis OSS 7+ or Valkey 7.2+ image standing in for
 * ElastiCache with in-transit encryption: TLS only (no plaintext port), a server
 * certificate for the names clients use ({@code localhost}, {@code 127.0.0.1}, the Docker
 * host) from the JVM's throw-away test CA ({@link TestPki}), the {@code default} user
 * disabled and one ACL user with a generated password (both overridable). With
 * {@link #withIamAuthentication(String, String, String)} clients go through an
 * {@link IamFront} in the test JVM that checks IAM tokens as ElastiCache does, signed
 * with {@link #getIamCredentials()}.
 * <p>
 * Networking: on an engine with a {@code bridge} network (the usual case) the TLS port
 * {@value #TLS_PORT} is mapped to a random host port; on one without (dockerd
 * {@code --bridge=none}) the server uses host networking on a free loopback port.
 * {@link #withHostNetwork(boolean)} overrides the detection.
 * <p>
 * With {@code @ServiceConnection}, Boot's {@code DataRedisConnectionDetails} come from
 * the container: host, port, user, password (none in IAM mode: the application signs
 * tokens) and an SSL bundle trusting the test CA.
 */
public class ElastiCacheContainer extends GenericContainer<ElastiCacheContainer> {

	/** The server's TLS port inside the container on a bridge network. */
	public static final int TLS_PORT = 6379;

	/** The ACL user created unless {@link #withUser(String, String)} names another. */
	public static final String DEFAULT_USERNAME = "app";

	private static final String CONFIG_DIRECTORY = "/etc/elasticache-testkit";

	private static final String NO_DOCKER = "No Docker engine answers: start one (or set DOCKER_HOST), or use the "
			+ "kit's process-based LocalElastiCache (redis-server or valkey-server on the PATH).";

	private static final String NO_BRIDGE_FOR_HOST_ADDRESS = "Testcontainers, inside a container (/.dockerenv), looks "
			+ "for the Docker host on the engine's 'bridge' network, which this engine lacks: set the environment variables "
			+ "TESTCONTAINERS_HOST_OVERRIDE=localhost (and TESTCONTAINERS_RYUK_DISABLED=true if Ryuk cannot be pulled).";

	private String username = DEFAULT_USERNAME;

	private String password = randomPassword();

	/** What the IAM front checks, or {@code null} for password authentication. */
	private @Nullable IamSettings iam;

	private final TestAwsCredentials iamCredentials = TestAwsCredentials.generate();

	private @Nullable Boolean hostNetwork;

	private int serverPort = TLS_PORT;

	private @Nullable ServerCertificate serverCertificate;

	private @Nullable IamFront iamFront;

	/**
	 * Creates a container for the given image, for example {@code valkey/valkey:8} or
	 * {@code redis:7.4}.
	 * @param image the image name
	 */
	public ElastiCacheContainer(String image) {
		this(DockerImageName.parse(image));
	}

	/**
	 * @param image the image name
	 */
	public ElastiCacheContainer(DockerImageName image) {
		super(image);
		waitingFor(Wait.forLogMessage("(?s).*Ready to accept connections.*", 1)
			.withStartupTimeout(Duration.ofSeconds(60)));
	}

	/**
	 * Creates this ACL user in place of a generated one.
	 * @param username the user name
	 * @param password the password
	 * @return this container
	 */
	public ElastiCacheContainer withUser(String username, String password) {
		this.username = username;
		this.password = password;
		return this;
	}

	/**
	 * Puts an IAM front before the server: clients authenticate as {@code userId} with
	 * IAM tokens for {@code cacheName} in {@code region}, signed with
	 * {@link #getIamCredentials()}, which the front checks as ElastiCache does; wrong or
	 * expired tokens are refused with {@code WRONGPASS}.
	 * @param userId the IAM user id (the application's
	 * {@code elasticache.secure.auth.username})
	 * @param cacheName the cache name (its {@code elasticache.secure.cache-name})
	 * @param region the region (its {@code elasticache.secure.iam.region})
	 * @return this container
	 */
	public ElastiCacheContainer withIamAuthentication(String userId, String cacheName, String region) {
		return withIamAuthentication(userId, cacheName, region, IamFront.ELASTICACHE_REAUTHENTICATION_DEADLINE);
	}

	/**
	 * Puts an IAM front before the server, as
	 * {@link #withIamAuthentication(String, String, String)}, that also closes every
	 * connection that has not authenticated again within {@code reauthenticationDeadline}
	 * (ElastiCache's 12 hours, made seconds for a test).
	 * @param userId the IAM user id
	 * @param cacheName the cache name
	 * @param region the region
	 * @param reauthenticationDeadline the deadline
	 * @return this container
	 */
	public ElastiCacheContainer withIamAuthentication(String userId, String cacheName, String region,
			Duration reauthenticationDeadline) {
		this.iam = new IamSettings(userId, cacheName, region, reauthenticationDeadline);
		this.username = userId;
		return this;
	}

	/**
	 * Chooses host networking (the server on a free loopback port) or a bridge network
	 * with a mapped port, in place of the detection (host networking when the engine has
	 * no {@code bridge} network).
	 * @param hostNetwork whether to use host networking
	 * @return this container
	 */
	public ElastiCacheContainer withHostNetwork(boolean hostNetwork) {
		this.hostNetwork = hostNetwork;
		return this;
	}

	@Override
	public void start() {
		boolean dockerAvailable;
		try {
			dockerAvailable = DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException ex) {
			// Inside a container (/.dockerenv) Testcontainers takes the Docker host's
			// address from the bridge network.
			if (String.valueOf(ex.getMessage()).contains("network bridge not found")) {
				throw new IllegalStateException(NO_BRIDGE_FOR_HOST_ADDRESS, ex);
			}
			throw ex;
		}
		if (!dockerAvailable) {
			throw new IllegalStateException(NO_DOCKER);
		}
		super.start();
	}

	@Override
	protected void configure() {
		if (usesHostNetwork()) {
			withNetworkMode("host");
			this.serverPort = FreePorts.unusedLoopbackPort();
		}
		else {
			addExposedPort(TLS_PORT);
		}
		this.serverCertificate = TestPki.get()
			.serverCertificate(List.of("localhost", "127.0.0.1", DockerClientFactory.instance().dockerHostIpAddress()));
		withCopyFileToContainer(MountableFile.forHostPath(this.serverCertificate.certificatePem(), 0644),
				CONFIG_DIRECTORY + "/server.crt");
		withCopyFileToContainer(MountableFile.forHostPath(this.serverCertificate.privateKeyPem(), 0644),
				CONFIG_DIRECTORY + "/server.key");
		copy(TestPki.get().trustedCa().certificatePemText(), "ca.crt");
		// The password goes into an ACL file, never onto the command line (visible in
		// docker inspect and ps).
		copy("user default off\nuser " + this.username + " on >" + this.password + " ~* &* +@all\n", "users.acl");
		copy(serverConfiguration(), "server.conf");
		setCommand(serverExecutable(), CONFIG_DIRECTORY + "/server.conf");
	}

	private String serverConfiguration() {
		return String.join("\n", "port 0", "tls-port " + this.serverPort,
				"bind " + (usesHostNetwork() ? "127.0.0.1" : "* -::*"), "protected-mode no",
				"tls-cert-file " + CONFIG_DIRECTORY + "/server.crt", "tls-key-file " + CONFIG_DIRECTORY + "/server.key",
				"tls-ca-cert-file " + CONFIG_DIRECTORY + "/ca.crt", "tls-auth-clients no",
				"aclfile " + CONFIG_DIRECTORY + "/users.acl", "save \"\"", "appendonly no", "");
	}

	@Override
	protected void waitUntilContainerStarted() {
		try {
			super.waitUntilContainerStarted();
		}
		catch (RuntimeException ex) {
			// The log is not quoted: a refused configuration line could hold a secret.
			if (getLogs().toLowerCase(Locale.ROOT).contains("tls")) {
				throw new IllegalStateException(noTlsSupport("its server stopped on the TLS settings"), ex);
			}
			throw ex;
		}
	}

	@Override
	protected void containerIsStarted(InspectContainerResponse containerInfo) {
		requireTlsHandshake();
		IamSettings iam = this.iam;
		if (iam != null) {
			this.iamFront = IamFront.forPort(serverPort())
				.userId(iam.userId())
				.cacheName(iam.cacheName())
				.region(iam.region())
				.credentials(this.iamCredentials)
				.reauthenticationDeadline(iam.reauthenticationDeadline())
				.aclPassword(this.password)
				.start();
		}
	}

	/**
	 * A server built without TLS can start with a TLS port and still answer in plaintext
	 * (Redis 7.0).
	 */
	private void requireTlsHandshake() {
		try (SSLSocket socket = (SSLSocket) TestPki.get()
			.trustedCa()
			.sslContext()
			.getSocketFactory()
			.createSocket(getHost(), serverPort())) {
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			socket.setSSLParameters(parameters);
			socket.setSoTimeout(10_000);
			socket.startHandshake();
		}
		catch (IOException ex) {
			throw new IllegalStateException(noTlsSupport(
					"a TLS handshake with " + getHost() + ":" + serverPort() + " failed (" + ex.getMessage() + ")"),
					ex);
		}
	}

	private String noTlsSupport(String observation) {
		return "The image " + getDockerImageName() + " does not serve TLS: " + observation + ". ElastiCacheContainer "
				+ "needs a Redis OSS 7+ or Valkey 7.2+ server built with TLS support (BUILD_TLS=yes), as the official "
				+ "redis and valkey/valkey images are.";
	}

	@Override
	protected void containerIsStopping(InspectContainerResponse containerInfo) {
		Optional.ofNullable(this.iamFront).ifPresent(IamFront::close);
		this.iamFront = null;
	}

	/**
	 * @return the port clients connect to on {@link #getHost()}: the IAM front's in IAM
	 * mode, else the server's
	 */
	public int getPort() {
		return (this.iamFront != null) ? this.iamFront.port() : serverPort();
	}

	private int serverPort() {
		return usesHostNetwork() ? this.serverPort : getMappedPort(TLS_PORT);
	}

	/**
	 * @return the ACL user (the IAM user id in IAM mode)
	 */
	public String getUsername() {
		return this.username;
	}

	/**
	 * @return the ACL user's password (in IAM mode the server's own, which only the IAM
	 * front sends)
	 */
	public String getPassword() {
		return this.password;
	}

	/**
	 * @return whether clients authenticate with IAM tokens through the IAM front
	 */
	public boolean isIamAuthentication() {
		return this.iam != null;
	}

	/**
	 * @return the test AWS credentials the IAM front accepts signatures of: give them to
	 * the application's {@code AwsCredentialsProvider} bean
	 * ({@link TestAwsCredentials#awsCredentialsProvider()})
	 */
	public TestAwsCredentials getIamCredentials() {
		return this.iamCredentials;
	}

	/**
	 * @return the running IAM front (its counts of accepted and refused tokens)
	 */
	public IamFront getIamFront() {
		Assert.state(this.iamFront != null, "No IAM front: call withIamAuthentication(...) and start the container");
		return this.iamFront;
	}

	/**
	 * @return the certificate the server presents (created when the container starts)
	 */
	public ServerCertificate getServerCertificate() {
		Assert.state(this.serverCertificate != null, "The server certificate is created when the container starts");
		return this.serverCertificate;
	}

	/**
	 * @return the PEM text of the CA that issued the server's certificate
	 */
	public String getCaCertificatePem() {
		return TestPki.get().trustedCa().certificatePemText();
	}

	/**
	 * @return an SSL bundle trusting only the CA that issued the server's certificate
	 */
	public SslBundle getSslBundle() {
		return TestPki.get().trustedCa().sslBundle();
	}

	private boolean usesHostNetwork() {
		if (this.hostNetwork == null) {
			this.hostNetwork = DockerClientFactory.instance()
				.client()
				.listNetworksCmd()
				.exec()
				.stream()
				.noneMatch((network) -> "bridge".equals(network.getName()));
		}
		return this.hostNetwork;
	}

	/**
	 * The official images' entry points take {@code redis-server} or
	 * {@code valkey-server} as the command.
	 */
	private String serverExecutable() {
		return getDockerImageName().toLowerCase(Locale.ROOT).contains("valkey") ? "valkey-server" : "redis-server";
	}

	private void copy(String content, String fileName) {
		withCopyToContainer(Transferable.of(content, 0644), CONFIG_DIRECTORY + "/" + fileName);
	}

	private static String randomPassword() {
		byte[] bytes = new byte[24];
		new SecureRandom().nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	@Override
	public String toString() {
		return "ElastiCacheContainer[" + getDockerImageName() + ", user " + this.username + "]";
	}

	private record IamSettings(String userId, String cacheName, String region, Duration reauthenticationDeadline) {
	}

}
