/**
 * Micrometer meters for the secured ElastiCache connection: IAM token refreshes and
 * expiry, re-authentications, the startup guard's outcome and the server certificate's
 * expiry.
 */
@NullMarked
package io.github.elasticachesecure.metrics;

import org.jspecify.annotations.NullMarked;
