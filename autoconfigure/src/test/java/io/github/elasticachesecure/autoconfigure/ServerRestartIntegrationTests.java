package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testsupport.AcknowledgedWriteLoad;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.core.StringRedisTemplate;

import static io.github.elasticachesecure.autoconfigure.RedisTestContexts.PASSWORD;
import static io.github.elasticachesecure.autoconfigure.RedisTestContexts.USER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server restart under load: a real TLS {@code redis-server} with an append-only file
 * fsynced on every write ({@code appendfsync always}, so a write is on disk before it is
 * acknowledged) is killed with {@code SIGKILL} and started again on the same port with
 * the same certificate and data, twice: once right away, once after staying down for
 * longer than the command timeout. Eight threads write ({@code INCR}, {@code SET} of
 * unique values) and read through the starter's application context all along. The
 * application must recover without help; every acknowledged write must be there
 * afterwards; every failed call must have thrown; no call may take much longer than
 * {@code spring.data.redis.timeout}.
 */
class ServerRestartIntegrationTests {

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

	/**
	 * The promise is the command timeout; the margin is for a loaded machine (a thread
	 * waiting for a core).
	 */
	private static final Duration CALL_BOUND = COMMAND_TIMEOUT.plusSeconds(4);

	/**
	 * From the restart to the first successful call: reconnect delay (jittered, capped)
	 * and handshake, generously.
	 */
	private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);

	private static final int THREADS = 8;

	private static RedisServerProcess redis;

	@BeforeAll
	static void startServer() {
		redis = RedisServerProcess.tls()
			.aclUser(USER, PASSWORD)
			.extraArgs("--appendonly", "yes", "--appendfsync", "always")
			.start();
	}

	@AfterAll
	static void stopServer() {
		redis.close();
	}

	@Test
	void killedAndRestartedServerUnderLoadLosesNoAcknowledgedWriteAndNoCallOutlivesTheTimeout() {
		RedisTestContexts.runner()
			.withPropertyValues("elasticache.secure.endpoint=localhost:" + redis.port(),
					"elasticache.secure.tls.bundle=test", "elasticache.secure.auth.username=" + USER,
					"elasticache.secure.auth.password=" + PASSWORD,
					"spring.data.redis.timeout=" + COMMAND_TIMEOUT.toMillis() + "ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				List<String> report = new ArrayList<>();
				AcknowledgedWriteLoad load = new AcknowledgedWriteLoad(template, "restart", THREADS);
				try {
					load.awaitProgress(100, Duration.ofSeconds(30));
					for (Duration down : List.of(Duration.ZERO, COMMAND_TIMEOUT.multipliedBy(2))) {
						long killed = System.nanoTime();
						redis.kill();
						Thread.sleep(down.toMillis());
						load.watchFrom(System.nanoTime());
						redis.restart();
						long ready = System.nanoTime();
						long firstSuccess = load.awaitSuccessAfterWatch(RECOVERY_BOUND);
						// every thread is writing again
						load.awaitProgress(20, RECOVERY_BOUND);
						report.add(String.format(
								"down %d ms: server ready %d ms after the kill, first successful call %d ms after it was ready "
										+ "(%d ms after the kill); errors so far %s",
								down.toMillis(), millis(ready - killed), millis(firstSuccess - ready),
								millis(firstSuccess - killed), load.failureKinds()));
					}
				}
				finally {
					assertThat(load.stop()).as("every call came back").isTrue();
				}
				AcknowledgedWriteLoad.Figures figures = load.verify(AcknowledgedWriteLoad.mget(redis));
				report.add(figures.toString());
				report.forEach((line) -> System.out.println("Server restart under load: " + line));
				assertThat(figures.lost()).as("acknowledged writes lost").isZero();
				assertThat(figures.acknowledgedIncrs()).isLessThanOrEqualTo(figures.appliedIncrs());
				assertThat(figures.staleReads()).as("reads missing the write just acknowledged").isZero();
				assertThat(figures.longestCall()).isLessThan(CALL_BOUND);
				// a server that stayed down past the timeout made calls fail, and they
				// said so
				assertThat(figures.failures()).isPositive();
			});
	}

	private static long millis(long nanos) {
		return Duration.ofNanos(nanos).toMillis();
	}

}
