/**
 * Auto-configuration of Spring Cache's Redis caches for ElastiCache: caches cleared with
 * {@code SCAN}, writes that fail where the application sees it.
 */
@NullMarked
package io.github.elasticachesecure.autoconfigure.caching;

import org.jspecify.annotations.NullMarked;
