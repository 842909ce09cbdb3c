package io.github.elasticachesecure.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.github.elasticachesecure.testsupport.RepointableTcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;

import static io.github.elasticachesecure.autoconfigure.TestConditions.awaitUntil;
import static io.github.elasticachesecure.autoconfigure.TestConditions.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A network partition between the application and a real TLS server: a loopback proxy
 * stops forwarding both ways without closing anything for several command timeouts, then
 * heals. Commands fail within {@code spring.data.redis.timeout}, health goes DOWN, and
 * traffic and health come back after the heal without a restart. The application's idle
 * connection carries the starter's keep-alive times in the kernel, set through the
 * properties a user would set.
 */
class NetworkPartitionIntegrationTests {

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

	/**
	 * What a loaded 2-core machine may add to a bound; only the bound is the product's
	 * promise.
	 */
	private static final Duration MARGIN = Duration.ofSeconds(3);

	/** How long the partition lasts: several command timeouts. */
	private static final Duration PARTITION = COMMAND_TIMEOUT.multipliedBy(4);

	// clock ticks (USER_HZ, 100 on Linux) per second, the unit of the timers in
	// /proc/net/tcp
	private static final int CLOCK_TICKS_PER_SECOND = 100;

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	private RepointableTcpProxy network;

	@BeforeEach
	void connectThroughTheNetwork() {
		this.network = RepointableTcpProxy.to(redis.port());
	}

	@AfterEach
	void closeTheNetwork() {
		this.network.close();
	}

	private ApplicationContextRunner application() {
		return RedisTestContexts.runner()
			.withPropertyValues("elasticache.secure.endpoint=localhost:" + this.network.port(),
					"elasticache.secure.tls.bundle=test", "elasticache.secure.auth.username=" + RedisTestContexts.USER,
					"elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD,
					"spring.data.redis.timeout=" + COMMAND_TIMEOUT.toMillis() + "ms",
					"elasticache.secure.health.timeout=1s");
	}

	@Test
	void commandsFailWithinTheTimeoutDuringAPartitionAndTrafficAndHealthResumeAfterTheHeal() {
		application().run((context) -> {
			StringRedisTemplate redisTemplate = context.getBean(StringRedisTemplate.class);
			HealthIndicator health = RedisTestContexts.healthIndicator(context);
			redisTemplate.opsForValue().set("partition:before", "1");
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);

			this.network.blackhole();
			long partitionStart = System.nanoTime();
			int failures = 0;
			Duration slowestFailure = Duration.ZERO;
			while (System.nanoTime() - partitionStart < PARTITION.toNanos()) {
				long start = System.nanoTime();
				try {
					redisTemplate.opsForValue().get("partition:before");
					throw new AssertionError("A command got a reply through the blackhole");
				}
				catch (DataAccessException ex) {
					Duration took = Duration.ofNanos(System.nanoTime() - start);
					assertThat(ex).hasMessageContaining("timed out");
					assertThat(took).as("a command's failure during the partition")
						.isLessThan(COMMAND_TIMEOUT.plus(MARGIN));
					slowestFailure = (took.compareTo(slowestFailure) > 0) ? took : slowestFailure;
					failures++;
				}
			}
			long start = System.nanoTime();
			Health down = health.health();
			Duration healthTook = Duration.ofNanos(System.nanoTime() - start);
			assertThat(down.getStatus()).isEqualTo(Status.DOWN);
			assertThat(down.getDetails().get("reason")).asString().contains("no reply to PING");
			assertThat(healthTook).isLessThan(Duration.ofSeconds(1).plus(MARGIN));

			this.network.heal();
			long healed = System.nanoTime();
			awaitUntil(() -> succeeds(() -> redisTemplate.opsForValue().set("partition:after", "2")),
					"a write after the heal");
			Duration recovery = Duration.ofNanos(System.nanoTime() - healed);
			assertThat(redisTemplate.opsForValue().get("partition:before")).isEqualTo("1");
			assertThat(redis.process().command("GET", "partition:after")).isEqualTo("2");
			awaitUntil(() -> health.health().getStatus().equals(Status.UP), "health UP after the heal");
			Duration healthRecovery = Duration.ofNanos(System.nanoTime() - healed);
			// the figures for docs/reliability.md
			System.out.printf(
					"partition: %d commands failed, slowest failure %d ms, health DOWN in %d ms; "
							+ "first write %d ms after the heal, health UP %d ms after it%n",
					failures, slowestFailure.toMillis(), healthTook.toMillis(), recovery.toMillis(),
					healthRecovery.toMillis());
		});
	}

	/**
	 * The proxy's kernel answers keep-alive probes, so a blackhole in user space cannot
	 * show a probe going unanswered (docs/reliability.md gives the detection bound); what
	 * it can show is that the starter's keep-alive, with the times a user sets, is armed
	 * on the application's idle connection, as the kernel reports it.
	 */
	@Test
	void theIdleConnectionCarriesTheKeepAliveTimesThatUsersSet() {
		application()
			.withPropertyValues("elasticache.secure.socket.keep-alive-idle=1s",
					"elasticache.secure.socket.keep-alive-interval=1s", "elasticache.secure.socket.keep-alive-count=2")
			.run((context) -> {
				context.getBean(StringRedisTemplate.class).opsForValue().set("keepalive", "1");
				awaitUntil(
						() -> !connectionsTo(this.network.port()).isEmpty()
								&& connectionsTo(this.network.port()).stream().allMatch(KernelSocket::keepAliveArmed),
						"keep-alive armed on every connection to the endpoint: " + connectionsTo(this.network.port()));
				assertThat(connectionsTo(this.network.port())).allSatisfy(
						(socket) -> assertThat(socket.timerTicks()).as("ticks to the next keep-alive probe (idle 1 s)")
							.isLessThanOrEqualTo(CLOCK_TICKS_PER_SECOND));
			});
	}

	/**
	 * Established client sockets whose peer is the given loopback port, from the kernel's
	 * socket tables.
	 */
	private static List<KernelSocket> connectionsTo(int port) {
		return Stream.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"))
			.filter(Files::exists)
			.flatMap(NetworkPartitionIntegrationTests::lines)
			.map((line) -> line.trim().split("\\s+"))
			.filter((fields) -> fields.length > 5 && fields[3].equals("01")
					&& fields[2].endsWith(String.format(":%04X", port)))
			.map((fields) -> new KernelSocket(Integer.parseInt(fields[5].substring(0, 2), 16),
					Long.parseLong(fields[5].substring(3), 16)))
			.toList();
	}

	private static Stream<String> lines(Path table) {
		try {
			return Files.readAllLines(table).stream().skip(1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A socket's active timer as {@code /proc/net/tcp} shows it: 1 retransmission, 2
	 * keep-alive, 4 zero-window probe, 0 none; and the clock ticks until it fires.
	 */
	private record KernelSocket(int timer, long timerTicks) {

		boolean keepAliveArmed() {
			return this.timer == 2;
		}

	}

}
