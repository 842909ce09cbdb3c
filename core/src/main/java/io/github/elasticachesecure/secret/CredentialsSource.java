package io.github.elasticachesecure.secret;

/**
 * Where a {@link RotatingCredentialsProvider} reads the current credentials: an AWS
 * Secrets Manager secret ({@link SecretsManagerSecret}), or an application's own store.
 * Called on the provider's refresh thread, at start, every refresh interval and after the
 * server rejected the credentials; it may block (briefly).
 */
@FunctionalInterface
public interface CredentialsSource {

	/**
	 * Read the current credentials.
	 * @return the credentials
	 * @throws Exception if they cannot be read; the provider keeps the last good ones and
	 * tries again with backoff. A {@link SecretReadException} names the error code shown
	 * in health details; its message, like any other, must not carry the secret.
	 */
	SecretCredentials read() throws Exception;

}
