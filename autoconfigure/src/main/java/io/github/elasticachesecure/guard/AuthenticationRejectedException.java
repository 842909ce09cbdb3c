package io.github.elasticachesecure.guard;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by the {@link RedisConnectionGuard} when the server, reached securely, rejects the factory's credentials at
 * startup ({@code WRONGPASS}, {@code NOAUTH}).
 */
public class AuthenticationRejectedException extends RuntimeException {

	private static final String[] REJECTIONS = { "WRONGPASS", "NOAUTH", "NOPERM" };

	private final String beanName;

	private final @Nullable String username;

	/**
	 * Create an exception.
	 * @param beanName the name of the connection factory bean
	 * @param username the user the factory authenticates as ({@code null} for the default user)
	 * @param serverReply the server's error reply, which names no credential
	 */
	public AuthenticationRejectedException(String beanName, @Nullable String username, String serverReply) {
		super("RedisConnectionFactory '" + beanName + "': the server rejected the credentials of user '"
				+ ((username != null) ? username : "default") + "': " + serverReply);
		this.beanName = beanName;
		this.username = username;
	}

	/**
	 * Find the server's authentication error in a failure's cause chain, as Lettuce reports it.
	 * @param failure a failure of a connect, a command or a re-authentication
	 * @return the server's error reply ({@code WRONGPASS …}, {@code NOAUTH …}, {@code NOPERM …}), or {@code null}
	 * when the failure is of another kind
	 */
	public static @Nullable String findServerRejection(Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			String message = current.getMessage();
			if (message != null) {
				for (String error : REJECTIONS) {
					int index = message.indexOf(error);
					if (index >= 0) {
						return message.substring(index);
					}
				}
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return null;
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

}
