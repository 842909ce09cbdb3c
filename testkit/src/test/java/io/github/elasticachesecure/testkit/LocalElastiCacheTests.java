package io.github.elasticachesecure.testkit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The process-based ElastiCache stand-in's checks that need no server.
 */
class LocalElastiCacheTests {

	@Test
	void aClusterHasThreeMastersAtLeast() {
		assertThatIllegalArgumentException().isThrownBy(() -> LocalElastiCache.cluster(2, 1))
			.withMessageContaining("3 to 16 masters");
	}

}
