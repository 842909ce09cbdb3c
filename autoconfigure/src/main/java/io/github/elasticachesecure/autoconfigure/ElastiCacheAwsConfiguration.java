package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * The AWS credentials and region, for IAM authentication and the posture audit alike:
 * ordinary beans that an application (or Spring Cloud AWS, whose auto-configurations run
 * first) replaces by defining its own, else the AWS SDK's default chains. Lazy, and asked
 * for only by IAM authentication and the audit, so that a password-mode application
 * creates no AWS objects; defined whatever the mode, since Spring AOT fixes conditions at
 * build time and the mode is chosen at run time.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ AwsCredentialsProvider.class, AwsRegionProvider.class })
@Conditional(OnCacheEndpointCondition.class)
class ElastiCacheAwsConfiguration {

	private static final Log logger = LogFactory.getLog(ElastiCacheAwsConfiguration.class);

	static final String REGION = "elasticache.secure.iam.region";

	@Bean(destroyMethod = "close")
	@Lazy
	@ConditionalOnMissingBean(AwsCredentialsProvider.class)
	DefaultCredentialsProvider elastiCacheAwsCredentialsProvider(ElastiCacheSecureProperties properties) {
		// The default chain: system properties, environment, web identity (IRSA),
		// profile, container, instance.
		return DefaultCredentialsProvider.builder().profileName(properties.getIam().getProfile()).build();
	}

	@Bean
	@Lazy
	@ConditionalOnMissingBean(AwsRegionProvider.class)
	DefaultAwsRegionProviderChain elastiCacheAwsRegionProvider() {
		// AWS_REGION, the profile, instance metadata.
		return new DefaultAwsRegionProviderChain();
	}

	/**
	 * The cache's region: {@code elasticache.secure.iam.region} (or the one the cache was
	 * found in) when set, which wins over any region provider, else the region
	 * provider's.
	 * @param region the description's region, or {@code null}
	 * @param regionProvider the region provider bean
	 * @param purpose what needs the region, for the report
	 * @return the region id
	 */
	static String region(@Nullable String region, AwsRegionProvider regionProvider, String purpose) {
		if (region != null) {
			return region;
		}
		try {
			String provided = regionProvider.getRegion().id();
			logger.info(REGION + " taken from the AWS region provider chain: " + provided);
			return provided;
		}
		catch (RuntimeException ex) {
			throw new ElastiCacheConfigurationException(REGION,
					purpose + " needs the cache's AWS region, and none is configured: " + ex.getMessage(),
					"Set '" + REGION + "' (e.g. us-east-1), or AWS_REGION in the environment.", ex);
		}
	}

}
