package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import io.github.elasticachesecure.health.ElastiCacheHealthCheck;
import io.github.elasticachesecure.testkit.IamFront;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testsupport.AcknowledgedWriteLoad;
import io.github.elasticachesecure.testsupport.Threads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.data.redis.core.StringRedisTemplate;

import static io.github.elasticachesecure.autoconfigure.IamAuthenticationIntegrationTests.CACHE_NAME;
import static io.github.elasticachesecure.autoconfigure.IamAuthenticationIntegrationTests.REGION;
import static io.github.elasticachesecure.autoconfigure.IamAuthenticationIntegrationTests.USER_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing the application while it is busy: IAM on, through the test kit's IAM front
 * (every token checked, tokens refreshed every second and pushed into the live
 * connection), health checks probing TLS in the background, and eight threads writing.
 * After {@code close()}: the IAM refresher and the TLS probes have stopped, the server
 * lists none of the application's connections, and no thread of Lettuce, Netty or the
 * starter is left.
 */
class ShutdownUnderLoadIntegrationTests {

	/**
	 * Threads of Lettuce (event loops, computation), Netty and the starter (IAM refresh
	 * and credentials calls, TLS probes and their deadline timer). Not Reactor's global
	 * schedulers ({@code parallel-}, {@code boundedElastic-}), which the health check
	 * borrows: they belong to the JVM, are shared with every other Reactor user, and idle
	 * {@code boundedElastic} workers end by themselves after 60 s.
	 */
	private static final List<String> CLIENT_THREAD_PREFIXES = List.of(Threads.LETTUCE, "elasticache-",
			"tls-endpoint-probe", "nioEventLoop", "epollEventLoop", "globalEventExecutor");

	private static RedisServerProcess redis;

	private static IamFront front;

	@BeforeAll
	static void startServerBehindIamFront() {
		redis = RedisServerProcess.tls().start();
		front = RedisTestContexts.iamFront(IamFront.forServer(redis)).start();
	}

	@AfterAll
	static void stop() {
		front.close();
		redis.close();
	}

	@Test
	void closingUnderLoadStopsRefresherAndProbesClosesEveryConnectionAndLeavesNoThread() {
		Set<String> before = clientThreadNames();
		RedisTestContexts.runner()
			.withBean(AwsCredentialsProvider.class, RedisTestContexts.IAM_CREDENTIALS::awsCredentialsProvider)
			.withPropertyValues("elasticache.secure.endpoint=localhost:" + front.port(),
					"elasticache.secure.tls.bundle=test", "elasticache.secure.auth.mode=iam",
					"elasticache.secure.auth.username=" + USER_ID, "elasticache.secure.cache-name=" + CACHE_NAME,
					"elasticache.secure.iam.region=" + REGION, "elasticache.secure.iam.refresh-interval=1s",
					// every health check starts a background TLS probe
					"elasticache.secure.health.tls-recheck-interval=1ms", "spring.data.redis.timeout=1s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				ElastiCacheHealthCheck health = context.getBean(ElastiCacheHealthCheck.class);
				AtomicBoolean checking = new AtomicBoolean(true);
				Thread healthChecks = new Thread(() -> {
					while (checking.get()) {
						health.check().onErrorComplete().block();
					}
				}, "shutdown-test-health-checks");
				int acceptedBefore = front.acceptedTokens();
				AcknowledgedWriteLoad load = new AcknowledgedWriteLoad(template, "shutdown", 8);
				try {
					healthChecks.start();
					load.awaitProgress(50, Duration.ofSeconds(30));
					// the refresher is at work: live connections re-authenticated with
					// new tokens
					await().atMost(Duration.ofSeconds(30)).until(() -> front.acceptedTokens() >= acceptedBefore + 2);
					assertThat(Threads.alive(IamProviderThreads::isProviderThread)).as("IAM refresh thread")
						.isNotEmpty();
					assertThat(applicationConnections()).as("application connections while running").isPositive();
					checking.set(false);
					healthChecks.join(10_000);
					long closing = System.nanoTime();
					context.close();
					System.out.printf("Shutdown under load: context closed in %d ms with 8 threads writing%n",
							Duration.ofNanos(System.nanoTime() - closing).toMillis());
				}
				finally {
					checking.set(false);
					assertThat(load.stop()).as("every call came back").isTrue();
				}
				AcknowledgedWriteLoad.Figures figures = load.verify(AcknowledgedWriteLoad.mget(redis));
				System.out.println("Shutdown under load: " + figures);
				assertThat(figures.lost()).as("acknowledged writes lost").isZero();
				await("no IAM refresh thread").atMost(Duration.ofSeconds(10))
					.until(() -> Threads.alive(IamProviderThreads::isProviderThread).isEmpty());
				await("no connection of the application").atMost(Duration.ofSeconds(10))
					.until(() -> applicationConnections() == 0);
				await("no thread of Lettuce, Netty or the starter left").atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(clientThreadNames()).isSubsetOf(before));
				assertThat(front.refusedTokens()).as("tokens refused by the IAM front").isZero();
			});
	}

	/**
	 * The connections the server has for the application's user (the IAM front opens one
	 * per client connection).
	 */
	private static long applicationConnections() {
		return redis.clientList().lines().filter((line) -> line.contains(" user=" + USER_ID + " ")).count();
	}

	private static Set<String> clientThreadNames() {
		return Threads.alive((thread) -> CLIENT_THREAD_PREFIXES.stream().anyMatch(thread.getName()::startsWith))
			.stream()
			.map(Thread::getName)
			.collect(Collectors.toCollection(TreeSet::new));
	}

}
