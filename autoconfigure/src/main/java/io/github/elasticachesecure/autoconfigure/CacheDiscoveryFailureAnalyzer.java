package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.audit.CacheDiscoveryException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link CacheDiscoveryException}: the cache named by
 * {@code elasticache.secure.cache-name} that could not be found, must not be connected to
 * or could not be described, and what to do.
 */
class CacheDiscoveryFailureAnalyzer extends AbstractFailureAnalyzer<CacheDiscoveryException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, CacheDiscoveryException cause) {
		return new FailureAnalysis("The ElastiCache cache '" + cause.getCacheName()
				+ "' named by 'elasticache.secure.cache-name' (without 'elasticache.secure.endpoint') was not "
				+ "connected to: " + cause.getMessage(), cause.getFix(), cause);
	}

}
