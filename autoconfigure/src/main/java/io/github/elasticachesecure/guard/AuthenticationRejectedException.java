package io.github.elasticachesecure.guard;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Stream;

import io.github.elasticachesecure.cache.AuthMode;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by the {@link RedisConnectionGuard} when the server, reached securely, rejects
 * the factory's credentials at startup ({@code WRONGPASS}, {@code NOAUTH}). A permission
 * error ({@code NOPERM}) is not a rejection of the credentials.
 */
public class AuthenticationRejectedException extends RuntimeException {

	// Authentication failures only, as Redis 7 / Valkey reply (WRONGPASS, NOAUTH) and
	// Redis before 6 ("ERR invalid password", "ERR Client sent AUTH, but no password is
	// set"); a password for a server that has none (Redis 6+).
	private static final String[] REJECTIONS = { "WRONGPASS", "NOAUTH", "ERR invalid password",
			"ERR Client sent AUTH, but no password is set",
			"ERR AUTH <password> called without any password configured" };

	// The credentials were accepted, but the user may not run the command (an ACL without
	// it).
	private static final String[] PERMISSION_REFUSALS = { "NOPERM" };

	private final String beanName;

	private final @Nullable String username;

	private final AuthMode authMode;

	/**
	 * Create an exception.
	 * @param beanName the name of the connection factory bean
	 * @param username the user the factory authenticates as ({@code null} for the default
	 * user)
	 * @param authMode how the factory authenticates, which decides what the user should
	 * check
	 * @param serverReply the server's error reply, which names no credential
	 */
	public AuthenticationRejectedException(String beanName, @Nullable String username, AuthMode authMode,
			String serverReply) {
		super("RedisConnectionFactory '" + beanName + "': the server rejected the credentials of user '"
				+ ((username != null) ? username : "default") + "': " + serverReply);
		this.beanName = beanName;
		this.username = username;
		this.authMode = authMode;
	}

	/**
	 * Find the server's authentication error in a failure's cause chain, as Lettuce
	 * reports it.
	 * @param failure a failure of a connect, a command or a re-authentication
	 * @return the server's error reply ({@code WRONGPASS …}, {@code NOAUTH …},
	 * {@code ERR invalid password} …), or {@code null} when the failure is of another
	 * kind, including a permission error ({@code NOPERM})
	 */
	public static @Nullable String findServerRejection(Throwable failure) {
		return findReply(failure, REJECTIONS);
	}

	/**
	 * Find the server's permission error in a failure's cause chain: the user
	 * authenticated but may not run a command.
	 * @param failure a failure of a connect or a command
	 * @return the server's error reply ({@code NOPERM …}, naming the command), or
	 * {@code null}
	 */
	public static @Nullable String findPermissionRefusal(Throwable failure) {
		return findReply(failure, PERMISSION_REFUSALS);
	}

	/**
	 * The first of the errors found in a message of the cause chain. Every message is
	 * searched, not only the root cause's ({@code NestedExceptionUtils} finds that one
	 * only): Lettuce copies a reply into exceptions whose cause is another
	 * ({@code RedisConnectionException.create}, {@code Exceptions.bubble}).
	 */
	private static @Nullable String findReply(Throwable failure, String[] errors) {
		return Stream.iterate(failure, Objects::nonNull, Throwable::getCause)
			.map(Throwable::getMessage)
			.filter(Objects::nonNull)
			.flatMap((message) -> Arrays.stream(errors)
				.filter(message::contains)
				.map((error) -> message.substring(message.indexOf(error))))
			.findFirst()
			.orElse(null);
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
	 * Return how the factory authenticates.
	 * @return the authentication mode
	 */
	public AuthMode getAuthMode() {
		return this.authMode;
	}

}
