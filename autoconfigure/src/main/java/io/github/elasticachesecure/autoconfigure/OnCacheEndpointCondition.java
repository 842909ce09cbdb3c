package io.github.elasticachesecure.autoconfigure;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * Matches when the starter has a cache to secure: {@code elasticache.secure.endpoint},
 * or, without it, {@link DataRedisConnectionDetails} that the application brings (a
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

	@ConditionalOnProperty("elasticache.secure.endpoint")
	static class EndpointProperty {

	}

	@ConditionalOnBean(DataRedisConnectionDetails.class)
	static class ApplicationConnectionDetails {

	}

}
