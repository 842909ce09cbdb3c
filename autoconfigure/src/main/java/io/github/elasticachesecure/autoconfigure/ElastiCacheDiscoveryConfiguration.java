package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;

import io.github.elasticachesecure.audit.CacheDiscovery;
import io.github.elasticachesecure.audit.DiscoveredCache;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.cache.ElastiCacheEndpoint;
import io.github.elasticachesecure.cache.ReadPreference;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * The cache found by its name ({@code elasticache.secure.cache-name} without
 * {@code elasticache.secure.endpoint}) through the ElastiCache API, at startup, with the
 * AWS credentials and region IAM uses too ({@link ElastiCacheAwsConfiguration}); what the
 * API says becomes the {@link ElastiCacheDescription}. The SDK modules are optional
 * dependencies: discovery asked for without them stops the start naming them.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnCacheEndpointCondition.class)
class ElastiCacheDiscoveryConfiguration {

	// Each call at most this long: the start waits for it.
	static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

	private static final Log logger = LogFactory.getLog(ElastiCacheDiscoveryConfiguration.class);

	/**
	 * Find the cache when no endpoint is configured.
	 * @param properties the bound properties
	 * @param locators the locator, absent without the SDK modules
	 * @return the cache, or {@code null} when an endpoint is configured (it wins)
	 */
	static @Nullable DiscoveredCache discover(ElastiCacheSecureProperties properties,
			ObjectProvider<CacheLocator> locators) {
		String name = properties.getCacheName();
		if (StringUtils.hasText(properties.getEndpoint())) {
			return null;
		}
		if (!StringUtils.hasText(name)) {
			throw new ElastiCacheConfigurationException(ElastiCacheEndpoint.PROPERTY,
					"'" + ElastiCacheEndpoint.PROPERTY + "' is not set (it is empty), and neither is '"
							+ ElastiCacheDescription.CACHE_NAME + "'.",
					"Set '" + ElastiCacheEndpoint.PROPERTY + "' to the host:port of your cache, e.g. "
							+ "master.my-cache.abc123.use1.cache.amazonaws.com:6379, or '"
							+ ElastiCacheDescription.CACHE_NAME + "' to the replication group id or serverless cache "
							+ "name, to find it through the ElastiCache API.");
		}
		CacheLocator locator = locators.getIfAvailable();
		if (locator == null) {
			throw new ElastiCacheConfigurationException(ElastiCacheDescription.CACHE_NAME,
					"The cache '" + name + "' is to be found by its name (" + ElastiCacheDescription.CACHE_NAME
							+ " without elasticache.secure.endpoint), which needs the AWS SDK modules "
							+ "software.amazon.awssdk:elasticache and software.amazon.awssdk:url-connection-client, "
							+ "which are not on the class path.",
					"Add the dependencies software.amazon.awssdk:elasticache and "
							+ "software.amazon.awssdk:url-connection-client (versions from the AWS SDK BOM), or set "
							+ "'elasticache.secure.endpoint' to the cache's endpoint.");
		}
		DiscoveredCache cache = locator.locate(name);
		logger.info("ElastiCache cache found by its name: " + cache);
		return cache;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { ElastiCacheAuditConfiguration.ELASTICACHE_CLIENT,
			ElastiCacheAuditConfiguration.URL_CONNECTION_CLIENT })
	static class LocatorConfiguration {

		// Creates no AWS object unless it is called.
		@Bean
		@ConditionalOnMissingBean
		CacheLocator elastiCacheLocator(ElastiCacheSecureProperties properties,
				ObjectProvider<AwsCredentialsProvider> credentialsProviders,
				ObjectProvider<AwsRegionProvider> regionProviders) {
			return (name) -> CacheDiscovery.discover(name,
					ElastiCacheAwsConfiguration.region(properties.getIam().getRegion(), regionProviders.getObject(),
							"Finding the cache by its name"),
					credentialsProviders.getObject(), CALL_TIMEOUT, properties.getReadFrom() == ReadPreference.SAME_AZ);
		}

	}

	/**
	 * Finds a cache by its name.
	 */
	@FunctionalInterface
	interface CacheLocator {

		DiscoveredCache locate(String cacheName);

	}

}
