/**
 * Following a failover of a replication group without a restart: Lettuce client resources
 * that reconnect a connection whose node was demoted to replica, resolve the endpoint's
 * name again with a short cache, and spread reconnects with jitter; free of Spring.
 */
@NullMarked
package io.github.elasticachesecure.failover;

import org.jspecify.annotations.NullMarked;
