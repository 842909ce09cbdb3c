package io.github.elasticachesecure.tls;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The latest session the wire check accepted for each endpoint, for reports. Bounded, so
 * that a client that connects to ever new endpoints cannot make it grow without end.
 */
public final class LiveTlsSessions {

	private static final int MAX_ENDPOINTS = 256;

	private final Map<String, LiveTlsSession> latest = new LinkedHashMap<>(16, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, LiveTlsSession> eldest) {
			return size() > MAX_ENDPOINTS;
		}

	};

	void record(LiveTlsSession session) {
		synchronized (this.latest) {
			this.latest.put(key(session.host(), session.port()), session);
		}
	}

	/**
	 * Return the latest accepted session to an endpoint.
	 * @param host the host as the client names it
	 * @param port the port
	 * @return the session, or {@code null} when no connection to it passed the wire check
	 * yet
	 */
	public @Nullable LiveTlsSession latest(String host, int port) {
		synchronized (this.latest) {
			return this.latest.get(key(host, port));
		}
	}

	private static String key(String host, int port) {
		return host.toLowerCase(Locale.ROOT) + ":" + port;
	}

}
