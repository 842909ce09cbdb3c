package io.github.elasticachesecure.autoconfigure;

import java.util.function.Supplier;

import io.github.elasticachesecure.secret.SecretStatus;

/**
 * The status of the password's secret as health and metrics read it, defined only when
 * {@code elasticache.secure.auth.secret} is set. A type of its own so that they can be
 * injected with it without loading the provider, which needs the AWS SDK.
 */
@FunctionalInterface
public interface SecretStatusSource extends Supplier<SecretStatus> {

}
