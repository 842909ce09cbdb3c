package io.github.elasticachesecure.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.iam.ElastiCacheIamTokenGenerator;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * What a new connection pays for its IAM token: the starter's cached token, a freshly
 * signed one, and the naive provider that signs for every connection. Static credentials,
 * local signing only.
 */
final class TokenBenchmark {

	private static final long SEGMENT_NANOS = 200_000_000L;

	private final Settings settings;

	private final Report report;

	private long sink;

	TokenBenchmark(Settings settings, Report report) {
		this.settings = settings;
		this.report = report;
	}

	interface Operation {

		Object run();

	}

	void run() {
		ElastiCacheIamTokenGenerator generator = Fixtures.generator();
		RedisCredentialsProvider naive = Fixtures.signingOnEveryConnection();
		try (ElastiCacheIamCredentialsProvider provider = Fixtures
			.iamProvider(StaticCredentialsProvider.create(Fixtures.CREDENTIALS))) {
			provider.resolveCredentials().block(Duration.ofSeconds(10));
			List<String> names = List.of(
					"cached token: `ElastiCacheIamCredentialsProvider.resolveCredentials().block()`",
					"fresh token: `ElastiCacheIamTokenGenerator.generate(AwsSessionCredentials)`",
					"naive, signs per connection: `resolveCredentials().block()`");
			List<Operation> operations = List.of(() -> provider.resolveCredentials().block(),
					() -> generator.generate(Fixtures.CREDENTIALS), () -> naive.resolveCredentials().block());
			List<List<Double>> nanosPerOp = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
			System.out.println("tokens: warm-up");
			for (int warmup = 0; warmup < 5; warmup++) {
				for (Operation operation : operations) {
					measure(operation);
				}
			}
			for (int round = 0; round < this.settings.tokenRounds; round++) {
				for (int k = 0; k < operations.size(); k++) {
					int index = (round + k) % operations.size();
					nanosPerOp.get(index).add(measure(operations.get(index)));
				}
			}
			RedisCredentials check = provider.resolveCredentials().block();
			if (check == null || !check.hasPassword()) {
				throw new IllegalStateException("No cached token");
			}
			List<Double> naiveOverCached = new ArrayList<>();
			for (int round = 0; round < this.settings.tokenRounds; round++) {
				naiveOverCached.add(nanosPerOp.get(2).get(round) / nanosPerOp.get(0).get(round));
			}
			this.report.section("2. IAM token cost per new connection");
			this.report.line("Time per acquisition on one thread, static `AwsSessionCredentials`, no AWS calls "
					+ "(`aws.disableEc2Metadata=true`). " + this.settings.tokenRounds
					+ " rounds of ~0.2 s per operation, the three operations interleaved (rotating order) after a "
					+ "warm-up; median [min–max] over rounds.");
			this.report.line("");
			List<List<String>> rows = new ArrayList<>();
			double cached = Stats.median(nanosPerOp.get(0));
			rows.add(List.of(names.get(0), Stats.spread(nanosPerOp.get(0), "%.0f"), "< 1000 ns",
					this.report.verdict(cached < 1000, "cached token under 1 µs")));
			rows.add(List.of(names.get(1), Stats.spread(nanosPerOp.get(1), "%.0f"), "", "info"));
			rows.add(List.of(names.get(2), Stats.spread(nanosPerOp.get(2), "%.0f"), "", "info"));
			rows.add(List.of("ratio naive / cached (same round)", Stats.spread(naiveOverCached, "%.0f") + " ×", "",
					"info"));
			this.report.table(List.of("operation", "ns per acquisition", "target", "verdict"), rows);
		}
		if (this.sink == 42) {
			System.out.println();
		}
	}

	private double measure(Operation operation) {
		long start = System.nanoTime();
		long end = start + SEGMENT_NANOS;
		long ops = 0;
		long now;
		do {
			for (int i = 0; i < 100; i++) {
				if (operation.run() == null) {
					this.sink++;
				}
			}
			ops += 100;
			now = System.nanoTime();
		}
		while (now < end);
		return (now - start) / (double) ops;
	}

}
