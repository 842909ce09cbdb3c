package io.github.elasticachesecure.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;

import io.github.elasticachesecure.audit.PostureAudit;
import io.github.elasticachesecure.audit.PostureAuditRunner;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;

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
 * them.
 */
@Configuration(proxyBeanMethods = false)
@Conditional({ OnCacheEndpointCondition.class, ElastiCacheAuditConfiguration.OnAuditEnabledCondition.class })
class ElastiCacheAuditConfiguration {

	static final String ELASTICACHE_CLIENT = "software.amazon.awssdk.services.elasticache.ElastiCacheClient";

	static final String URL_CONNECTION_CLIENT = "software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient";

	// The endpoint may re-run the audit; AWS calls at most this often, whoever asks.
	static final Duration RERUN_INTERVAL = Duration.ofMinutes(1);

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { ELASTICACHE_CLIENT, URL_CONNECTION_CLIENT })
	static class AuditConfiguration {

		@Bean
		PostureAuditStartup elastiCachePostureAuditStartup(ElastiCacheSecureProperties properties,
				ElastiCacheDescription cache, AwsCredentialsProvider credentials, AwsRegionProvider regionProvider) {
			String cacheName = cache.requireCacheName("The posture audit");
			String region = ElastiCacheAwsConfiguration.region(cache, regionProvider, "The posture audit");
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
		PostureAuditRunner elastiCachePostureAuditRunner(PostureAuditStartup startup) {
			return startup.runner();
		}

	}

	/**
	 * The audit asked for without the SDK modules it needs.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(MissingModulesCondition.class)
	static class MissingModulesConfiguration {

		MissingModulesConfiguration() {
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

	/**
	 * Matches when {@code elasticache.secure.audit.mode} binds to {@code warn} or
	 * {@code fail}.
	 */
	static class OnAuditEnabledCondition extends OnBoundModeCondition<ElastiCacheSecureProperties.Audit.Mode> {

		OnAuditEnabledCondition() {
			super("ElastiCache posture audit", "elasticache.secure.audit.mode",
					ElastiCacheSecureProperties.Audit.Mode.class, ElastiCacheSecureProperties.Audit.Mode.OFF, EnumSet
						.of(ElastiCacheSecureProperties.Audit.Mode.WARN, ElastiCacheSecureProperties.Audit.Mode.FAIL));
		}

	}

}
