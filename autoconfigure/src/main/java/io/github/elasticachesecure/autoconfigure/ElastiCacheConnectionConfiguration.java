package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.util.ClassUtils;

/**
 * The secured connection to {@code elasticache.secure.endpoint}, built by Boot's own Lettuce configuration from the
 * connection details and customizers contributed here.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("elasticache.secure.endpoint")
@Import(ElastiCacheIamConfiguration.class)
class ElastiCacheConnectionConfiguration {

	private static final String AWS_SIGNER_CLASS = "software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner";

	private static final Log logger = LogFactory.getLog(ElastiCacheConnectionConfiguration.class);

	// ElastiCache moves slots on scaling and fails over nodes: follow the topology.
	private static final Duration CLUSTER_TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(60);

	@Bean
	@ConditionalOnMissingBean(DataRedisConnectionDetails.class)
	ElastiCacheConnectionDetails elastiCacheConnectionDetails(ElastiCacheSecureProperties properties,
			Environment environment, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<DataRedisProperties> dataRedisProperties, ResourceLoader resourceLoader) {
		ElastiCacheEndpoint endpoint = ElastiCacheEndpoint.parse(properties.getEndpoint());
		new SpringDataRedisConflicts(environment).check(properties, endpoint);
		boolean clusterMode = clusterMode(properties, endpoint);
		DataRedisProperties redis = dataRedisProperties.getIfAvailable();
		int database = (redis != null) ? redis.getDatabase() : 0;
		if (clusterMode && database != 0) {
			throw new ElastiCacheConfigurationException("spring.data.redis.database",
					"'spring.data.redis.database=" + database + "' selects a database, but cluster mode has only 0.",
					"Remove 'spring.data.redis.database' or set 'elasticache.secure.cluster-mode=false'.");
		}
		ElastiCacheSecureProperties.Auth auth = properties.getAuth();
		return switch (auth.getMode()) {
			case PASSWORD -> new ElastiCacheConnectionDetails(endpoint, clusterMode, database, auth.getUsername(),
					requirePassword(auth), sslBundle(properties, sslBundles));
			case NONE -> {
				logger.warn("elasticache.secure.auth.mode=none: connecting to " + endpoint
						+ " without AUTH (explicit opt-in); anyone who reaches the cache can use it");
				yield new ElastiCacheConnectionDetails(endpoint, clusterMode, database, null, null,
						sslBundle(properties, sslBundles));
			}
			case IAM -> {
				if (!ClassUtils.isPresent(AWS_SIGNER_CLASS, resourceLoader.getClassLoader())) {
					throw new ElastiCacheConfigurationException("elasticache.secure.auth.mode",
							"IAM authentication needs the AWS SDK's signer, which is not on the classpath.",
							"Depend on elasticache-secure-spring-boot-starter (it brings software.amazon.awssdk:auth, "
									+ "http-auth-aws and regions), or add those three artifacts.");
				}
				// The token is the password: the IAM credentials provider supplies it to every connection.
				yield new ElastiCacheConnectionDetails(endpoint, clusterMode, database, auth.getUsername(), null,
						sslBundle(properties, sslBundles));
			}
		};
	}

	@Bean
	LettuceClientConfigurationBuilderCustomizer elastiCacheTlsClientConfigurationCustomizer(
			ElastiCacheSecureProperties properties, ObjectProvider<DataRedisConnectionDetails> connectionDetails) {
		return (builder) -> {
			builder.useSsl().verifyPeer(properties.getTls().getVerifyMode());
			boolean clusterMode = connectionDetails.getIfAvailable() instanceof ElastiCacheConnectionDetails details
					&& details.isClusterMode();
			builder.clientOptions(clientOptions(builder.build(), properties.getTls().getHandshakeTimeout(), clusterMode));
		};
	}

	/**
	 * Keep everything Boot and its customizers set in the client options, and add what only the built options can
	 * take: the TLS handshake timeout (inside the SSL options Boot built from the bundle) and, in cluster mode, cluster
	 * options with topology refresh, which Boot builds only for {@code spring.data.redis.cluster.*} and which a
	 * cluster-mode ElastiCache endpoint needs after failovers and scaling.
	 */
	private static ClientOptions clientOptions(LettuceClientConfiguration configuration, Duration handshakeTimeout,
			boolean clusterMode) {
		ClientOptions current = configuration.getClientOptions().orElseGet(ClientOptions::create);
		ClientOptions options = current.mutate()
			.sslOptions(current.getSslOptions().mutate().handshakeTimeout(handshakeTimeout).build())
			.build();
		if (!clusterMode || options instanceof ClusterClientOptions) {
			return options;
		}
		return ClusterClientOptions.builder(options)
			.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
				.enablePeriodicRefresh(CLUSTER_TOPOLOGY_REFRESH_PERIOD)
				.enableAllAdaptiveRefreshTriggers()
				.build())
			.build();
	}

	private static boolean clusterMode(ElastiCacheSecureProperties properties, ElastiCacheEndpoint endpoint) {
		Boolean configured = properties.getClusterMode();
		if (configured != null) {
			return configured;
		}
		boolean derived = endpoint.isClusterModeHostName();
		if (derived) {
			logger.info("elasticache.secure.cluster-mode derived from the endpoint host name: cluster mode for "
					+ endpoint);
		}
		return derived;
	}

	private static String requirePassword(ElastiCacheSecureProperties.Auth auth) {
		String password = auth.getPassword();
		if (password == null || password.isEmpty()) {
			throw new ElastiCacheConfigurationException("elasticache.secure.auth.password",
					"Password authentication is selected (elasticache.secure.auth.mode=password) but no password is set.",
					"Set 'elasticache.secure.auth.password' (e.g. from an environment variable or a secret store), "
							+ "or use 'elasticache.secure.auth.mode=iam'.");
		}
		return password;
	}

	private static SslBundle sslBundle(ElastiCacheSecureProperties properties, ObjectProvider<SslBundles> sslBundles) {
		String name = properties.getTls().getBundle();
		if (name == null) {
			return SslBundle.systemDefault();
		}
		SslBundles bundles = sslBundles.getIfAvailable();
		try {
			if (bundles == null) {
				throw new NoSuchSslBundleException(name, "no SSL bundles are configured");
			}
			return bundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new ElastiCacheConfigurationException("elasticache.secure.tls.bundle",
					"The SSL bundle '" + name + "' named by 'elasticache.secure.tls.bundle' does not exist.",
					"Define it under 'spring.ssl.bundle.pem." + name + ".truststore.certificate' (the CA certificate "
							+ "that issued the cache's certificate), or remove 'elasticache.secure.tls.bundle' to trust "
							+ "the JDK's default certificate authorities.",
					ex);
		}
	}

}
