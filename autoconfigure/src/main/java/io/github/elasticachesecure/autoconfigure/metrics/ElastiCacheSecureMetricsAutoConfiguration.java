package io.github.elasticachesecure.autoconfigure.metrics;

import java.time.Clock;

import io.github.elasticachesecure.autoconfigure.ElastiCacheDescription;
import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.IamTokenStatusSource;
import io.github.elasticachesecure.autoconfigure.SecretStatusSource;
import io.github.elasticachesecure.autoconfigure.guard.ElastiCacheSecureGuardAutoConfiguration;
import io.github.elasticachesecure.cache.ZoneReads;
import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.metrics.ElastiCacheMetrics;
import io.github.elasticachesecure.tls.TlsEndpointMonitor;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters for the secured ElastiCache connection (see
 * {@link ElastiCacheMetrics}), when Micrometer is on the classpath and the application
 * has a {@link MeterRegistry}. The reads by zone are counted only when the starter's
 * {@link ZoneReads} is the client resources' command latency recorder.
 */
@AutoConfiguration(
		after = { ElastiCacheSecureAutoConfiguration.class, DataRedisAutoConfiguration.class,
				ElastiCacheSecureGuardAutoConfiguration.class },
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ MeterRegistry.class, ElastiCacheMetrics.class })
@ConditionalOnBean({ MeterRegistry.class, ElastiCacheDescription.class })
public final class ElastiCacheSecureMetricsAutoConfiguration {

	private static final Log logger = LogFactory.getLog(ElastiCacheSecureMetricsAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	ElastiCacheMetrics elastiCacheMetrics(ObjectProvider<ClientResources> clientResources,
			ObjectProvider<IamTokenStatusSource> iamTokenStatus, ObjectProvider<StartupGuardReport> guardReport,
			ObjectProvider<TlsEndpointMonitor> tlsMonitor, ObjectProvider<SecretStatusSource> secretStatus,
			ObjectProvider<ZoneReads> zoneReads) {
		ClientResources resources = clientResources.getIfAvailable();
		ElastiCacheMetrics metrics = new ElastiCacheMetrics((resources != null) ? resources.eventBus() : null,
				iamTokenStatus.getIfAvailable(), guardReport.getIfAvailable(), tlsMonitor.getIfAvailable(),
				Clock.systemUTC());
		secretStatus.ifAvailable(metrics::countSecretReads);
		zoneReads.ifAvailable((reads) -> {
			if (resources != null && resources.commandLatencyRecorder() == reads) {
				metrics.countReadsByZone(reads);
			}
			else {
				logger.warn("Reads are not counted by zone (" + ElastiCacheMetrics.READS + ", "
						+ ElastiCacheMetrics.NODE_ZONE + "): the application's Lettuce client resources record "
						+ "command latencies with a recorder of their own.");
			}
		});
		return metrics;
	}

}
