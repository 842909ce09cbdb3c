package io.github.elasticachesecure.autoconfigure.caching;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.cache.autoconfigure.RedisCacheManagerBuilderCustomizer;
import org.springframework.core.Ordered;
import org.springframework.data.redis.cache.BatchStrategies;
import org.springframework.data.redis.cache.RedisCacheManager.RedisCacheManagerBuilder;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Gives the {@link RedisCacheManagerBuilder} Boot builds a cache writer for ElastiCache:
 * <ul>
 * <li>{@code Cache.clear()} and {@code @CacheEvict(allEntries = true)} find the entries
 * with {@code SCAN} ({@link BatchStrategies#scan(int)}, {@value #SCAN_BATCH_SIZE} keys a
 * step), not {@code KEYS}: ElastiCache Serverless refuses {@code KEYS}, and on a node it
 * blocks the server for the whole key space. On a cluster, Lettuce's {@code SCAN} walks
 * every master.</li>
 * <li>Writes are immediate. Spring Data Redis 4 writes ({@code put}, {@code evict},
 * {@code clear}) asynchronously with a reactive connection factory such as Lettuce's, and
 * its {@code DefaultRedisCacheWriter} drops the future of each write: a write that fails
 * (a refused command, a lost connection, an expired password) leaves no trace, and the
 * application keeps serving stale entries. Immediate writes, the writer's own setting for
 * stronger consistency, make such a failure an exception in the caller, handled by
 * Spring's {@code CacheErrorHandler} (which rethrows by default), as with Spring Data
 * Redis 3.</li>
 * </ul>
 * Ordered first, so that an application's own customizer sees and may replace the writer.
 * Boot's statistics ({@code spring.cache.redis.enable-statistics}) are applied to this
 * writer when the manager is built; time to live, key prefix and null values live in the
 * cache configuration, which is left alone.
 */
final class ScanClearingCacheCustomizer implements RedisCacheManagerBuilderCustomizer, Ordered {

	/** Keys asked for with each {@code SCAN} (its {@code COUNT}) and deleted at once. */
	static final int SCAN_BATCH_SIZE = 1000;

	private final ObjectProvider<RedisConnectionFactory> connectionFactory;

	ScanClearingCacheCustomizer(ObjectProvider<RedisConnectionFactory> connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	@Override
	public void customize(RedisCacheManagerBuilder builder) {
		builder.cacheWriter(RedisCacheWriter.create(this.connectionFactory.getObject(),
				(writer) -> writer.batchStrategy(BatchStrategies.scan(SCAN_BATCH_SIZE)).immediateWrites()));
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
