package io.github.elasticachesecure.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import io.github.elasticachesecure.testkit.AcknowledgedWriteLoad;
import io.github.elasticachesecure.testkit.AcceleratedClock;
import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.iam.ElastiCacheIamTokenGenerator;
import io.github.elasticachesecure.testkit.IamTokenCheck;
import io.github.elasticachesecure.testkit.IamFront;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testkit.RepointableTcpProxy;
import io.lettuce.core.event.connection.ReauthenticationFailedEvent;
import io.lettuce.core.resource.ClientResources;
import reactor.core.Disposable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A bounded soak through the starter's Spring context in IAM mode: application → {@link RepointableTcpProxy} (the
 * network) → {@link IamFront} (ElastiCache's SigV4 check, TLS) → TLS {@code redis-server} with {@code appendfsync
 * always}. Under a steady {@link AcknowledgedWriteLoad}, tokens rotate every few seconds on a clock 60 times faster
 * than real time (so the front refuses any token older than 15 real seconds), the server is killed with
 * {@code SIGKILL} and restarted every minute, and the network is partitioned every three minutes. It fails when an
 * acknowledged write is lost, a read misses the write just acknowledged, an authentication error occurs, a call never
 * comes back or the load does not recover.
 */
final class SoakBenchmark {

	private static final String USER_ID = "soak-iam-user";

	private static final String CACHE_NAME = "soak-cache";

	/** Made up: signing is local, nothing calls AWS. */
	private static final String ACCESS_KEY_ID = "AKIDSOAKEXAMPLE";

	/** Made up, and never printed. */
	private static final String SECRET_KEY = "soak-secret-key-that-is-never-printed";

	/** The ACL user's real password, known to the front only. */
	private static final String ACL_PASSWORD = "soak-acl-password-behind-the-iam-front";

	private static final int THREADS = 4;

	/** {@code spring.data.redis.timeout}. */
	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

	/** The signing clock runs this many times faster than real time: a token's 15 minutes pass in 15 s. */
	private static final int CLOCK_SPEED = 60;

	/**
	 * The provider reads "now" from the signing clock but waits with a real timer: a new token every 3 real seconds
	 * (3 minutes on the signing clock), as in the IAM rotation test.
	 */
	private static final Duration REFRESH_INTERVAL = Duration.ofSeconds(3);

	/** Every second kill keeps the server down this long, past the command timeout. */
	private static final Duration LONG_DOWN = Duration.ofSeconds(3);

	/** Three times the command timeout. */
	private static final Duration PARTITION = Duration.ofSeconds(6);

	private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(60);

	/** Thread names of the test bed and the load, which run in this JVM but are not the application's. */
	private static final List<String> HARNESS_THREADS = List.of("repointable-proxy", "iam-front",
			"acknowledged-write-load");

	private final Settings settings;

	private final Report report;

	SoakBenchmark(Settings settings, Report report) {
		this.settings = settings;
		this.report = report;
	}

	/**
	 * Runs the soak and reports it.
	 * @return whether it passed
	 */
	boolean run() throws Exception {
		AcceleratedClock clock = new AcceleratedClock(Instant.now().truncatedTo(ChronoUnit.SECONDS), CLOCK_SPEED);
		IamTokenCheck tokenCheck = new IamTokenCheck(CACHE_NAME, USER_ID, Fixtures.REGION, ACCESS_KEY_ID, SECRET_KEY);
		SoakBeans.clock = clock;
		String date = ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME);
		// The IAM user is defined on the command line, so that a restarted server knows it before it accepts clients.
		try (RedisServerProcess server = RedisServerProcess.tls()
			.extraArgs("--appendonly", "yes", "--appendfsync", "always", "--user", USER_ID, "on", ">" + ACL_PASSWORD,
					"~*", "&*", "+@all")
			.startupTimeout(RECOVERY_LIMIT)
			.start();
				IamFront front = IamFront.start(server,
						(user, token) -> tokenCheck.isValid(user, token, clock.instant()), ACL_PASSWORD);
				RepointableTcpProxy network = RepointableTcpProxy.to(front.port());
				ConfigurableApplicationContext context = start(network, server.caCertificatePem())) {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			ElastiCacheIamCredentialsProvider provider = context.getBean(ElastiCacheIamCredentialsProvider.class);
			Map<String, LongAdder> reauthenticationFailures = new ConcurrentHashMap<>();
			Disposable events = context.getBean(ClientResources.class).eventBus().get().subscribe((event) -> {
				if (event instanceof ReauthenticationFailedEvent failed) {
					String cause = NestedExceptionUtils.getMostSpecificCause(failed.getCause()).getClass().getSimpleName();
					reauthenticationFailures.computeIfAbsent(cause, (name) -> new LongAdder()).increment();
				}
			});
			template.opsForValue().set("soak:started", date);
			long heapStart = MemoryBenchmark.usedHeapAfterGc();
			int[] threadsStart = threads();
			long refreshesBefore = provider.status().refreshSuccessCount();

			Faults faults = new Faults();
			AcknowledgedWriteLoad load = new AcknowledgedWriteLoad(template, "soak", THREADS);
			long start = System.nanoTime();
			load.awaitProgress(10, RECOVERY_LIMIT);
			for (Fault fault : schedule(this.settings.soakMinutes)) {
				sleepUntil(start + fault.at.toNanos());
				faults.inject(fault, load, server, network, start);
			}
			sleepUntil(start + Duration.ofMinutes(this.settings.soakMinutes).toNanos());
			boolean allCameBack = load.stop();
			long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
			AcknowledgedWriteLoad.Figures figures = load.verify(AcknowledgedWriteLoad.mget(server));
			long surfacedAuthenticationErrors = load.authenticationErrors();
			load = null; // its ledger of acknowledged keys is not the application's heap
			long heapEnd = MemoryBenchmark.usedHeapAfterGc();
			int[] threadsEnd = threads();
			events.dispose();

			long authenticationErrors = surfacedAuthenticationErrors + front.refusedTokens();
			List<String> failures = new ArrayList<>();
			check(figures.lost() == 0, "acknowledged writes lost: " + figures.lost(), failures);
			check(figures.staleReads() == 0, "reads that missed the write just acknowledged: " + figures.staleReads(),
					failures);
			check(authenticationErrors == 0, "authentication errors: " + authenticationErrors, failures);
			check(allCameBack, "calls that never came back", failures);
			failures.addAll(faults.unrecovered);

			this.report.section("Soak: " + this.settings.soakMinutes + " minutes of faults under load (IAM, TLS)");
			this.report.line("- date: " + date + "; ran " + seconds + " s");
			this.report.line("- path: application (the starter's Spring context, IAM auth, FULL verification, "
					+ "`spring.data.redis.timeout=" + COMMAND_TIMEOUT.toSeconds() + "s`) → TCP proxy (the network) "
					+ "→ IAM front (SigV4 check, TLS) → TLS `redis-server` (`appendonly yes`, `appendfsync always`)");
			this.report.line("- load: " + THREADS + " threads, each in a loop `INCR` own counter, `SET` new key to "
					+ "a unique value, `GET` it back (`AcknowledgedWriteLoad`), through `StringRedisTemplate`");
			this.report.line("- tokens: signing clock " + CLOCK_SPEED + "× real time, refresh every "
					+ REFRESH_INTERVAL.toSeconds() + " s; the front refuses a token older "
					+ "than 15 min on that clock (15 s real)");
			this.report.line("- faults: `SIGKILL` + restart on the same port every minute (every second one down "
					+ LONG_DOWN.toSeconds() + " s, the others restarted at once); a blackhole of "
					+ PARTITION.toSeconds() + " s every 3 minutes from minute 1.5, then heal");
			this.report.line("");
			List<List<String>> rows = new ArrayList<>();
			rows.add(List.of("operations (`INCR` + `SET` + `GET` calls)", number(figures.calls())));
			rows.add(List.of("writes acknowledged (`SET` / `INCR`)", number(figures.acknowledgedSets() + figures.acknowledgedIncrs())
					+ " (" + number(figures.acknowledgedSets()) + " / " + number(figures.acknowledgedIncrs()) + ")"));
			rows.add(List.of("writes applied (`SET` present / `INCR` counted by the server)",
					number(figures.acknowledgedSets() - figures.missingSets() + figures.appliedIncrs()) + " ("
							+ number(figures.acknowledgedSets() - figures.missingSets()) + " / "
							+ number(figures.appliedIncrs()) + "; `INCR` applied beyond all calls: "
							+ figures.appliedMoreThanCalled() + ")"));
			rows.add(List.of("lost (acknowledged, missing afterwards)", bold(figures.lost())));
			rows.add(List.of("reads that missed the write just acknowledged", bold(figures.staleReads())));
			rows.add(List.of("errors surfaced (by cause)", figures.failures() + " (" + figures.failedSets() + " `SET`, "
					+ figures.failedIncrs() + " `INCR`, " + figures.failedReads() + " `GET`): "
					+ kinds(figures.failureKinds())));
			rows.add(List.of("authentication errors (`WRONGPASS`/`NOAUTH` surfaced + tokens refused by the front)",
					bold(authenticationErrors) + " (" + surfacedAuthenticationErrors + " + " + front.refusedTokens()
							+ ")"));
			rows.add(List.of("tokens signed / accepted by the front (connections and re-authentications)",
					(provider.status().refreshSuccessCount() - refreshesBefore) + " / " + front.acceptedTokens()
							+ " (refresh failures: " + provider.status().refreshFailureCount() + ")"));
			rows.add(List.of("re-authentications failed on the client (Lettuce events, by cause)",
					reauthenticationFailures.isEmpty() ? "0" : kinds(reauthenticationFailures.entrySet()
						.stream()
						.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().sum())))));
			rows.add(List.of("server kills (down 0 s / " + LONG_DOWN.toSeconds() + " s)",
					faults.kills + " (" + faults.killsAtOnce + " / " + (faults.kills - faults.killsAtOnce) + ")"));
			rows.add(List.of("recovery after a kill: restart → first success, median / max", faults.afterRestart.summary()));
			rows.add(List.of("recovery after a kill: restart → every thread succeeded, median / max",
					faults.afterRestartAll.summary()));
			rows.add(List.of("partitions of " + PARTITION.toSeconds() + " s", Integer.toString(faults.partitions)));
			rows.add(List.of("recovery after a partition: heal → first success, median / max", faults.afterHeal.summary()));
			rows.add(List.of("recovery after a partition: heal → every thread succeeded, median / max",
					faults.afterHealAll.summary()));
			rows.add(List.of("longest call / longest time without any success",
					figures.longestCall().toMillis() + " ms / " + figures.longestGap().toMillis() + " ms"));
			rows.add(List.of("heap used after GC, start → end (context open, load stopped and dropped)",
					mib(heapStart) + " → " + mib(heapEnd) + " MiB"));
			rows.add(List.of("live threads, start → end: JVM (application without test bed and load)",
					threadsStart[0] + " → " + threadsEnd[0] + " (" + threadsStart[1] + " → " + threadsEnd[1] + ")"));
			this.report.table(List.of("figure", "value"), rows);
			boolean passed = failures.isEmpty();
			this.report.verdict(passed, "soak: nothing lost, no authentication error, every fault recovered");
			this.report.line(passed ? "Soak PASSED: nothing lost, no authentication error, every fault recovered."
					: "**Soak FAILED**: " + String.join("; ", failures) + ".");
			return passed;
		}
	}

	/** Every full minute before the end a kill; every three minutes from minute 1.5 a partition. */
	private static List<Fault> schedule(int minutes) {
		List<Fault> faults = new ArrayList<>();
		for (int minute = 1; minute < minutes; minute++) {
			faults.add(new Fault(Duration.ofMinutes(minute), false, (minute % 2 == 0) ? LONG_DOWN : Duration.ZERO));
			if (minute % 3 == 1 && minute * 60 + 30 + PARTITION.toSeconds() < minutes * 60) {
				faults.add(new Fault(Duration.ofSeconds(minute * 60 + 30), true, PARTITION));
			}
		}
		return faults;
	}

	private static ConfigurableApplicationContext start(RepointableTcpProxy network, Path caPem) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("logging.level.root", "WARN");
		properties.put("spring.ssl.bundle.pem.soak.truststore.certificate", "file:" + caPem);
		properties.put("elasticache.secure.endpoint", RedisServerProcess.HOST + ":" + network.port());
		properties.put("elasticache.secure.tls.bundle", "soak");
		properties.put("elasticache.secure.auth.mode", "iam");
		properties.put("elasticache.secure.auth.username", USER_ID);
		properties.put("elasticache.secure.cache-name", CACHE_NAME);
		properties.put("elasticache.secure.iam.region", Fixtures.REGION);
		properties.put("spring.data.redis.timeout", COMMAND_TIMEOUT.toMillis() + "ms");
		return Fixtures.run(new Class<?>[] { Fixtures.StarterApp.class, SoakBeans.class }, properties);
	}

	private static void sleepUntil(long nanoTime) throws InterruptedException {
		long wait = nanoTime - System.nanoTime();
		if (wait > 0) {
			Thread.sleep(Duration.ofNanos(wait).toMillis());
		}
	}

	/** Live threads of the JVM, and those of them that are not the test bed's or the load's. */
	private static int[] threads() {
		long harness = Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> HARNESS_THREADS.stream().anyMatch(thread.getName()::startsWith))
			.count();
		int live = ManagementFactory.getThreadMXBean().getThreadCount();
		return new int[] { live, (int) (live - harness) };
	}

	private static void check(boolean condition, String failure, List<String> failures) {
		if (!condition) {
			failures.add(failure);
		}
	}

	private static String kinds(Map<String, Long> kinds) {
		return kinds.isEmpty() ? "none" : new TreeMap<>(kinds).entrySet()
			.stream()
			.map((entry) -> entry.getValue() + " `" + entry.getKey() + "`")
			.collect(Collectors.joining(", "));
	}

	private static String number(long value) {
		return String.format("%,d", value).replace(',', ' ');
	}

	private static String bold(long value) {
		return "**" + value + "**";
	}

	private static String mib(long bytes) {
		return Stats.fmt("%.1f", bytes / (1024.0 * 1024.0));
	}

	private static long millis(long nanos) {
		return Duration.ofNanos(nanos).toMillis();
	}

	/**
	 * A fault at a time after the start: a partition of the given length, or a kill with the server down that long.
	 */
	private record Fault(Duration at, boolean partition, Duration length) {

	}

	/** Injects the faults and keeps the recovery times. */
	private static final class Faults {

		final Recoveries afterRestart = new Recoveries();

		final Recoveries afterRestartAll = new Recoveries();

		final Recoveries afterHeal = new Recoveries();

		final Recoveries afterHealAll = new Recoveries();

		final List<String> unrecovered = new ArrayList<>();

		int kills;

		int killsAtOnce;

		int partitions;

		void inject(Fault fault, AcknowledgedWriteLoad load, RedisServerProcess server, RepointableTcpProxy network,
				long start) throws InterruptedException {
			String when = "at " + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s";
			long faultEnd;
			if (fault.partition) {
				this.partitions++;
				network.blackhole();
				Thread.sleep(fault.length.toMillis());
				load.watchFrom(System.nanoTime());
				network.heal();
				faultEnd = System.nanoTime();
			}
			else {
				this.kills++;
				if (fault.length.isZero()) {
					this.killsAtOnce++;
				}
				server.kill();
				Thread.sleep(fault.length.toMillis());
				load.watchFrom(System.nanoTime());
				server.restart();
				faultEnd = System.nanoTime();
			}
			String what = (fault.partition ? "partition " : "kill ") + when;
			try {
				long firstSuccess = load.awaitSuccessAfterWatch(RECOVERY_LIMIT);
				load.awaitProgress(1, RECOVERY_LIMIT);
				long everyThread = System.nanoTime();
				(fault.partition ? this.afterHeal : this.afterRestart).add(firstSuccess - faultEnd);
				(fault.partition ? this.afterHealAll : this.afterRestartAll).add(everyThread - faultEnd);
				System.out.printf("soak: %s (%d s): first success %d ms after the %s, every thread %d ms after; "
						+ "errors so far %s%n", what, fault.length.toSeconds(), millis(firstSuccess - faultEnd),
						fault.partition ? "heal" : "restart", millis(everyThread - faultEnd), load.failureKinds());
			}
			catch (AssertionError ex) {
				this.unrecovered.add(what + ": no recovery within " + RECOVERY_LIMIT.toSeconds() + " s");
				System.out.println("soak: " + what + ": " + ex.getMessage());
			}
		}

	}

	/** Recovery times in milliseconds. */
	private static final class Recoveries {

		private final List<Double> millis = new ArrayList<>();

		void add(long nanos) {
			this.millis.add(nanos / 1e6);
		}

		String summary() {
			return this.millis.isEmpty() ? "none"
					: Stats.fmt("%.0f", Stats.median(this.millis)) + " / " + Stats.fmt("%.0f", Stats.max(this.millis))
							+ " ms (" + this.millis.size() + ")";
		}

	}

	/**
	 * Static AWS credentials and the starter's IAM provider on the soak's accelerated clock, with a test-sized refresh
	 * interval (the starter's IAM customizers, re-authentication and rejection handling stay as they are).
	 */
	@Configuration(proxyBeanMethods = false)
	static class SoakBeans {

		static volatile Clock clock = Clock.systemUTC();

		@Bean
		AwsCredentialsProvider soakAwsCredentialsProvider() {
			return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_KEY));
		}

		@Bean(destroyMethod = "close")
		ElastiCacheIamCredentialsProvider soakIamCredentialsProvider(AwsCredentialsProvider credentials) {
			return ElastiCacheIamCredentialsProvider
				.builder(new ElastiCacheIamTokenGenerator(CACHE_NAME, USER_ID, Fixtures.REGION, false, clock),
						credentials)
				.clock(clock)
				.refreshInterval(REFRESH_INTERVAL)
				.build();
		}

	}

}
