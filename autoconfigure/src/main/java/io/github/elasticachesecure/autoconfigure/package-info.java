/**
 * Auto-configuration for TLS-only, IAM-capable connections to AWS ElastiCache: the
 * connection, IAM, reads, failover and the posture audit, from one description of the
 * cache. The guard, health, metrics, the actuator endpoint and log protection have
 * subpackages of their own.
 */
@NullMarked
package io.github.elasticachesecure.autoconfigure;

import org.jspecify.annotations.NullMarked;
