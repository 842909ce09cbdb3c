/**
 * The {@code elasticache-secure} command: {@code doctor} checks an endpoint step by step
 * with the starter's own TLS probe, IAM token generator and guard checks; {@code token}
 * prints an IAM token for {@code valkey-cli} and {@code redis-cli}. No Spring context
 * runs here.
 */
@NullMarked
package io.github.elasticachesecure.cli;

import org.jspecify.annotations.NullMarked;
