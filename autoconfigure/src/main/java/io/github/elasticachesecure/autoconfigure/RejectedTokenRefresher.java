package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.github.elasticachesecure.guard.AuthenticationRejectedException;
import io.lettuce.core.event.connection.ReauthenticationFailedEvent;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import io.lettuce.core.resource.ClientResources;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

import org.springframework.beans.factory.DisposableBean;

/**
 * Renews streamed credentials as soon as the server rejects them on a live connection (a
 * failed re-authentication or a reconnect refused with WRONGPASS): signs a fresh IAM
 * token, or reads the password's secret again (a rotation without overlap), so that the
 * next attempt does not reuse the rejected credentials. The renewal is the provider's own
 * single-flight refresh, shared by every connection that reports the rejection.
 */
final class RejectedTokenRefresher implements DisposableBean {

	/**
	 * A server that keeps refusing fresh credentials (a revoked policy, a deleted user)
	 * must not turn rejections into a signing or reading loop: every connection reports
	 * its own rejection, and each new value makes every connection try again.
	 */
	static final Duration MIN_FORCED_REFRESH_INTERVAL = Duration.ofSeconds(10);

	private static final Log logger = LogFactory.getLog(RejectedTokenRefresher.class);

	private final @Nullable Disposable subscription;

	private final AtomicLong lastForcedRefresh = new AtomicLong(
			System.nanoTime() - MIN_FORCED_REFRESH_INTERVAL.toNanos());

	/**
	 * Listen for rejections.
	 * @param clientResources the event bus's resources, or {@code null} for none
	 * @param refresh renews the credentials (the provider's single-flight refresh)
	 * @param warning the line logged when the credentials are renewed, free of secrets
	 */
	RejectedTokenRefresher(@Nullable ClientResources clientResources, Runnable refresh, String warning) {
		this.subscription = (clientResources != null) ? clientResources.eventBus().get().subscribe((event) -> {
			Throwable cause = (event instanceof ReconnectFailedEvent failed) ? failed.getCause()
					: (event instanceof ReauthenticationFailedEvent failed) ? failed.getCause() : null;
			if (cause != null && AuthenticationRejectedException.findServerRejection(cause) != null
					&& mayForceRefresh()) {
				logger.warn(warning);
				refresh.run();
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
