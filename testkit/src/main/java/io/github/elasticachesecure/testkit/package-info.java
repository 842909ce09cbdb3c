/**
 * A local ElastiCache stand-in for tests, used by the starter's own tests, its sample and its benchmarks: {@link io.github.elasticachesecure.testkit.TestPki}
 * (throw-away CA and server certificates as PEM), {@link io.github.elasticachesecure.testkit.RedisServerProcess}
 * (a password-protected TLS or plaintext {@code redis-server} child process, optionally a replica or a Sentinel),
 * {@link io.github.elasticachesecure.testkit.RedisClusterProcess} (a TLS cluster announcing {@code localhost}),
 * the JUnit 5 {@link io.github.elasticachesecure.testkit.RedisServerExtension},
 * {@link io.github.elasticachesecure.testkit.SilentTcpServer},
 * {@link io.github.elasticachesecure.testkit.TricklingTcpServer},
 * {@link io.github.elasticachesecure.testkit.RecordingTcpRelay} (what a client sent on the wire),
 * {@link io.github.elasticachesecure.testkit.Threads} (threads left behind) and
 * {@link io.github.elasticachesecure.testkit.FreePorts}; on Testcontainers,
 * {@link io.github.elasticachesecure.testkit.ElastiCacheContainer} (TLS-only, ACL user, optional IAM front) with
 * {@code @ServiceConnection} support.
 * <p>
 * Free of the starter's own modules: plain JDK, BouncyCastle, JUnit 5 and Lettuce (Spring Data Redis for
 * {@link io.github.elasticachesecure.testkit.AcknowledgedWriteLoad} only; Testcontainers, Spring Boot's
 * {@code spring-boot-testcontainers} and {@code spring-boot-data-redis} for the container, all optional). Needs a TLS-enabled {@code redis-server} 7.0+
 * or {@code valkey-server} ({@code $REDIS_SERVER_BIN} or the {@code PATH}); without one, tests fail with a
 * message saying what to install rather than being skipped. Everything listens on {@code 127.0.0.1} only.
 */
package io.github.elasticachesecure.testkit;
