/**
 * A local ElastiCache stand-in for an application's tests (the starter's own tests,
 * sample and benchmarks use it too):
 * {@link io.github.elasticachesecure.testkit.LocalElastiCache} (the stand-in on local
 * processes: standalone, replication group or cluster, TLS only, with a generated user,
 * as a JUnit 5 extension or a plain object, and the starter's properties for it),
 * {@link io.github.elasticachesecure.testkit.IamFront} (ElastiCache's IAM check and
 * re-authentication deadline, with
 * {@link io.github.elasticachesecure.testkit.TestAwsCredentials} and an injectable clock
 * such as {@link io.github.elasticachesecure.testkit.MutableClock}),
 * {@link io.github.elasticachesecure.testkit.TestPki} (throw-away CA and server
 * certificates as PEM), the nodes a stand-in runs:
 * {@link io.github.elasticachesecure.testkit.RedisServerProcess} (a password-protected
 * TLS or plaintext {@code redis-server} child process, optionally a replica or a
 * Sentinel) and {@link io.github.elasticachesecure.testkit.RedisClusterProcess} (a TLS
 * cluster announcing {@code localhost}), with
 * {@link io.github.elasticachesecure.testkit.FreePorts}; on Testcontainers,
 * {@link io.github.elasticachesecure.testkit.ElastiCacheContainer} (TLS-only, ACL user,
 * optional IAM front) with {@code @ServiceConnection} support.
 * <p>
 * Free of the starter's own modules: plain JDK, BouncyCastle, JUnit 5 and Lettuce;
 * optionally Spring Test for
 * {@link io.github.elasticachesecure.testkit.LocalElastiCache#registerProperties}, the
 * AWS SDK's {@code auth} for
 * {@link io.github.elasticachesecure.testkit.TestAwsCredentials#awsCredentialsProvider()},
 * and Testcontainers with Spring Boot's {@code spring-boot-testcontainers} and
 * {@code spring-boot-data-redis} for the container. Needs a TLS-enabled
 * {@code redis-server} 7.0+ or {@code valkey-server} ({@code $REDIS_SERVER_BIN} or the
 * {@code PATH}); without one, tests fail with a message saying what to install rather
 * than being skipped. Everything listens on {@code 127.0.0.1} only.
 * <p>
 * What only this project's own tests use (the JUnit 5 {@code RedisServerExtension}, TCP
 * relays and fault servers, write loads, the AWS API stand-in) lives in the unpublished
 * {@code test-support} module, package {@code io.github.elasticachesecure.testsupport}.
 */
package io.github.elasticachesecure.testkit;
