package io.github.elasticachesecure.iam;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Credentials source with a fresh access key per call (so every token differs), optional
 * failure, expiry and gate.
 */
final class TestCredentials implements AwsCredentialsProvider {

	// AWS documentation example secret, not a real credential.
	static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

	static final String OUTAGE = "simulated STS outage";

	final AtomicInteger calls = new AtomicInteger();

	final AtomicBoolean failing = new AtomicBoolean();

	final AtomicReference<@Nullable Instant> expiry = new AtomicReference<>();

	final AtomicReference<@Nullable CountDownLatch> gate = new AtomicReference<>();

	final AtomicReference<@Nullable Thread> lastThread = new AtomicReference<>();

	@Override
	public AwsCredentials resolveCredentials() {
		int call = this.calls.incrementAndGet();
		this.lastThread.set(Thread.currentThread());
		CountDownLatch latch = this.gate.get();
		if (latch != null) {
			try {
				// A safety net only: tests open the gate themselves.
				latch.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		if (this.failing.get()) {
			throw new IllegalStateException(OUTAGE);
		}
		return AwsSessionCredentials.builder()
			.accessKeyId(String.format("AKIAEXAMPLE%08d", call))
			.secretAccessKey(SECRET_KEY)
			.sessionToken("session-" + call)
			.expirationTime(this.expiry.get())
			.build();
	}

	/**
	 * A generator for user {@code app-user} on cache {@code my-cache} that signs with the
	 * given clock.
	 */
	static ElastiCacheIamTokenGenerator generator(Clock clock) {
		return new ElastiCacheIamTokenGenerator("my-cache", "app-user", "us-east-1", false, clock);
	}

}
