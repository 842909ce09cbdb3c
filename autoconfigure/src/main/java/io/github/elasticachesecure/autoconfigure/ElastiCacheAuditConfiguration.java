package io.github.elasticachesecure.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import io.github.elasticachesecure.audit.PostureAudit;
import io.github.elasticachesecure.audit.PostureAuditRunner;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The posture audit ({@code elasticache.secure.audit.mode} {@code warn} or {@code fail}):
 * the cache, region and AWS credentials are IAM's (the same beans and chains), the AWS
 * SDK modules are optional dependencies, and asking for the audit without them stops the
 * start naming them.
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
				ElastiCacheDescription cache, ObjectProvider<AwsCredentialsProvider> credentials,
				ObjectProvider<AwsRegionProvider> regionProvider) {
			String cacheName = cache.requireCacheName("The posture audit");
			String region = ElastiCacheIamConfiguration.region(cache, regionProvider, "The posture audit");
			AwsCredentialsProvider bean = credentials.getIfAvailable();
			// Without a credentials bean (password mode), the default chain as IAM builds
			// it, closed with the audit.
			DefaultCredentialsProvider owned = (bean != null) ? null
					: DefaultCredentialsProvider.builder().profileName(properties.getIam().getProfile()).build();
			PostureAudit audit = PostureAudit.builder(cacheName, region, (bean != null) ? bean : owned)
				.topology(cache.topology())
				.authentication(cache.auth().mode(), cache.auth().username())
				.timeout(properties.getAudit().getTimeout())
				.build();
			return new PostureAuditStartup(new PostureAuditRunner(audit, RERUN_INTERVAL, Clock.systemUTC()),
					properties.getAudit(), owned);
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
	 * {@code fail}, as the properties do.
	 */
	static class OnAuditEnabledCondition extends SpringBootCondition {

		private static final String PROPERTY = "elasticache.secure.audit.mode";

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("ElastiCache posture audit");
			ElastiCacheSecureProperties.Audit.Mode mode;
			try {
				mode = Binder.get(context.getEnvironment())
					.bind(PROPERTY, ElastiCacheSecureProperties.Audit.Mode.class)
					.orElse(ElastiCacheSecureProperties.Audit.Mode.OFF);
			}
			catch (BindException ex) {
				return ConditionOutcome.noMatch(message.because("'" + PROPERTY + "' is not a valid mode"));
			}
			return new ConditionOutcome(mode != ElastiCacheSecureProperties.Audit.Mode.OFF,
					message.because("'" + PROPERTY + "' is " + mode));
		}

	}

}
