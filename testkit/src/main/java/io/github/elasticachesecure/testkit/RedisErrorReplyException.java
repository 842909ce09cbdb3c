package io.github.elasticachesecure.testkit;

/**
 * Thrown when a test server answers an admin command with an error reply (for example
 * {@code ERR unknown command}); the message is the server's error text.
 */
public class RedisErrorReplyException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param serverError the error line as sent by the server, without the leading
	 * {@code -}
	 */
	public RedisErrorReplyException(String serverError) {
		super(serverError);
	}

}
