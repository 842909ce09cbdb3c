/**
 * ElastiCache IAM authentication: SigV4-presigned tokens and their lifecycle; free of
 * auto-configuration.
 */
@NullMarked
package io.github.elasticachesecure.iam;

import org.jspecify.annotations.NullMarked;
