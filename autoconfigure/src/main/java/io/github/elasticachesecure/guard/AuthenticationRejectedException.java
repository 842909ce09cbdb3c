package io.github.elasticachesecure.guard;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by the {@link RedisConnectionGuard} when the server, reached securely, rejects the factory's credentials at
 * startup ({@code WRONGPASS}, {@code NOAUTH}).
 */
public class AuthenticationRejectedException extends RuntimeException {

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
