package io.github.elasticachesecure.autoconfigure;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when the starter has a cache to secure: {@code elasticache.secure.endpoint},
 * even empty (as {@code ${ELASTICACHE_ENDPOINT:}} gives: the cache is then found by
 * {@code elasticache.secure.cache-name}, and without one the start stops saying so), or
 * {@code elasticache.secure.cache-name} alone, or, without either,
 * {@link DataRedisConnectionDetails} that the application brings (a
 * {@code @ServiceConnection} container's, its own bean). Boot's own details from
 * {@code spring.data.redis.*} are defined after this auto-configuration, so they do not
 * count.
 */
// Not @ConditionalOnProperty alone: the property or, without it, a bean; Boot's
// annotations combine with "and" only.
class OnCacheEndpointCondition extends AnyNestedCondition {

	OnCacheEndpointCondition() {
		super(ConfigurationPhase.REGISTER_BEAN);
	}

	@Conditional(EndpointOrCacheNameCondition.class)
	static class EndpointOrCacheName {

	}

	@ConditionalOnBean(DataRedisConnectionDetails.class)
	static class ApplicationConnectionDetails {

	}

	// Not @ConditionalOnProperty: the endpoint counts even empty, the cache name only
	// with text.
	static class EndpointOrCacheNameCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Environment environment = context.getEnvironment();
			if (environment.getProperty("elasticache.secure.endpoint") != null) {
				return ConditionOutcome.match("elasticache.secure.endpoint is set");
			}
			if (StringUtils.hasText(environment.getProperty(ElastiCacheDescription.CACHE_NAME))) {
				return ConditionOutcome.match(ElastiCacheDescription.CACHE_NAME + " is set");
			}
			return ConditionOutcome
				.noMatch("neither elasticache.secure.endpoint nor " + ElastiCacheDescription.CACHE_NAME + " is set");
		}

	}

}
