/**
 * Auto-configuration of the {@code elasticache} actuator endpoint.
 */
@NullMarked
package io.github.elasticachesecure.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
