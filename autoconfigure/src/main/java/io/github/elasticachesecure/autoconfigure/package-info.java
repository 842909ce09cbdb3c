/**
 * Auto-configuration for TLS-only, IAM-capable connections to AWS ElastiCache.
 */
@NullMarked
package io.github.elasticachesecure.autoconfigure;

import org.jspecify.annotations.NullMarked;
