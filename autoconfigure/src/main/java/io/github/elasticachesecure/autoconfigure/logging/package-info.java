/**
 * Keeps credential-bearing log lines out from the start of the application: the
 * environment post-processor and listener that install the core's log protection.
 */
@NullMarked
package io.github.elasticachesecure.autoconfigure.logging;

import org.jspecify.annotations.NullMarked;
