package io.github.elasticachesecure.autoconfigure.endpoint;

import io.github.elasticachesecure.audit.PostureAuditRunner;
import io.github.elasticachesecure.autoconfigure.ElastiCacheDescription;
import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureProperties;
import io.github.elasticachesecure.autoconfigure.health.ElastiCacheSecureHealthAutoConfiguration;
import io.github.elasticachesecure.health.ElastiCacheActuatorEndpoint;
import io.github.elasticachesecure.health.ElastiCacheHealthCheck;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the read-only {@code elasticache} actuator endpoint (exposed like
 * any endpoint, with {@code management.endpoints.web.exposure.include=elasticache}): the
 * connection's TLS and IAM state and the posture audit.
 */
@AutoConfiguration(after = ElastiCacheSecureHealthAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class, Health.class })
@ConditionalOnBean(ElastiCacheDescription.class)
@ConditionalOnAvailableEndpoint(ElastiCacheActuatorEndpoint.class)
public final class ElastiCacheSecureEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ElastiCacheActuatorEndpoint elastiCacheActuatorEndpoint(ObjectProvider<ElastiCacheHealthCheck> check,
			ObjectProvider<PostureAuditRunner> audit, ElastiCacheSecureProperties properties) {
		return new ElastiCacheActuatorEndpoint(check.getIfAvailable(), audit.getIfAvailable(),
				properties.getAudit().getTimeout());
	}

}
