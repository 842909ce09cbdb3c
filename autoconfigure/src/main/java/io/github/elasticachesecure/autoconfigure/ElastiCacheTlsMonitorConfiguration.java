package io.github.elasticachesecure.autoconfigure;

import java.time.Clock;
import java.time.Instant;

import javax.net.ssl.SSLContext;

import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.tls.LiveTlsSession;
import io.github.elasticachesecure.tls.TlsEndpointMonitor;
import io.github.elasticachesecure.tls.TlsEndpointProbe;
import io.github.elasticachesecure.tls.TlsProbeResult;
import io.github.elasticachesecure.tls.WireCheck;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.function.SingletonSupplier;

/**
 * The TLS details of the endpoint for health and metrics, starting from the startup
 * guard's probe and probed again in the background, never per health check.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnCacheEndpointCondition.class)
class ElastiCacheTlsMonitorConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TlsEndpointMonitor elastiCacheTlsEndpointMonitor(ElastiCacheSecureProperties properties,
			ElastiCacheDescription cache, ObjectProvider<DataRedisConnectionDetails> connectionDetails,
			ObjectProvider<StartupGuardReport> guardReport, ObjectProvider<WireCheck> wireCheck) {
		SingletonSupplier<SSLContext> sslContext = SingletonSupplier
			.of(() -> ElastiCacheConnectionConfiguration.connectionTrust(connectionDetails).createSslContext());
		return new TlsEndpointMonitor(cache.host(), cache.port(),
				new TlsEndpointProbe(properties.getGuard().getProbeTimeout()), sslContext, cache.tls().verifyMode(),
				properties.getHealth().getTlsRecheckInterval(),
				() -> startupObservation(guardReport.getIfAvailable(), cache), Clock.systemUTC(),
				() -> liveSession(wireCheck.getIfAvailable(), cache));
	}

	private static @Nullable LiveTlsSession liveSession(@Nullable WireCheck wireCheck, ElastiCacheDescription cache) {
		return (wireCheck != null) ? wireCheck.sessions().latest(cache.host(), cache.port()) : null;
	}

	private static TlsEndpointMonitor.@Nullable Observation startupObservation(@Nullable StartupGuardReport report,
			ElastiCacheDescription cache) {
		TlsProbeResult result = (report != null) ? report.resultFor(cache.host(), cache.port()) : null;
		Instant checkedAt = (report != null) ? report.checkedAt() : null;
		return (result != null && checkedAt != null) ? new TlsEndpointMonitor.Observation(result, checkedAt) : null;
	}

}
