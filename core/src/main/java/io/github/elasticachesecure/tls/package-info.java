/**
 * TLS policy and the endpoint probe used by the startup guard; free of Spring.
 */
@NullMarked
package io.github.elasticachesecure.tls;

import org.jspecify.annotations.NullMarked;
