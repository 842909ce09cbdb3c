/**
 * Logging-backend protection that keeps credentials out of debug dumps (Lettuce, the AWS
 * SDK's signers, the JDK's and Apache's HTTP clients); free of Spring.
 */
@NullMarked
package io.github.elasticachesecure.logging;

import org.jspecify.annotations.NullMarked;
