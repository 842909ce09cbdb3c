package io.github.elasticachesecure.testsupport;

import java.nio.file.Path;
import java.time.Duration;

import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testkit.TestPki.ServerCertificate;
import io.github.elasticachesecure.testkit.TestPki;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that runs a {@link RedisServerProcess} for a test class: <pre>{@code
 * &#64;RegisterExtension
 * static final RedisServerExtension redis = RedisServerExtension.tls().aclUser("app", "app-secret");
 *
 *

&#64;Test
 * void ping() {
 *     RedisClient client = RedisClient.create(redis.redisUri("app", "app-secret"));
 *     client.setOptions(ClientOptions.builder().sslOptions(redis.sslOptions()).build());
 *     ...
 * }
 * }</pre> On a {@code static} field the server starts before all tests and stops after
 * all of them (also when tests or the start fail); on an instance field it runs per test
 * method. Configure it before it starts; the accessors below are valid while it runs.
 * {@code @Nested} classes share the outer class's server.
 */
public final class RedisServerExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	private final RedisServerProcess.Builder builder;

	private volatile RedisServerProcess process;

	private String owner;

	private RedisServerExtension(RedisServerProcess.Builder builder) {
		this.builder = builder;
	}

	/**
	 * @return an extension for a TLS-only server with certificate
	 * {@link TestPki#localhost()}
	 */
	public static RedisServerExtension tls() {
		return new RedisServerExtension(RedisServerProcess.tls());
	}

	/**
	 * @return an extension for a plaintext (password-protected) server
	 */
	public static RedisServerExtension plaintext() {
		return new RedisServerExtension(RedisServerProcess.plaintext());
	}

	/**
	 * @param name ACL user name
	 * @param password its password
	 * @return this extension
	 * @see RedisServerProcess.Builder#aclUser(String, String)
	 */
	public RedisServerExtension aclUser(String name, String password) {
		this.builder.aclUser(name, password);
		return this;
	}

	/**
	 * @param certificate the certificate a TLS server presents, for example
	 * {@code TestPki.get().wrongHost()}
	 * @return this extension
	 * @see RedisServerProcess.Builder#serverCertificate(ServerCertificate)
	 */
	public RedisServerExtension serverCertificate(ServerCertificate certificate) {
		this.builder.serverCertificate(certificate);
		return this;
	}

	/**
	 * @param args extra {@code redis-server} arguments, for example
	 * {@code "--maxclients", "20"}
	 * @return this extension
	 * @see RedisServerProcess.Builder#extraArgs(String...)
	 */
	public RedisServerExtension extraArgs(String... args) {
		this.builder.extraArgs(args);
		return this;
	}

	/**
	 * @param timeout how long to wait for the server to start
	 * @return this extension
	 */
	public RedisServerExtension startupTimeout(Duration timeout) {
		this.builder.startupTimeout(timeout);
		return this;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		start(context);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		stop(context);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		if (this.process == null) {
			// registered on an instance field: beforeAll was not called for us
			start(context);
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		stop(context);
	}

	private synchronized void start(ExtensionContext context) {
		if (this.process == null) {
			this.process = this.builder.start();
			this.owner = context.getUniqueId();
		}
	}

	// only the context that started the server stops it (@Nested classes see the outer
	// extension too)
	private synchronized void stop(ExtensionContext context) {
		RedisServerProcess running = this.process;
		if (running != null && context.getUniqueId().equals(this.owner)) {
			this.process = null;
			this.owner = null;
			running.close();
		}
	}

	/**
	 * @return the running server
	 * @throws IllegalStateException when it is not running
	 */
	public RedisServerProcess process() {
		RedisServerProcess running = this.process;
		if (running == null) {
			throw new IllegalStateException(
					"The Redis server is not running (register the extension with @RegisterExtension and use it inside tests)");
		}
		return running;
	}

	/**
	 * @return {@code "localhost"}
	 */
	public String host() {
		return process().host();
	}

	/**
	 * @return the server's port
	 */
	public int port() {
		return process().port();
	}

	/**
	 * @return the random admin password (user {@code default})
	 */
	public String adminPassword() {
		return process().adminPassword();
	}

	/**
	 * @return the PEM file of the CA to trust
	 */
	public Path caCertificatePem() {
		return process().caCertificatePem();
	}

	/**
	 * @return {@code rediss://localhost:PORT}
	 */
	public String url() {
		return process().url();
	}

	/**
	 * @param user ACL user
	 * @param password its password
	 * @return a Lettuce URI with full TLS verification
	 * @see RedisServerProcess#redisUri(String, String)
	 */
	public RedisURI redisUri(String user, String password) {
		return process().redisUri(user, password);
	}

	/**
	 * @return Lettuce SSL options trusting only the test CA
	 */
	public SslOptions sslOptions() {
		return process().sslOptions();
	}

	/**
	 * @param args command and arguments
	 * @return the reply as text
	 * @see RedisServerProcess#adminCommand(String...)
	 */
	public String adminCommand(String... args) {
		return process().adminCommand(args);
	}

	/**
	 * @return number of {@code AUTH} calls the server executed
	 */
	public long authCalls() {
		return process().authCalls();
	}

	@Override
	public String toString() {
		RedisServerProcess running = this.process;
		return "RedisServerExtension[" + ((running != null) ? running : "not running") + "]";
	}

}
