package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.audit.DiscoveredCache;
import io.github.elasticachesecure.cache.ApplicationZone;
import io.github.elasticachesecure.cache.ZoneReads;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Reads counted by the zone of the node that answered ({@link ZoneReads}), when both the
 * application's zone and the nodes' zones are known ({@code read-from=same-az} with the
 * cache found by its name): installed as Lettuce's command latency recorder, for the
 * metrics to show.
 */
@Configuration(proxyBeanMethods = false)
class ElastiCacheZoneReadsConfiguration {

	@Bean
	@Nullable ZoneReads elastiCacheZoneReads(ElastiCacheDescription cache) {
		ApplicationZone zone = cache.readFrom().applicationZone();
		DiscoveredCache discovered = cache.discovered();
		return (zone != null && discovered != null && !discovered.nodes().isEmpty())
				? new ZoneReads(zone.zone(), discovered.nodes()) : null;
	}

	/**
	 * First among the client resources customizers, so that an application that sets a
	 * command latency recorder of its own keeps it (the reads are then not counted by
	 * zone, which the metrics log).
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	ClientResourcesBuilderCustomizer elastiCacheZoneReadsClientResourcesCustomizer(ObjectProvider<ZoneReads> reads) {
		return (builder) -> reads.ifAvailable(builder::commandLatencyRecorder);
	}

}
