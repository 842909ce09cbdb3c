/**
 * What the application connects to, in terms every other package shares: the cache's
 * topology and how the client authenticates. Free of Spring.
 */
@NullMarked
package io.github.elasticachesecure.cache;

import org.jspecify.annotations.NullMarked;
