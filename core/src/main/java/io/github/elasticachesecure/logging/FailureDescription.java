package io.github.elasticachesecure.logging;

import java.util.Locale;
import java.util.Map;

import io.lettuce.core.RedisCommandExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Describes why a Redis call failed, for health reasons and log lines, without passing a
 * server's error text through: a Redis error reply may echo what the client sent (Redis
 * answers an unknown or renamed command with its first arguments, which for {@code AUTH}
 * and {@code HELLO … AUTH} are the user name and the password or IAM token). A server
 * error is named by its error code, when it is one Redis defines, and described in the
 * starter's own words; other failures (the client's, the JVM's, the network's) by their
 * type and message, which come from this side of the connection.
 */
public final class FailureDescription {

	/** Redis's error codes that a PING, a ROLE or a connection's handshake can meet. */
	private static final Map<String, String> SERVER_ERRORS = Map.ofEntries(
			Map.entry("WRONGPASS", "the user name and password or IAM token were refused, or the user is disabled"),
			Map.entry("NOAUTH", "the server requires authentication"),
			Map.entry("NOPERM", "the user may not run a command the check needs"),
			Map.entry("NOPROTO", "the server does not speak the requested protocol version"),
			Map.entry("ERR", "a command was refused (unknown, renamed or not allowed)"),
			Map.entry("LOADING", "the server is loading its data set"),
			Map.entry("BUSY", "the server is busy running a script"),
			Map.entry("READONLY", "the node is a read-only replica"),
			Map.entry("MASTERDOWN", "the replica has lost its primary"),
			Map.entry("CLUSTERDOWN", "the cluster is down"), Map.entry("TRYAGAIN", "the cluster is resharding"),
			Map.entry("MISCONF", "the server cannot persist its data"),
			Map.entry("OOM", "the server is out of memory"));

	private FailureDescription() {
	}

	/**
	 * Describe a failure.
	 * @param ex the failure
	 * @return a description that carries no text of the server's
	 */
	public static String of(Throwable ex) {
		RedisCommandExecutionException serverError = Causes.find(ex, RedisCommandExecutionException.class);
		if (serverError != null) {
			return serverError(serverError.getMessage());
		}
		Throwable root = Causes.mostSpecific(ex);
		String message = root.getMessage();
		return root.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	private static String serverError(@Nullable String message) {
		String code = (message != null) ? message.strip().split("\\s", 2)[0].toUpperCase(Locale.ROOT) : "";
		String description = SERVER_ERRORS.get(code);
		// Only a code Redis defines is shown: the first word of another reply is the
		// server's text like the rest.
		return "the server answered with an error" + ((description != null) ? " " + code + ": " + description : "")
				+ " (its text is left out: it can echo the command's arguments)";
	}

}
