package io.github.elasticachesecure.autoconfigure;

import java.util.function.Supplier;

import io.github.elasticachesecure.iam.IamTokenStatus;

/**
 * The IAM token status as health and metrics read it, defined in IAM mode only. A type of
 * its own so that they can be injected with it without loading the IAM provider, which
 * needs the AWS SDK.
 */
@FunctionalInterface
public interface IamTokenStatusSource extends Supplier<IamTokenStatus> {

}
