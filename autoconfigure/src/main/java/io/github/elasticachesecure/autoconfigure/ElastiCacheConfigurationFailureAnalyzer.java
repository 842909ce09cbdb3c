package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link ElastiCacheConfigurationException}: what is wrong and which property
 * to change.
 */
class ElastiCacheConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<ElastiCacheConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ElastiCacheConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
