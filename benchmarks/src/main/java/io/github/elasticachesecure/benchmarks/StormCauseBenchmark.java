package io.github.elasticachesecure.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import reactor.core.publisher.Mono;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the IAM storm's extra time is made of: hand-built clients that differ in one thing
 * each (the password's length, the user, how Lettuce gets the credentials), against the
 * starter in both modes, in the same storms as section 3; and the server's own time per
 * {@code HELLO} with a short password and with a token.
 */
final class StormCauseBenchmark {

	private static final int RECONNECTING_REQUESTS = 3000;

	private static final Pattern USEC_PER_CALL = Pattern.compile("usec_per_call=([0-9.]+)");

	private final Fixtures fixtures;

	private final Settings settings;

	private final Report report;

	StormCauseBenchmark(Fixtures fixtures, Settings settings, Report report) {
		this.fixtures = fixtures;
		this.settings = settings;
		this.report = report;
	}

	void run() throws Exception {
		String token = Fixtures.generator().generate(Fixtures.CREDENTIALS).value();
		ClientResources resources = DefaultClientResources.create();
		ExecutorService pool = Executors.newFixedThreadPool(StormBenchmark.CONCURRENCY);
		Map<String, RedisClient> clients = new LinkedHashMap<>();
		try (ConfigurableApplicationContext iam = this.fixtures.start(Fixtures.App.STARTER_IAM);
				ConfigurableApplicationContext password = this.fixtures.start(Fixtures.App.STARTER_PASSWORD)) {
			clients.put("starter, password", Fixtures.nativeClient(password));
			clients.put("starter, IAM", Fixtures.nativeClient(iam));
			clients.put("password, static (Lettuce's `StaticCredentialsProvider`)",
					client(resources, uri().withAuthentication(Fixtures.USER, Fixtures.PASSWORD.toCharArray())));
			clients.put("token (" + token.length() + " chars), static",
					client(resources, uri().withAuthentication(Fixtures.IAM_USER, token.toCharArray())));
			RedisCredentials passwordCredentials = RedisCredentials.just(Fixtures.USER, Fixtures.PASSWORD);
			clients.put("password, provider returning `Mono.just` (not immediate)",
					client(resources, uri().withAuthentication(() -> Mono.just(passwordCredentials))));
			RedisCredentials tokenCredentials = RedisCredentials.just(Fixtures.IAM_USER, token);
			clients.put("token, provider returning `Mono.just` (not immediate)",
					client(resources, uri().withAuthentication(() -> Mono.just(tokenCredentials))));
			List<String> names = new ArrayList<>(clients.keySet());
			Map<String, List<Double>> millis = new LinkedHashMap<>();
			names.forEach((name) -> millis.put(name, new ArrayList<>()));
			StormBenchmark storm = new StormBenchmark(this.fixtures, this.settings, this.report);
			System.out.println("storm causes: warm-up");
			for (RedisClient client : clients.values()) {
				storm.storm(client, pool);
			}
			Map<String, Double> helloMicros = new LinkedHashMap<>();
			for (int round = 0; round < this.settings.stormRounds; round++) {
				for (int k = 0; k < names.size(); k++) {
					String name = names.get((round + k) % names.size());
					ThroughputBenchmark.settle();
					millis.get(name).add(storm.storm(clients.get(name), pool));
				}
				System.out.printf("storm causes: round %d done%n", round + 1);
			}
			// The server's time per HELLO, one variant at a time (CONFIG RESETSTAT
			// between).
			for (String name : List.of(names.get(2), names.get(3))) {
				this.fixtures.server.adminCommand("CONFIG", "RESETSTAT");
				for (int i = 0; i < 3; i++) {
					storm.storm(clients.get(name), pool);
				}
				helloMicros.put(name, usecPerCall(this.fixtures.server.adminCommand("INFO", "commandstats")));
			}
			this.report.section("3c. What the IAM storm's extra time is made of");
			this.report.line("Same storms as section 3 (" + this.settings.stormConnections + " connections, "
					+ StormBenchmark.CONCURRENCY + " " + "`connect()` at a time, " + this.settings.stormRounds
					+ " rounds, variants interleaved in rotating "
					+ "order after a warm-up storm each). Each hand-built client (JDK TLS, the test CA, FULL "
					+ "verification, default client options) differs from the first in one thing. Ratios to "
					+ "*password, static* within each round, median [min–max]. Server time per `HELLO 3 AUTH`: "
					+ "`INFO commandstats` `usec_per_call` over 3 storms of one variant alone.");
			this.report.line("");
			List<List<String>> rows = new ArrayList<>();
			List<Double> reference = millis.get(names.get(2));
			for (String name : names) {
				Double hello = helloMicros.get(name);
				rows.add(List.of(name, Stats.spread(millis.get(name), "%.0f"),
						Stats.spread(Stats.ratios(millis.get(name), reference), "%.3f"),
						(hello != null) ? Stats.fmt("%.2f", hello) : ""));
			}
			this.report.table(List.of("variant", "ms per storm", "ratio to password, static", "server µs per `HELLO`"),
					rows);
			reconnectingRedisBenchmark(token);
		}
		finally {
			pool.shutdownNow();
			// The two starter clients close with their contexts.
			clients.values()
				.stream()
				.skip(2)
				.forEach((client) -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
			resources.shutdown();
		}
	}

	/**
	 * The server's whole cost of a connection (TCP, TLS handshake, AUTH) with a short
	 * password and with the token, without Java: {@code redis-benchmark -k 0} opens a new
	 * connection for every request.
	 */
	private void reconnectingRedisBenchmark(String token) throws Exception {
		Path binary = CeilingBenchmark.find("redis-benchmark");
		if (binary == null) {
			this.report.line("redis-benchmark is not on the PATH: the C client's comparison was skipped.");
			return;
		}
		int rounds = this.settings.stormRounds;
		List<Double> password = new ArrayList<>();
		List<Double> iam = new ArrayList<>();
		for (int round = 0; round < rounds; round++) {
			boolean passwordFirst = round % 2 == 0;
			for (int k = 0; k < 2; k++) {
				boolean isPassword = (k == 0) == passwordFirst;
				double rps = reconnectingPings(binary, isPassword ? Fixtures.USER : Fixtures.IAM_USER,
						isPassword ? Fixtures.PASSWORD : token);
				(isPassword ? password : iam).add(rps);
			}
		}
		List<Double> timeRatio = Stats.ratios(password, iam);
		this.report.line("`redis-benchmark --tls -k 0 -c " + StormBenchmark.CONCURRENCY + " -n " + RECONNECTING_REQUESTS
				+ " -t ping --user <user> "
				+ "-a ***` against the same server: every request on a new connection (TCP connect, TLS handshake, "
				+ "`AUTH`, `PING`), C client, no Java. " + rounds + " rounds, the two users alternating which goes "
				+ "first; time ratio = password req/s ÷ token req/s within a round, median [min–max].");
		this.report.line("");
		this.report.table(List.of("`AUTH` with", "connections (requests) per second", "time ratio token / password"),
				List.of(List.of("password (" + Fixtures.PASSWORD.length() + " chars)", Stats.spread(password, "%.0f"),
						""),
						List.of("token (" + token.length() + " chars)", Stats.spread(iam, "%.0f"),
								Stats.spread(timeRatio, "%.3f"))));
	}

	private double reconnectingPings(Path binary, String user, String password) throws Exception {
		List<String> command = List.of(binary.toString(), "--tls", "--cacert", this.fixtures.caPem.toString(), "-h",
				this.fixtures.server.host(), "-p", String.valueOf(this.fixtures.server.port()), "--user", user, "-a",
				password, "-k", "0", "-c", String.valueOf(StormBenchmark.CONCURRENCY), "-n",
				String.valueOf(RECONNECTING_REQUESTS), "-t", "ping_mbulk", "--csv");
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
			process.destroyForcibly();
			throw new IllegalStateException("redis-benchmark failed (user " + user + ")");
		}
		for (String line : output.split("\r?\n")) {
			String[] fields = line.replace("\"", "").split(",");
			if (fields.length >= 2 && fields[0].startsWith("PING")) {
				return Double.parseDouble(fields[1]);
			}
		}
		throw new IllegalStateException("redis-benchmark printed no PING result (user " + user + ")");
	}

	private static double usecPerCall(String commandStats) {
		for (String line : commandStats.split("\r?\n")) {
			if (line.startsWith("cmdstat_hello:")) {
				Matcher matcher = USEC_PER_CALL.matcher(line);
				if (matcher.find()) {
					return Double.parseDouble(matcher.group(1));
				}
			}
		}
		return Double.NaN;
	}

	private RedisURI.Builder uri() {
		return RedisURI.builder()
			.withHost(this.fixtures.server.host())
			.withPort(this.fixtures.server.port())
			.withSsl(true)
			.withVerifyPeer(SslVerifyMode.FULL);
	}

	private RedisClient client(ClientResources resources, RedisURI.Builder uri) {
		RedisClient client = RedisClient.create(resources, uri.build());
		client.setOptions(ClientOptions.builder()
			.sslOptions(SslOptions.builder().jdkSslProvider().trustManager(this.fixtures.caPem.toFile()).build())
			.build());
		return client;
	}

}
