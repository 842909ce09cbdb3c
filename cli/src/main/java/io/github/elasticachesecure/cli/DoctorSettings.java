package io.github.elasticachesecure.cli;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What {@code doctor} was asked to check, as given on the command line. Holds no secret:
 * the password comes from the environment or a prompt, the AWS credentials from the
 * default chain.
 *
 * @param endpoint the endpoint as typed, {@code host:port}, or {@code null} to find it by
 * the cache's name
 * @param user the user to authenticate as, or {@code null} for the default user
 * @param caFile a PEM file of the certificate authorities to trust, or {@code null} for
 * the JDK's trust store
 * @param iam whether to authenticate with an IAM token rather than a password
 * @param cacheName the replication group id or serverless cache name, or {@code null} to
 * take it from the endpoint
 * @param region the cache's region, for IAM
 * @param serverless whether the cache is serverless (also taken from the endpoint's host
 * name)
 * @param timeout the bound for each network step
 */
record DoctorSettings(@Nullable String endpoint, @Nullable String user, @Nullable Path caFile, boolean iam,
		@Nullable String secret, @Nullable String cacheName, @Nullable String region, boolean serverless,
		Duration timeout) {

}
