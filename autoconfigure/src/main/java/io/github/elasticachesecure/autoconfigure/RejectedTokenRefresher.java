package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.github.elasticachesecure.guard.AuthenticationRejectedException;
import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.lettuce.core.event.connection.ReauthenticationFailedEvent;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import io.lettuce.core.resource.ClientResources;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

import org.springframework.beans.factory.DisposableBean;

/**
 * Signs a fresh token as soon as the server rejects one on a live connection (a failed
 * re-authentication or a reconnect refused with WRONGPASS), so that the next attempt does
 * not reuse the rejected token.
 */
final class RejectedTokenRefresher implements DisposableBean {

	/**
	 * A server that keeps refusing fresh tokens (a revoked policy, a deleted user) must
	 * not turn rejections into a signing loop: every connection reports its own
	 * rejection, and each new token makes every connection try again.
	 */
	static final Duration MIN_FORCED_REFRESH_INTERVAL = Duration.ofSeconds(10);

	private static final Log logger = LogFactory.getLog(RejectedTokenRefresher.class);

	private final @Nullable Disposable subscription;

	private final AtomicLong lastForcedRefresh = new AtomicLong(
			System.nanoTime() - MIN_FORCED_REFRESH_INTERVAL.toNanos());

	RejectedTokenRefresher(@Nullable ClientResources clientResources,
			ElastiCacheIamCredentialsProvider credentialsProvider) {
		this.subscription = (clientResources != null) ? clientResources.eventBus().get().subscribe((event) -> {
			Throwable cause = (event instanceof ReconnectFailedEvent failed) ? failed.getCause()
					: (event instanceof ReauthenticationFailedEvent failed) ? failed.getCause() : null;
			if (cause != null && AuthenticationRejectedException.findServerRejection(cause) != null
					&& mayForceRefresh()) {
				logger.warn("The server rejected the IAM token; signing a fresh one");
				credentialsProvider.refreshNow();
			}
		}) : null;
	}

	private boolean mayForceRefresh() {
		long now = System.nanoTime();
		long last = this.lastForcedRefresh.get();
		return now - last >= MIN_FORCED_REFRESH_INTERVAL.toNanos() && this.lastForcedRefresh.compareAndSet(last, now);
	}

	@Override
	public void destroy() {
		if (this.subscription != null) {
			this.subscription.dispose();
		}
	}

}
