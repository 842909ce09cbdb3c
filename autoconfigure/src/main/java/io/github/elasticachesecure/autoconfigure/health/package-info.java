/**
 * Auto-configuration of the {@code elasticache} health indicator.
 */
@NullMarked
package io.github.elasticachesecure.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
