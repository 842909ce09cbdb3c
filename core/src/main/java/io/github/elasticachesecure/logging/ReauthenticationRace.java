package io.github.elasticachesecure.logging;

import java.nio.channels.ClosedChannelException;

import io.lettuce.core.RedisException;
import org.jspecify.annotations.Nullable;

/**
 * Tells a re-authentication that failed only because its connection was being closed from
 * one the server refused or that failed on a live connection. A new token is pushed into
 * every connection, and one that is closing at that moment (a pool evicting it, the
 * application closing it) cannot take its {@code AUTH} any more: Lettuce fails it with
 * {@code RedisException: Connection is closed} (the write was refused) or
 * {@code Connection closed} (the reply was cut off by the close). Nothing is lost: the
 * connection is going away.
 */
public final class ReauthenticationRace {

	private ReauthenticationRace() {
	}

	/**
	 * Return whether a re-authentication failure only met a connection that was being
	 * closed.
	 * @param failure the failure of the re-authentication, as Lettuce reports it
	 * @return {@code true} for the race with a closing connection, {@code false} for a
	 * real failure
	 */
	public static boolean isClosingConnection(@Nullable Throwable failure) {
		if (failure instanceof ClosedChannelException) {
			return true;
		}
		// Lettuce's own messages for a command on a closed or closing connection;
		// subtypes are replies or timeouts.
		return failure != null && failure.getClass() == RedisException.class
				&& ("Connection is closed".equals(failure.getMessage())
						|| "Connection closed".equals(failure.getMessage()));
	}

}
