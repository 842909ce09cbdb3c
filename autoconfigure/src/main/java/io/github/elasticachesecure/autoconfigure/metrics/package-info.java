/**
 * Auto-configuration of the starter's Micrometer metrics.
 */
@NullMarked
package io.github.elasticachesecure.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
