/**
 * Logging-backend protection that keeps credentials out of debug dumps (Lettuce, the AWS SDK signer); free of Spring.
 */
@NullMarked
package io.github.elasticachesecure.logging;

import org.jspecify.annotations.NullMarked;
