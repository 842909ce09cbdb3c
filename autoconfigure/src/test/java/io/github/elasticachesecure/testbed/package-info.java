/**
 * Real-server test bed, shared through this module's test-jar: {@link io.github.elasticachesecure.testbed.TestPki}
 * (throw-away CA and server certificates as PEM), {@link io.github.elasticachesecure.testbed.RedisServerProcess}
 * (a password-protected TLS or plaintext {@code redis-server} child process, optionally a replica or a Sentinel),
 * {@link io.github.elasticachesecure.testbed.RedisClusterProcess} (a TLS cluster announcing {@code localhost}),
 * the JUnit 5 {@link io.github.elasticachesecure.testbed.RedisServerExtension},
 * {@link io.github.elasticachesecure.testbed.SilentTcpServer},
 * {@link io.github.elasticachesecure.testbed.TricklingTcpServer},
 * {@link io.github.elasticachesecure.testbed.RecordingTcpRelay} (what a client sent on the wire),
 * {@link io.github.elasticachesecure.testbed.Threads} (threads left behind) and
 * {@link io.github.elasticachesecure.testbed.FreePorts}.
 * <p>
 * Spring-free: plain JDK, BouncyCastle, JUnit 5 and Lettuce. Needs a TLS-enabled {@code redis-server} 7.0+
 * or {@code valkey-server} ({@code $REDIS_SERVER_BIN} or the {@code PATH}); without one, tests fail with a
 * message saying what to install rather than being skipped. Everything listens on {@code 127.0.0.1} only.
 */
package io.github.elasticachesecure.testbed;
