/**
 * The startup guard that refuses insecure Redis connection factories.
 */
@NullMarked
package io.github.elasticachesecure.guard;

import org.jspecify.annotations.NullMarked;
