/**
 * Passwords that rotate without a restart: a Lettuce credentials provider that reads them
 * from a source (an AWS Secrets Manager secret, or an application's own), re-reads them
 * periodically and after the server rejected them, and streams every new value into live
 * connections.
 */
@NullMarked
package io.github.elasticachesecure.secret;

import org.jspecify.annotations.NullMarked;
