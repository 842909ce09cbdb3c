package io.github.elasticachesecure.benchmarks;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureProperties;
import io.github.elasticachesecure.autoconfigure.guard.ElastiCacheSecureGuardAutoConfiguration;
import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.iam.ElastiCacheIamTokenGenerator;
import io.github.elasticachesecure.testkit.RedisClusterProcess;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * What every benchmark shares: the local TLS server and its users, the Spring contexts
 * under test (the starter in password and IAM mode, Boot's plain Redis support with TLS)
 * and the hand-built Lettuce clients they are compared with.
 */
final class Fixtures implements AutoCloseable {

	static final String USER = "bench";

	static final String PASSWORD = "bench-Secret-51d0c2e7";

	static final String IAM_USER = "iam-bench";

	static final String CACHE_NAME = "bench-cache";

	static final String REGION = "us-east-1";

	/**
	 * Static session credentials (made up): signing is local, nothing calls AWS.
	 */
	static final AwsSessionCredentials CREDENTIALS = AwsSessionCredentials.create("AKIAIOSFODNN7EXAMPLE",
			"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEBYaDbenchmarkSessionToken");

	/**
	 * The server cannot check SigV4: with a fixed signing clock every token is identical,
	 * so the IAM user's password is set to that token once and every signer below
	 * (cached, fresh or naive) produces an accepted token.
	 */
	static final Clock FIXED_CLOCK = Clock.fixed(Instant.now().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);

	/**
	 * The engine the starter's contexts use unless a section says otherwise: the JDK's,
	 * as the hand-built clients and Boot's plain support they are compared with (the
	 * OpenSSL engine, on this module's classpath, is section 6's).
	 */
	static final String JDK_ENGINE = "jdk";

	final RedisServerProcess server;

	final Path caPem;

	private final ClientResources handBuiltResources = DefaultClientResources.create();

	Fixtures() {
		this.server = RedisServerProcess.tls().aclUser(USER, PASSWORD).start();
		this.caPem = this.server.caCertificatePem();
		// The token is a secret: it goes to the server over the admin connection and is
		// never printed.
		this.server.setAclUser(IAM_USER, generator().generate(CREDENTIALS).value());
	}

	static ElastiCacheIamTokenGenerator generator() {
		return new ElastiCacheIamTokenGenerator(CACHE_NAME, IAM_USER, REGION, false, FIXED_CLOCK);
	}

	static ElastiCacheIamCredentialsProvider iamProvider(AwsCredentialsProvider credentials) {
		return ElastiCacheIamCredentialsProvider.builder(generator(), credentials).clock(FIXED_CLOCK).build();
	}

	/**
	 * The naive IAM approach: sign a new token for every connection.
	 */
	static RedisCredentialsProvider signingOnEveryConnection() {
		ElastiCacheIamTokenGenerator generator = generator();
		return () -> Mono.fromSupplier(() -> RedisCredentials.just(IAM_USER, generator.generate(CREDENTIALS).value()));
	}

	// ---- Spring contexts ----

	enum App {

		/** The starter, password auth. */
		STARTER_PASSWORD("starter (password)"),

		/** The starter, IAM auth (cached token). */
		STARTER_IAM("starter (IAM)"),

		/**
		 * Boot's own Redis auto-configuration with spring.data.redis.ssl and a bundle; no
		 * starter.
		 */
		BOOT_PLAIN_TLS("Boot plain Redis + TLS");

		final String label;

		App(String label) {
			this.label = label;
		}

	}

	ConfigurableApplicationContext start(App app) {
		return start(app, Map.of());
	}

	/**
	 * Start the context with further properties (e.g.
	 * {@code elasticache.secure.tls.provider}).
	 */
	ConfigurableApplicationContext start(App app, Map<String, Object> extra) {
		return start(app, this.server.host(), this.server.port(), this.caPem, extra, ApplicationStartup.DEFAULT);
	}

	/**
	 * Start a context of the given kind against a server, recording its startup steps;
	 * also used in a fresh JVM ({@link ColdContextStart}).
	 */
	static ConfigurableApplicationContext start(App app, String host, int port, Path caPem, Map<String, Object> extra,
			ApplicationStartup startup) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("logging.level.root", "WARN");
		properties.put("spring.ssl.bundle.pem.bench.truststore.certificate", "file:" + caPem);
		Class<?>[] sources;
		switch (app) {
			case STARTER_PASSWORD -> {
				starterProperties(properties, host, port);
				properties.put("elasticache.secure.auth.username", USER);
				properties.put("elasticache.secure.auth.password", PASSWORD);
				sources = new Class<?>[] { StarterApp.class };
			}
			case STARTER_IAM -> {
				starterProperties(properties, host, port);
				properties.put("elasticache.secure.auth.mode", "iam");
				properties.put("elasticache.secure.auth.username", IAM_USER);
				properties.put("elasticache.secure.cache-name", CACHE_NAME);
				properties.put("elasticache.secure.iam.region", REGION);
				sources = new Class<?>[] { StarterApp.class, IamBeans.class };
			}
			case BOOT_PLAIN_TLS -> {
				properties.put("spring.data.redis.host", host);
				properties.put("spring.data.redis.port", port);
				properties.put("spring.data.redis.username", USER);
				properties.put("spring.data.redis.password", PASSWORD);
				properties.put("spring.data.redis.ssl.enabled", "true");
				properties.put("spring.data.redis.ssl.bundle", "bench");
				sources = new Class<?>[] { BootApp.class };
			}
			default -> throw new IllegalArgumentException(app.name());
		}
		properties.putAll(extra);
		return run(sources, properties, startup);
	}

	/**
	 * Start the starter in password mode against a cluster-mode cache, reached through
	 * one node as ElastiCache's configuration endpoint.
	 */
	ConfigurableApplicationContext startCluster(RedisClusterProcess cluster) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("logging.level.root", "WARN");
		properties.put("spring.ssl.bundle.pem.bench.truststore.certificate", "file:" + this.caPem);
		properties.put("elasticache.secure.endpoint", cluster.host() + ":" + cluster.ports().get(0));
		properties.put("elasticache.secure.topology", "cluster");
		properties.put("elasticache.secure.tls.provider", JDK_ENGINE);
		properties.put("elasticache.secure.tls.bundle", "bench");
		properties.put("elasticache.secure.auth.username", USER);
		properties.put("elasticache.secure.auth.password", PASSWORD);
		return run(new Class<?>[] { StarterApp.class }, properties);
	}

	static ConfigurableApplicationContext run(Class<?>[] sources, Map<String, Object> properties) {
		return run(sources, properties, ApplicationStartup.DEFAULT);
	}

	static ConfigurableApplicationContext run(Class<?>[] sources, Map<String, Object> properties,
			ApplicationStartup startup) {
		return new SpringApplicationBuilder(sources).web(WebApplicationType.NONE)
			.applicationStartup(startup)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.properties(properties)
			.run();
	}

	private static void starterProperties(Map<String, Object> properties, String host, int port) {
		properties.put("elasticache.secure.endpoint", host + ":" + port);
		properties.put("elasticache.secure.tls.bundle", "bench");
		properties.put("elasticache.secure.tls.provider", JDK_ENGINE);
	}

	/** The Lettuce client that Boot built from the context's configuration. */
	static RedisClient nativeClient(ConfigurableApplicationContext context) {
		return (RedisClient) context.getBean(LettuceConnectionFactory.class).getRequiredNativeClient();
	}

	// ---- hand-built Lettuce clients with the same TLS and AUTH ----

	RedisClient handBuiltPasswordClient() {
		return handBuiltPasswordClient(this.handBuiltResources);
	}

	/**
	 * The hand-built password client on the given resources (for instance the hand-built
	 * ones with the wire check).
	 */
	RedisClient handBuiltPasswordClient(ClientResources resources) {
		return handBuilt(resources, uri().withAuthentication(USER, PASSWORD.toCharArray()).build());
	}

	ClientResources handBuiltResources() {
		return this.handBuiltResources;
	}

	/**
	 * A Lettuce cluster client built by hand with the same TLS (JDK provider, the test
	 * CA, FULL verification) and AUTH, seeded with the same node as the starter, default
	 * cluster options otherwise.
	 */
	RedisClusterClient handBuiltClusterClient(RedisClusterProcess cluster) {
		RedisURI uri = RedisURI.builder()
			.withHost(cluster.host())
			.withPort(cluster.ports().get(0))
			.withSsl(true)
			.withVerifyPeer(SslVerifyMode.FULL)
			.withAuthentication(USER, PASSWORD.toCharArray())
			.build();
		RedisClusterClient client = RedisClusterClient.create(this.handBuiltResources, uri);
		client.setOptions(ClusterClientOptions.builder().sslOptions(sslOptions()).build());
		return client;
	}

	RedisClient handBuiltNaiveIamClient() {
		return handBuilt(this.handBuiltResources, uri().withAuthentication(signingOnEveryConnection()).build());
	}

	private RedisURI.Builder uri() {
		return RedisURI.builder()
			.withHost(this.server.host())
			.withPort(this.server.port())
			.withSsl(true)
			.withVerifyPeer(SslVerifyMode.FULL);
	}

	private RedisClient handBuilt(ClientResources resources, RedisURI uri) {
		RedisClient client = RedisClient.create(resources, uri);
		client.setOptions(ClientOptions.builder().sslOptions(sslOptions()).build());
		return client;
	}

	private SslOptions sslOptions() {
		return SslOptions.builder().jdkSslProvider().trustManager(this.caPem.toFile()).build();
	}

	@Override
	public void close() {
		this.handBuiltResources.shutdown();
		this.server.close();
	}

	@Configuration(proxyBeanMethods = false)
	// The guard has its own auto-configuration (after Boot's Redis one): without it,
	// nothing is probed at startup.
	@ImportAutoConfiguration({ ElastiCacheSecureAutoConfiguration.class, ElastiCacheSecureGuardAutoConfiguration.class,
			DataRedisAutoConfiguration.class, SslAutoConfiguration.class })
	static class StarterApp {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, SslAutoConfiguration.class })
	static class BootApp {

	}

	/**
	 * Static AWS credentials, and the starter's IAM provider on the fixed signing clock
	 * with the starter's re-authentication spread (the only bean replaced; the starter's
	 * IAM customizers, re-authentication options and rejection handling stay as they
	 * are).
	 */
	@Configuration(proxyBeanMethods = false)
	static class IamBeans {

		@Bean
		AwsCredentialsProvider benchAwsCredentialsProvider() {
			return StaticCredentialsProvider.create(CREDENTIALS);
		}

		@Bean
		ElastiCacheIamCredentialsProvider benchIamCredentialsProvider(AwsCredentialsProvider credentials,
				ElastiCacheSecureProperties properties) {
			return ElastiCacheIamCredentialsProvider.builder(generator(), credentials)
				.clock(FIXED_CLOCK)
				.reauthenticationSpread(properties.getIam().getReauthenticationSpread())
				.build();
		}

	}

}
