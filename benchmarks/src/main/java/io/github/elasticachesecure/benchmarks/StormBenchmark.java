package io.github.elasticachesecure.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Reconnect storm: open and authenticate N connections (16 at a time) in IAM mode and in
 * password mode through the starter, and through hand-built clients (password, and IAM
 * signing a token per connection).
 */
final class StormBenchmark {

	/**
	 * How many connections a storm opens at a time (every section that opens a storm).
	 */
	static final int CONCURRENCY = 16;

	private final Fixtures fixtures;

	private final Settings settings;

	private final Report report;

	StormBenchmark(Fixtures fixtures, Settings settings, Report report) {
		this.fixtures = fixtures;
		this.settings = settings;
		this.report = report;
	}

	void run() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
		RedisClient handPassword = this.fixtures.handBuiltPasswordClient();
		RedisClient handNaiveIam = this.fixtures.handBuiltNaiveIamClient();
		try (ConfigurableApplicationContext iam = this.fixtures.start(Fixtures.App.STARTER_IAM);
				ConfigurableApplicationContext password = this.fixtures.start(Fixtures.App.STARTER_PASSWORD)) {
			List<String> names = List.of("starter, IAM (cached token)", "starter, password", "hand-built, password",
					"hand-built, IAM signing per connection");
			List<RedisClient> clients = List.of(Fixtures.nativeClient(iam), Fixtures.nativeClient(password),
					handPassword, handNaiveIam);
			List<List<Double>> millis = new ArrayList<>();
			long[] authCommands = new long[clients.size()];
			for (int i = 0; i < clients.size(); i++) {
				millis.add(new ArrayList<>());
			}
			List<String> users = List.of(Fixtures.IAM_USER, Fixtures.USER, Fixtures.USER, Fixtures.IAM_USER);
			for (int i = 0; i < clients.size(); i++) {
				try (StatefulRedisConnection<String, String> connection = clients.get(i).connect()) {
					String user = connection.sync().aclWhoami();
					if (!users.get(i).equals(user)) {
						throw new IllegalStateException(names.get(i) + " is authenticated as '" + user + "'");
					}
				}
			}
			System.out.println("storm: warm-up");
			for (int warmup = 0; warmup < 2; warmup++) {
				for (RedisClient client : clients) {
					storm(client, pool);
				}
			}
			for (int round = 0; round < this.settings.stormRounds; round++) {
				for (int k = 0; k < clients.size(); k++) {
					int index = (round + k) % clients.size();
					ThroughputBenchmark.settle();
					long authBefore = this.fixtures.server.authCalls();
					millis.get(index).add(storm(clients.get(index), pool));
					authCommands[index] += this.fixtures.server.authCalls() - authBefore;
				}
				System.out.printf(
						"storm: round %d: IAM %.0f ms, password %.0f ms, hand-built %.0f ms, naive IAM %.0f ms%n",
						round + 1, millis.get(0).get(round), millis.get(1).get(round), millis.get(2).get(round),
						millis.get(3).get(round));
			}
			List<Double> iamOverPassword = Stats.ratios(millis.get(0), millis.get(1));
			List<Double> passwordOverHand = Stats.ratios(millis.get(1), millis.get(2));
			List<Double> iamOverHand = Stats.ratios(millis.get(0), millis.get(2));
			List<Double> iamOverNaive = Stats.ratios(millis.get(0), millis.get(3));
			this.report.section(
					"3. Reconnect storm: open and authenticate " + this.settings.stormConnections + " TLS connections");
			this.report.line("Wall time until all " + this.settings.stormConnections + " connections completed the TLS "
					+ "handshake and `HELLO 3 AUTH`, " + CONCURRENCY + " `RedisClient.connect()` calls at a time. IAM: "
					+ "the server cannot check SigV4, so the IAM user's password is the token signed on a fixed clock "
					+ "(identical for every signer). " + this.settings.stormRounds + " rounds, the four variants "
					+ "interleaved in rotating order after 2 warm-up rounds (a GC before each storm); ratios within a round, "
					+ "median [min–max]. `AUTH` commands counted by the server during the storms, per connection: the "
					+ "handshake authenticates with `HELLO`, so a non-zero count is a second authentication.");
			this.report.line("");
			List<List<String>> rows = new ArrayList<>();
			for (int i = 0; i < names.size(); i++) {
				rows.add(List.of(names.get(i), Stats.spread(millis.get(i), "%.0f"),
						Stats.fmt("%.2f",
								authCommands[i]
										/ (double) (this.settings.stormRounds * this.settings.stormConnections)),
						"", ""));
			}
			rows.add(
					List.of("ratio starter IAM / starter password", Stats.spread(iamOverPassword, "%.3f"), "", "≤ 1.10",
							this.report.verdict(Stats.median(iamOverPassword) <= 1.10, "storm IAM / password ≤ 1.10")));
			rows.add(List.of("ratio starter password / hand-built password", Stats.spread(passwordOverHand, "%.3f"), "",
					"", "info"));
			rows.add(List.of("ratio starter IAM / hand-built password", Stats.spread(iamOverHand, "%.3f"), "", "",
					"info"));
			rows.add(List.of("ratio starter IAM / hand-built IAM signing per connection",
					Stats.spread(iamOverNaive, "%.3f"), "", "", "info"));
			this.report.table(List.of("variant", "ms per storm", "extra `AUTH` per connection (server count)", "target",
					"verdict"), rows);
		}
		finally {
			pool.shutdownNow();
			handPassword.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			handNaiveIam.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

	/** One storm with the given client, in ms. */
	double storm(RedisClient client, ExecutorService pool) throws Exception {
		long start = System.nanoTime();
		List<StatefulRedisConnection<String, String>> connections = open(client, this.settings.stormConnections, pool);
		long elapsed = System.nanoTime() - start;
		closeAll(connections);
		Thread.sleep(50);
		return elapsed / 1e6;
	}

	/**
	 * Open {@code count} authenticated connections from the client, as many at a time as
	 * the pool has threads.
	 */
	static List<StatefulRedisConnection<String, String>> open(RedisClient client, int count, ExecutorService pool)
			throws Exception {
		List<Future<StatefulRedisConnection<String, String>>> futures = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			futures.add(pool.submit(() -> client.connect()));
		}
		List<StatefulRedisConnection<String, String>> connections = new ArrayList<>(count);
		Exception failure = null;
		for (Future<StatefulRedisConnection<String, String>> future : futures) {
			try {
				connections.add(future.get());
			}
			catch (Exception ex) {
				failure = ex;
			}
		}
		if (failure != null) {
			closeAll(connections);
			throw new IllegalStateException("A connection failed to open or authenticate", failure);
		}
		return connections;
	}

	static void closeAll(List<StatefulRedisConnection<String, String>> connections) throws Exception {
		List<Future<?>> closing = new ArrayList<>();
		for (StatefulRedisConnection<String, String> connection : connections) {
			closing.add(connection.closeAsync());
		}
		for (Future<?> future : closing) {
			future.get();
		}
	}

}
