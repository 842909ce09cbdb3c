package io.github.elasticachesecure.autoconfigure;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Predicate;

import io.github.elasticachesecure.autoconfigure.ElastiCacheDiscoveryConfiguration.CacheLocator;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.cache.ClusterNodeDomain;
import io.github.elasticachesecure.cache.ClusterNodes;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.secret.CredentialsSource;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * The secured connection to {@code elasticache.secure.endpoint}, built by Boot's own
 * Lettuce configuration from the connection details and customizers contributed here.
 * Connection details the application brings (a {@code @ServiceConnection} container's)
 * take the endpoint's place, as they take that of {@code spring.data.redis.*} in Boot:
 * they name the cache, and the same TLS customizers, with their SSL bundle, secure the
 * connection Boot builds from them; the guard checks it as any other.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnCacheEndpointCondition.class)
@Import({ ElastiCacheIamConfiguration.class, ElastiCacheSecretConfiguration.class, ElastiCacheReadConfiguration.class,
		ElastiCacheZoneReadsConfiguration.class })
class ElastiCacheConnectionConfiguration {

	static final String AWS_SIGNER_CLASS = "software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner";

	private static final Log logger = LogFactory.getLog(ElastiCacheConnectionConfiguration.class);

	private static final String CLUSTER_REFRESH_PROPERTIES = "spring.data.redis.lettuce.cluster.refresh";

	// ElastiCache moves slots on scaling and fails over nodes: follow the topology
	// (Lettuce #2211's settings).
	private static final Duration CLUSTER_TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(30);

	// Lettuce's default of 30 s lets the refresh a dying master triggers at once (still
	// showing it, before its replica is promoted) silence the triggers for 30 s: writes
	// to its slots then failed for half a minute after a promotion.
	private static final Duration CLUSTER_ADAPTIVE_REFRESH_RATE_LIMIT = Duration.ofSeconds(1);

	// A lost master's replica is promoted seconds after the loss. Lettuce's default (a
	// refresh from the fifth reconnect attempt on) left writes to its slots failing 5.5
	// to 9 s after the promotion with the jittered reconnect delay; from the first
	// attempt on, the first attempt after the promotion (at most RECONNECT_DELAY_MAX
	// later) refreshes.
	private static final int CLUSTER_REFRESH_RECONNECT_ATTEMPTS = 1;

	@Bean
	@ConditionalOnMissingBean
	ElastiCacheDescription elastiCacheDescription(ElastiCacheSecureProperties properties, Environment environment,
			ObjectProvider<CacheLocator> locators) {
		return ElastiCacheDescription.resolve(properties, environment,
				ElastiCacheDiscoveryConfiguration.discover(properties, locators));
	}

	@Bean
	@ConditionalOnMissingBean(DataRedisConnectionDetails.class)
	ElastiCacheConnectionDetails elastiCacheConnectionDetails(ElastiCacheSecureProperties properties,
			ElastiCacheDescription cache, Environment environment, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<DataRedisProperties> dataRedisProperties,
			ObjectProvider<CredentialsSource> credentialsSources, ResourceLoader resourceLoader) {
		new SpringDataRedisConflicts(environment).check(properties, cache.address());
		DataRedisProperties redis = dataRedisProperties.getIfAvailable();
		int database = (redis != null) ? redis.getDatabase() : 0;
		if (cache.isClusterProtocol() && database != 0) {
			throw new ElastiCacheConfigurationException("spring.data.redis.database",
					"'spring.data.redis.database=" + database + "' selects a database, but cluster mode has only 0"
							+ ((cache.topology() == CacheTopology.SERVERLESS)
									? " (a serverless cache speaks the cluster protocol and refuses SELECT)." : "."),
					"Remove 'spring.data.redis.database' or set 'elasticache.secure.topology' to 'standalone' or "
							+ "'replication-group'.");
		}
		if (cache.reader() != null && database != 0) {
			// Boot's master/replica connection details carry no database, so it would be
			// silently ignored.
			throw new ElastiCacheConfigurationException("spring.data.redis.database",
					"'spring.data.redis.database=" + database + "' selects a database, but with '"
							+ ElastiCacheDescription.READER_ENDPOINT
							+ "' Spring Boot builds a master/replica connection, which always uses database 0.",
					"Remove 'spring.data.redis.database', or remove '" + ElastiCacheDescription.READER_ENDPOINT
							+ "' to read and write through the primary endpoint only.");
		}
		ElastiCacheDescription.Auth auth = cache.auth();
		SslBundle sslBundle = sslBundle(cache.tls(), sslBundles);
		return switch (auth.mode()) {
			case PASSWORD -> {
				if (!ElastiCacheSecretConfiguration.rotates(properties, cache, credentialsSources)) {
					yield new ElastiCacheConnectionDetails(cache, database, auth.username(),
							requirePassword(properties.getAuth()), sslBundle);
				}
				// The secret's or the application's source supplies the password (and,
				// without a configured one, the user name) to every connection.
				yield new ElastiCacheConnectionDetails(cache, database, auth.username(), null, sslBundle);
			}
			case NONE -> {
				logger.warn("elasticache.secure.auth.mode=none: connecting to " + cache.endpoint()
						+ " without AUTH (explicit opt-in); anyone who reaches the cache can use it");
				yield new ElastiCacheConnectionDetails(cache, database, null, null, sslBundle);
			}
			case IAM -> {
				if (!ClassUtils.isPresent(AWS_SIGNER_CLASS, resourceLoader.getClassLoader())) {
					throw new ElastiCacheConfigurationException("elasticache.secure.auth.mode",
							"IAM authentication needs the AWS SDK's signer, which is not on the classpath.",
							"Depend on elasticache-secure-spring-boot-starter (it brings software.amazon.awssdk:auth, "
									+ "http-auth-aws and regions), or add those three artifacts.");
				}
				// The token is the password: the IAM credentials provider supplies it to
				// every connection.
				yield new ElastiCacheConnectionDetails(cache, database, auth.username(), null, sslBundle);
			}
		};
	}

	/**
	 * Member classes are registered before the outer class's beans: a
	 * {@link DataRedisConnectionDetails} bean found here is the application's, never the
	 * starter's own.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(DataRedisConnectionDetails.class)
	static class ApplicationConnectionDetailsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ElastiCacheDescription elastiCacheDescription(ElastiCacheSecureProperties properties,
				DataRedisConnectionDetails applicationConnectionDetails, Environment environment) {
			ElastiCacheDescription cache = ElastiCacheDescription.resolve(applicationConnectionDetails, properties,
					environment);
			if (StringUtils.hasText(properties.getEndpoint())) {
				// The type and address only: the details' toString() is the
				// application's, and a record's prints the password.
				logger.info(
						"Connection details from the application (" + applicationConnectionDetails.getClass().getName()
								+ ", " + cache.endpoint() + ") take the place of elasticache.secure.endpoint");
			}
			return cache;
		}

	}

	@Bean
	LettuceClientConfigurationBuilderCustomizer elastiCacheTlsClientConfigurationCustomizer(
			ElastiCacheDescription cache, Environment environment) {
		return (builder) -> {
			builder.useSsl().verifyPeer(cache.tls().verifyMode());
			if (cache.isClusterProtocol()) {
				// Boot builds cluster options only for spring.data.redis.cluster.*, and
				// hands option customizers a plain ClientOptions.Builder that cannot
				// become a cluster one; the configuration builder has no getter. So the
				// options Boot and the option customizers assembled are read from a built
				// configuration (building has no side effect) and set again as cluster
				// options, all kept.
				ClientOptions options = builder.build().getClientOptions().orElseGet(ClientOptions::create);
				builder.clientOptions(
						clusterOptions(options, Binder.get(environment), ClusterNodeDomain.of(cache.host())));
			}
		};
	}

	/**
	 * The starter's client options: TLS, dead-peer detection with a connect timeout below
	 * the command timeout and, for IAM and a password from a secret, re-authentication.
	 * First among the option customizers, so that options an application sets win, as
	 * they did over Boot's.
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	ElastiCacheClientOptionsCustomizer elastiCacheClientOptionsCustomizer(ElastiCacheDescription cache,
			ElastiCacheSecureProperties properties, ObjectProvider<DataRedisConnectionDetails> connectionDetails,
			ObjectProvider<CredentialsSource> credentialsSources,
			ObjectProvider<DataRedisProperties> dataRedisProperties, ResourceLoader resourceLoader) {
		return new ElastiCacheClientOptionsCustomizer(cache, properties.getSocket(), connectionDetails,
				resourceLoader.getClassLoader(),
				ElastiCacheSecretConfiguration.rotates(properties, cache, credentialsSources),
				dataRedisProperties.getIfAvailable());
	}

	/**
	 * The SSL bundle of the connection details in effect, the starter's or the
	 * application's: what the connection, and so the TLS monitor, trusts.
	 */
	static SslBundle connectionTrust(ObjectProvider<DataRedisConnectionDetails> connectionDetails) {
		DataRedisConnectionDetails details = connectionDetails.getIfAvailable();
		SslBundle bundle = (details != null) ? details.getSslBundle() : null;
		return (bundle != null) ? bundle : SslBundle.systemDefault();
	}

	/**
	 * A cluster-mode endpoint needs topology refresh after failovers and scaling:
	 * periodic, on every adaptive trigger, from every node, closing connections to nodes
	 * that left. Boot applies its {@code spring.data.redis.lettuce.cluster.refresh.*}
	 * properties only with {@code spring.data.redis.cluster.*}, which the starter
	 * refuses, so those a user sets are applied here; unset ones keep the tuned values.
	 */
	// Lettuce 7 starts the builder with every adaptive trigger on and can switch them
	// off; Lettuce 6 (this build's baseline) starts with none and has no such method.
	// Called reflectively so that one jar serves both. Picked from the builder's public
	// methods, a lookup a native image answers from the type's hint: a search by name
	// fails on Lettuce 6, and ReflectionUtils.findMethod then reads Object's methods,
	// which no hint covers.
	private static final @Nullable Method DISABLE_ALL_ADAPTIVE_REFRESH_TRIGGERS = Arrays
		.stream(ClusterTopologyRefreshOptions.Builder.class.getMethods())
		.filter((method) -> method.getName().equals(ElastiCacheRuntimeHints.DISABLE_ADAPTIVE_REFRESH_TRIGGERS)
				&& method.getParameterCount() == 0)
		.findFirst()
		.orElse(null);

	private static ClientOptions clusterOptions(ClientOptions options, Binder binder,
			@Nullable ClusterNodeDomain nodeDomain) {
		if (options instanceof ClusterClientOptions) {
			return options;
		}
		ClusterTopologyRefreshOptions.Builder refresh = ClusterTopologyRefreshOptions.builder()
			.enablePeriodicRefresh(binder.bind(CLUSTER_REFRESH_PROPERTIES + ".period", Duration.class)
				.orElse(CLUSTER_TOPOLOGY_REFRESH_PERIOD))
			.dynamicRefreshSources(
					binder.bind(CLUSTER_REFRESH_PROPERTIES + ".dynamic-refresh-sources", Boolean.class).orElse(true))
			.closeStaleConnections(true)
			.adaptiveRefreshTriggersTimeout(CLUSTER_ADAPTIVE_REFRESH_RATE_LIMIT)
			.refreshTriggersReconnectAttempts(CLUSTER_REFRESH_RECONNECT_ATTEMPTS);
		if (binder.bind(CLUSTER_REFRESH_PROPERTIES + ".adaptive", Boolean.class).orElse(true)) {
			refresh.enableAllAdaptiveRefreshTriggers();
		}
		else if (DISABLE_ALL_ADAPTIVE_REFRESH_TRIGGERS != null) {
			ReflectionUtils.invokeMethod(DISABLE_ALL_ADAPTIVE_REFRESH_TRIGGERS, refresh);
		}
		// A refreshed topology's node outside the cache's domain is left out, as the
		// guard
		// refused it at startup; so is one the cluster flags failed (ClusterNodes).
		Predicate<RedisClusterNode> nodes = (nodeDomain != null) ? nodeDomain.nodeFilter().and(ClusterNodes::isUsable)
				: ClusterNodes::isUsable;
		return ClusterClientOptions.builder(options).topologyRefreshOptions(refresh.build()).nodeFilter(nodes).build();
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

	private static SslBundle sslBundle(ElastiCacheDescription.Tls tls, ObjectProvider<SslBundles> sslBundles) {
		String name = tls.bundle();
		if (name == null && tls.verifyMode() == SslVerifyMode.CA) {
			// Without the host-name check, the JDK's trust store accepts any host's
			// certificate from any public CA.
			throw new ElastiCacheConfigurationException("elasticache.secure.tls.verify-mode",
					"'elasticache.secure.tls.verify-mode=ca' checks the certificate chain but not the host name, and "
							+ "without 'elasticache.secure.tls.bundle' the chain is checked against the JDK's trust "
							+ "store: any server with a certificate from any public CA, for any host, would pass.",
					"Set 'elasticache.secure.tls.verify-mode=full' (ElastiCache's certificates name its endpoints), or "
							+ "set 'elasticache.secure.tls.bundle' to a bundle that trusts only your cache's own CA.");
		}
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
