package io.github.elasticachesecure.guard;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by the {@link RedisConnectionGuard} when the server accepted the factory's
 * credentials but refuses ({@code NOPERM}) a command that the client itself sends to open
 * its connections, so that the factory cannot connect at all: {@code ROLE} for a primary
 * with a reader endpoint (Lettuce asks each node for its role), {@code SELECT} for a
 * database, {@code CLIENT} for a client name, {@code CLUSTER} in cluster mode.
 */
public class MissingPermissionException extends RuntimeException {

	// Redis and Valkey name the refused command in single quotes: "NOPERM User app has no
	// permissions to run the 'role' command" (7.2+), "NOPERM this user has no permissions
	// to run the 'role' command" (7.0).
	private static final Pattern REFUSED_COMMAND = Pattern.compile("to run the '([^']+)' command");

	private final String beanName;

	private final @Nullable String username;

	private final String command;

	/**
	 * Create an exception.
	 * @param beanName the name of the connection factory bean
	 * @param username the user the factory authenticates as ({@code null} for the default
	 * user)
	 * @param command the refused command, as the server names it
	 * @param serverReply the server's {@code NOPERM} reply, which names no credential
	 */
	public MissingPermissionException(String beanName, @Nullable String username, String command, String serverReply) {
		super("RedisConnectionFactory '" + beanName + "': user '" + ((username != null) ? username : "default")
				+ "' may not run '" + command + "', which the client sends to open its connections, so it cannot "
				+ "connect: " + serverReply);
		this.beanName = beanName;
		this.username = username;
		this.command = command;
	}

	/**
	 * The exception for a {@code NOPERM} reply to the startup check, when the refused
	 * command is one the client sent to connect: the check itself sends only
	 * {@code PING}.
	 * @param beanName the name of the connection factory bean
	 * @param username the user the factory authenticates as ({@code null} for the default
	 * user)
	 * @param permissionRefusal the server's reply, as
	 * {@link AuthenticationRejectedException#findPermissionRefusal} found it
	 * @return the exception, or {@code null} when the refused command is the PING, or the
	 * reply is about keys or channels rather than a command
	 */
	static @Nullable MissingPermissionException ofConnectCommand(String beanName, @Nullable String username,
			String permissionRefusal) {
		String command = refusedCommand(permissionRefusal);
		return (command != null && !command.equals("ping"))
				? new MissingPermissionException(beanName, username, command, permissionRefusal) : null;
	}

	/**
	 * The command a {@code NOPERM} reply says was refused.
	 * @param permissionRefusal the server's reply
	 * @return the command in lower case (a subcommand as {@code client|setname}), or
	 * {@code null} when the reply is about keys or channels rather than a command
	 */
	static @Nullable String refusedCommand(String permissionRefusal) {
		Matcher matcher = REFUSED_COMMAND.matcher(permissionRefusal);
		return matcher.find() ? matcher.group(1).toLowerCase(Locale.ROOT) : null;
	}

	/**
	 * Return the name of the connection factory bean.
	 * @return the bean name
	 */
	public String getBeanName() {
		return this.beanName;
	}

	/**
	 * Return the user the factory authenticates as.
	 * @return the user name, or {@code null} for the default user
	 */
	public @Nullable String getUsername() {
		return this.username;
	}

	/**
	 * Return the refused command.
	 * @return the command in lower case, as the server names it
	 */
	public String getCommand() {
		return this.command;
	}

}
