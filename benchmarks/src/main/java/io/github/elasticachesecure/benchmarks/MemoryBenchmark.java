package io.github.elasticachesecure.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Heap retained by connect / re-authenticate cycles through the starter in IAM mode: each
 * cycle opens a connection, signs a new token ({@code refreshNow()}), which the starter
 * pushes into every live connection as {@code AUTH}, sends a PING and closes the
 * connection.
 */
final class MemoryBenchmark {

	private static final int WARMUP = 500;

	private static final int FIRST = 100;

	private final Fixtures fixtures;

	private final Settings settings;

	private final Report report;

	MemoryBenchmark(Fixtures fixtures, Settings settings, Report report) {
		this.fixtures = fixtures;
		this.settings = settings;
		this.report = report;
	}

	void run() throws Exception {
		try (ConfigurableApplicationContext context = this.fixtures.start(Fixtures.App.STARTER_IAM)) {
			RedisClient client = Fixtures.nativeClient(context);
			ElastiCacheIamCredentialsProvider provider = context.getBean(ElastiCacheIamCredentialsProvider.class);
			// The shared connection stays open throughout and is re-authenticated on
			// every cycle.
			try (RedisConnection shared = context.getBean(RedisConnectionFactory.class).getConnection()) {
				shared.ping();
			}
			System.out.println("memory: warm-up " + WARMUP + " cycles");
			cycles(client, provider, WARMUP);
			long authBefore = this.fixtures.server.authCalls();
			long baseline = usedHeapAfterGc();
			long start = System.nanoTime();
			cycles(client, provider, FIRST);
			long afterFirst = usedHeapAfterGc();
			System.out.println("memory: " + this.settings.memoryCycles + " cycles");
			cycles(client, provider, this.settings.memoryCycles - FIRST);
			double seconds = (System.nanoTime() - start) / 1e9;
			long afterAll = usedHeapAfterGc();
			long reauths = this.fixtures.server.authCalls() - authBefore;
			long liveIamConnections = this.fixtures.server.clientList()
				.lines()
				.filter((line) -> line.contains(" user=" + Fixtures.IAM_USER + " "))
				.count();
			List<List<String>> rows = new ArrayList<>();
			double limit = 1024;
			double deltaFirst = (afterFirst - baseline) / 1024.0;
			double deltaAll = (afterAll - baseline) / 1024.0;
			rows.add(List.of("baseline (after " + WARMUP + " warm-up cycles)", kib(baseline), "", "", ""));
			rows.add(List.of("after " + FIRST + " cycles", kib(afterFirst), Stats.fmt("%+.0f", deltaFirst), "≤ 1024",
					this.report.verdict(deltaFirst <= limit, "heap growth after " + FIRST + " cycles ≤ 1 MiB")));
			rows.add(List.of("after " + this.settings.memoryCycles + " cycles", kib(afterAll),
					Stats.fmt("%+.0f", deltaAll), "≤ 1024", this.report.verdict(deltaAll <= limit,
							"heap growth after " + this.settings.memoryCycles + " cycles ≤ 1 MiB")));
			this.report.section("5. Heap retained by connect / re-authenticate cycles (starter, IAM mode)");
			this.report.line("One cycle: open a connection through the starter's client, sign a new token "
					+ "(`refreshNow()`; the starter re-AUTHs every live connection with it), PING, close. Used heap "
					+ "from `MemoryMXBean` after 5 × `System.gc()`, measured after " + WARMUP + " warm-up cycles "
					+ "(baseline), after " + FIRST + " more and after " + this.settings.memoryCycles + " in total ("
					+ Stats.fmt("%.0f", seconds) + " s). The server executed " + reauths
					+ " `AUTH` commands meanwhile: re-authentications of the connections that were live at each "
					+ "refresh (connection handshakes use `HELLO`, not counted); " + liveIamConnections
					+ " IAM connections were still open at the end (those of the starter's connection factory). "
					+ "Single run; a few hundred KiB either way is GC noise.");
			this.report.line("");
			this.report.table(List.of("point", "used heap, KiB", "growth vs baseline, KiB", "target, KiB", "verdict"),
					rows);
		}
	}

	private static void cycles(RedisClient client, ElastiCacheIamCredentialsProvider provider, int count) {
		for (int i = 0; i < count; i++) {
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				provider.refreshNow().join();
				connection.sync().ping();
			}
		}
		// Let the last re-authentications settle before measuring.
		try {
			Thread.sleep(Duration.ofMillis(200).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static long usedHeapAfterGc() throws InterruptedException {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 5; i++) {
			System.gc();
			Thread.sleep(100);
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static String kib(long bytes) {
		return Stats.fmt("%.0f", bytes / 1024.0);
	}

}
