/**
 * Support for this project's own tests, on top of the test kit
 * ({@code io.github.elasticachesecure.testkit}) and never published:
 * {@link io.github.elasticachesecure.testsupport.RedisServerExtension} (a JUnit 5
 * extension running a {@link io.github.elasticachesecure.testkit.RedisServerProcess} per
 * test class), network faults
 * ({@link io.github.elasticachesecure.testsupport.RepointableTcpProxy},
 * {@link io.github.elasticachesecure.testsupport.SilentTcpServer},
 * {@link io.github.elasticachesecure.testsupport.TricklingTcpServer},
 * {@link io.github.elasticachesecure.testsupport.ResettingTcpServer},
 * {@link io.github.elasticachesecure.testsupport.TlsHandshakeServer}),
 * {@link io.github.elasticachesecure.testsupport.RecordingTcpRelay} (what a client sent
 * on the wire), {@link io.github.elasticachesecure.testsupport.AcknowledgedWriteLoad} (a
 * load with a ledger of acknowledged writes),
 * {@link io.github.elasticachesecure.testsupport.PooledConnectionsOnly} (a connection per
 * writer thread), {@link io.github.elasticachesecure.testsupport.Threads} (threads left
 * behind) and a loopback stand-in of the ElastiCache and EC2 APIs
 * ({@link io.github.elasticachesecure.testsupport.FakeAwsApi},
 * {@link io.github.elasticachesecure.testsupport.AwsFixtures}) and of the metadata
 * endpoints that tell an application its Availability Zone
 * ({@link io.github.elasticachesecure.testsupport.FakeInstanceMetadata}, IMDSv2;
 * {@link io.github.elasticachesecure.testsupport.FakeEcsTaskMetadata}, ECS task metadata
 * v4).
 */
package io.github.elasticachesecure.testsupport;
