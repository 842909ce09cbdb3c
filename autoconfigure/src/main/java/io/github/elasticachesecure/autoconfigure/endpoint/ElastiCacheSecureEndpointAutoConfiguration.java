package io.github.elasticachesecure.autoconfigure.endpoint;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.elasticachesecure.audit.DiscoveredCache;
import io.github.elasticachesecure.audit.PostureAuditRunner;
import io.github.elasticachesecure.autoconfigure.ElastiCacheDescription;
import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureProperties;
import io.github.elasticachesecure.autoconfigure.health.ElastiCacheSecureHealthAutoConfiguration;
import io.github.elasticachesecure.cache.ApplicationZone;
import io.github.elasticachesecure.cache.ReadPreference;
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
 * resolved description of the cache, the connection's TLS and IAM state and the posture
 * audit.
 */
@AutoConfiguration(after = ElastiCacheSecureHealthAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class, Health.class })
@ConditionalOnBean(ElastiCacheDescription.class)
@ConditionalOnAvailableEndpoint(ElastiCacheActuatorEndpoint.class)
public final class ElastiCacheSecureEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ElastiCacheActuatorEndpoint elastiCacheActuatorEndpoint(ElastiCacheDescription cache,
			ObjectProvider<ElastiCacheHealthCheck> check, ObjectProvider<PostureAuditRunner> audit,
			ElastiCacheSecureProperties properties) {
		return new ElastiCacheActuatorEndpoint(cacheDetails(cache), check.getIfAvailable(), audit.getIfAvailable(),
				properties.getAudit().getTimeout());
	}

	/**
	 * The resolved description of the cache, without a secret: the password is no part of
	 * it.
	 */
	static Map<String, Object> cacheDetails(ElastiCacheDescription cache) {
		Map<String, Object> details = new LinkedHashMap<>();
		if (cache.cacheName() != null) {
			details.put("name", cache.cacheName());
		}
		details.put("topology", cache.topology().value());
		details.put("endpoint", cache.endpoint());
		if (cache.reader() != null) {
			details.put("readerEndpoint", cache.reader().endpoint());
		}
		if (cache.region() != null) {
			details.put("region", cache.region());
		}
		ReadPreference readFrom = cache.readFrom().preference();
		details.put("readFrom", (readFrom != null) ? readFrom.value() : "upstream");
		ApplicationZone zone = cache.readFrom().applicationZone();
		if (zone != null) {
			details.put("availabilityZone", zone.zone());
			details.put("availabilityZoneSource", zone.source().value());
		}
		DiscoveredCache discovered = cache.discovered();
		details.put("source", (discovered != null) ? discovered.action() : "properties");
		if (discovered != null && !discovered.nodes().isEmpty()) {
			details.put("nodes", discovered.nodes().stream().map((node) -> {
				Map<String, Object> described = new LinkedHashMap<>();
				described.put("endpoint", node.endpoint());
				described.put("availabilityZone", String.valueOf(node.availabilityZone()));
				if (node.role() != null) {
					described.put("role", node.role());
				}
				return described;
			}).toList());
		}
		return details;
	}

}
