/**
 * Auto-configuration of the startup guard: the initializer and post-processor that check
 * every {@code RedisConnectionFactory} and its client resources, and the failure
 * analyzers of its reports.
 */
@NullMarked
package io.github.elasticachesecure.autoconfigure.guard;

import org.jspecify.annotations.NullMarked;
