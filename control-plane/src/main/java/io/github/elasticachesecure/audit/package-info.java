/**
 * The posture audit: what the AWS APIs say about the cache the application connects to
 * (transit and at-rest encryption, access control, engine version, network exposure), as
 * findings with a severity and a fix. Uses the AWS SDK's optional {@code elasticache} and
 * {@code ec2} modules; free of Spring.
 */
@NullMarked
package io.github.elasticachesecure.audit;

import org.jspecify.annotations.NullMarked;
