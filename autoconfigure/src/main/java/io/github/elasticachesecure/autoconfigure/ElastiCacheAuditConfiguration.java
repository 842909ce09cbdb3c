package io.github.elasticachesecure.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import io.github.elasticachesecure.audit.PostureAudit;
import io.github.elasticachesecure.audit.PostureAuditRunner;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The posture audit ({@code elasticache.secure.audit.mode} {@code warn} or {@code fail}):
 * the cache is the {@link ElastiCacheDescription}'s, the region and AWS credentials are
 * the beans IAM uses too ({@link ElastiCacheAwsConfiguration}), the AWS SDK modules are
 * optional dependencies, and asking for the audit without them stops the start naming
 * them. The mode is read when the beans are created, not by a condition, so that a build
 * processed by Spring AOT with the audit off can turn it on in production; with
 * {@code off} the beans are absent ({@code null} beans).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnCacheEndpointCondition.class)
class ElastiCacheAuditConfiguration {

	static final String ELASTICACHE_CLIENT = "software.amazon.awssdk.services.elasticache.ElastiCacheClient";

	static final String URL_CONNECTION_CLIENT = "software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient";

	// The endpoint may re-run the audit; AWS calls at most this often, whoever asks.
	static final Duration RERUN_INTERVAL = Duration.ofMinutes(1);

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { ELASTICACHE_CLIENT, URL_CONNECTION_CLIENT })
	static class AuditConfiguration {

		@Bean
		@Nullable PostureAuditStartup elastiCachePostureAuditStartup(ElastiCacheSecureProperties properties,
				ElastiCacheDescription cache, ObjectProvider<AwsCredentialsProvider> credentialsProviders,
				ObjectProvider<AwsRegionProvider> regionProviders) {
			if (properties.getAudit().getMode() == ElastiCacheSecureProperties.Audit.Mode.OFF) {
				return null;
			}
			AwsCredentialsProvider credentials = credentialsProviders.getObject();
			AwsRegionProvider regionProvider = regionProviders.getObject();
			String cacheName = cache.requireCacheName("The posture audit");
			String region = ElastiCacheAwsConfiguration.region(cache.region(), regionProvider, "The posture audit");
			PostureAudit audit = PostureAudit.builder(cacheName, region, credentials)
				.topology(cache.topology())
				.authentication(cache.auth().mode(), cache.auth().username())
				.timeout(properties.getAudit().getTimeout())
				.build();
			return new PostureAuditStartup(new PostureAuditRunner(audit, RERUN_INTERVAL, Clock.systemUTC()),
					properties.getAudit());
		}

		// The startup bean owns and closes it.
		@Bean(destroyMethod = "")
		@Nullable PostureAuditRunner elastiCachePostureAuditRunner(ObjectProvider<PostureAuditStartup> startups) {
			PostureAuditStartup startup = startups.getIfAvailable();
			return (startup != null) ? startup.runner() : null;
		}

	}

	/**
	 * The audit asked for without the SDK modules it needs.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(MissingModulesCondition.class)
	static class MissingModulesConfiguration {

		MissingModulesConfiguration(ElastiCacheSecureProperties properties) {
			if (properties.getAudit().getMode() == ElastiCacheSecureProperties.Audit.Mode.OFF) {
				return;
			}
			throw new ElastiCacheConfigurationException("elasticache.secure.audit.mode",
					"The posture audit (elasticache.secure.audit.mode) needs the AWS SDK modules "
							+ "software.amazon.awssdk:elasticache and software.amazon.awssdk:url-connection-client, "
							+ "which are not on the class path.",
					"Add the dependencies software.amazon.awssdk:elasticache, "
							+ "software.amazon.awssdk:url-connection-client and, for the network checks, "
							+ "software.amazon.awssdk:ec2 (versions from the AWS SDK BOM); or set "
							+ "'elasticache.secure.audit.mode=off'.");
		}

	}

	// Not @ConditionalOnMissingClass: it matches only when every class is missing, this
	// when either is.
	static class MissingModulesCondition extends NoneNestedConditions {

		MissingModulesCondition() {
			super(ConfigurationPhase.PARSE_CONFIGURATION);
		}

		@ConditionalOnClass(name = { ELASTICACHE_CLIENT, URL_CONNECTION_CLIENT })
		static class ModulesPresent {

		}

	}

}
