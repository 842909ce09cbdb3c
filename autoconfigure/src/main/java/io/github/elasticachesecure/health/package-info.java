/**
 * Health reporting for the secured ElastiCache connection.
 */
@NullMarked
package io.github.elasticachesecure.health;

import org.jspecify.annotations.NullMarked;
