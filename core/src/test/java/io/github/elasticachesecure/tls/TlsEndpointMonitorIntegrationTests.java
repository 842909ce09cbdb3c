package io.github.elasticachesecure.tls;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import io.github.elasticachesecure.testkit.MutableClock;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.Threads;
import io.github.elasticachesecure.testsupport.TlsHandshakeServer;
import io.github.elasticachesecure.tls.TlsEndpointMonitor.Observation;
import io.lettuce.core.SslVerifyMode;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@link TlsEndpointMonitor} against a loopback TLS server, with a clock moved
 * by hand.
 */
class TlsEndpointMonitorIntegrationTests {

	private static final String PROBE_THREAD = "elasticache-tls-probe";

	private static final Duration RECHECK = Duration.ofMinutes(10);

	private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

	private final MutableClock clock = new MutableClock(START);

	private final TlsEndpointProbe probe = new TlsEndpointProbe(Duration.ofSeconds(5));

	private final CountDownLatch release = new CountDownLatch(1);

	private final AtomicInteger contextRequests = new AtomicInteger();

	@AfterEach
	void endProbes() throws InterruptedException {
		this.release.countDown();
		Threads.awaitNoneNamed(PROBE_THREAD);
	}

	@Test
	void probeNowRecordsTheResultAndTheTimeOfTheProbe() {
		try (TlsHandshakeServer server = TlsHandshakeServer.start(TestPki.get().localhost())) {
			TlsEndpointMonitor monitor = monitor(server.port(), trustedContext(), SslVerifyMode.FULL, () -> null);
			this.clock.advance(Duration.ofSeconds(7));
			Observation observation = monitor.probeNow();
			assertThat(observation.probedAt()).isEqualTo(START.plusSeconds(7));
			assertThat(observation.result().outcome()).isEqualTo(TlsProbeOutcome.SECURE);
			assertThat(observation.result().endpoint()).isEqualTo("localhost:" + server.port());
			assertThat(observation.result().certificate().subject()).isEqualTo(TestPki.get().localhost().subject());
			assertThat(server.acceptedConnections()).isEqualTo(1);
			// The latest own probe is what readers get, not the earlier observation.
			assertThat(monitor.current()).isSameAs(observation);
		}
	}

	@Test
	void probeUsesTheClientsVerificationMode() {
		try (TlsHandshakeServer server = TlsHandshakeServer.start(TestPki.get().wrongHost())) {
			assertThat(monitor(server.port(), trustedContext(), SslVerifyMode.FULL, () -> null).probeNow()
				.result()
				.outcome()).isEqualTo(TlsProbeOutcome.HOST_NAME_MISMATCH);
			assertThat(monitor(server.port(), trustedContext(), SslVerifyMode.CA, () -> null).probeNow()
				.result()
				.outcome()).isEqualTo(TlsProbeOutcome.SECURE);
		}
	}

	@Test
	void withoutAnyResultTheFirstReadStartsABackgroundProbe() {
		try (TlsHandshakeServer server = TlsHandshakeServer.start(TestPki.get().localhost())) {
			TlsEndpointMonitor monitor = monitor(server.port(), trustedContext(), SslVerifyMode.FULL, () -> null);
			assertThat(monitor.current()).isNull();
			Observation observation = await().atMost(Duration.ofSeconds(30)).until(monitor::current, (o) -> o != null);
			assertThat(observation.result().isSecure()).isTrue();
			assertThat(observation.probedAt()).isEqualTo(START);
			assertThat(server.acceptedConnections()).isEqualTo(1);
		}
	}

	@Test
	void earlierObservationIsServedUntilTheRecheckInterval() {
		Observation earlier = new Observation(secure(), START);
		TlsEndpointMonitor monitor = monitor(1, blockingContext(), SslVerifyMode.FULL, () -> earlier);
		this.clock.advance(RECHECK.minusNanos(1));
		assertThat(monitor.current()).isSameAs(earlier);
		assertThat(Threads.aliveNamed(PROBE_THREAD)).isEmpty();
		assertThat(this.contextRequests).hasValue(0);
		this.clock.advance(Duration.ofNanos(1));
		assertThat(monitor.current()).isSameAs(earlier);
		assertThat(Threads.aliveNamed(PROBE_THREAD)).singleElement()
			.satisfies((thread) -> assertThat(thread.isDaemon()).isTrue());
	}

	@Test
	void failedObservationIsProbedAgainAfterTheRetryInterval() {
		Observation earlier = new Observation(notTls(), START);
		TlsEndpointMonitor monitor = monitor(1, blockingContext(), SslVerifyMode.FULL, () -> earlier);
		// Documented: a failed probe is repeated after 30 s.
		this.clock.advance(Duration.ofSeconds(30).minusNanos(1));
		assertThat(monitor.current()).isSameAs(earlier);
		assertThat(Threads.aliveNamed(PROBE_THREAD)).isEmpty();
		this.clock.advance(Duration.ofNanos(1));
		assertThat(monitor.current()).isSameAs(earlier);
		assertThat(Threads.aliveNamed(PROBE_THREAD)).hasSize(1);
	}

	@Test
	void atMostOneProbeRunsAtATime() {
		TlsEndpointMonitor monitor = monitor(1, blockingContext(), SslVerifyMode.FULL, () -> null);
		monitor.current();
		monitor.current();
		monitor.current();
		await().atMost(Duration.ofSeconds(30)).until(() -> this.contextRequests.get() == 1);
		assertThat(Threads.aliveNamed(PROBE_THREAD)).hasSize(1);
	}

	@Test
	void aProbeThatThrowsAllowsTheNextOne() throws InterruptedException {
		AtomicInteger attempts = new AtomicInteger();
		TlsEndpointMonitor monitor = monitor(1, () -> {
			attempts.incrementAndGet();
			throw new IllegalStateException("No TLS context");
		}, SslVerifyMode.FULL, () -> null);
		assertThat(monitor.current()).isNull();
		await().atMost(Duration.ofSeconds(30)).until(() -> attempts.get() == 1);
		Threads.awaitNoneNamed(PROBE_THREAD);
		assertThat(monitor.current()).isNull();
		await().atMost(Duration.ofSeconds(30)).until(() -> attempts.get() == 2);
	}

	private TlsEndpointMonitor monitor(int port, Supplier<SSLContext> context, SslVerifyMode verifyMode,
			Supplier<@Nullable Observation> earlier) {
		return new TlsEndpointMonitor("localhost", port, this.probe, context, verifyMode, RECHECK, earlier, this.clock,
				() -> null);
	}

	private Supplier<SSLContext> trustedContext() {
		return () -> TestPki.get().trustedCa().sslContext();
	}

	/**
	 * A context supplier that holds the probe thread until the test ends, so that a
	 * started probe stays visible.
	 */
	private Supplier<SSLContext> blockingContext() {
		AtomicReference<SSLContext> context = new AtomicReference<>(TestPki.get().trustedCa().sslContext());
		return () -> {
			this.contextRequests.incrementAndGet();
			try {
				this.release.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return context.get();
		};
	}

	private static TlsProbeResult secure() {
		return new TlsProbeResult("localhost", 1, TlsProbeOutcome.SECURE, "TLS handshake completed", "TLSv1.3",
				"TLS_AES_128_GCM_SHA256", null);
	}

	private static TlsProbeResult notTls() {
		return new TlsProbeResult("localhost", 1, TlsProbeOutcome.NOT_TLS, "not TLS", null, null, null);
	}

}
