package io.github.elasticachesecure.secret;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One version of the credentials read from a {@link CredentialsSource}: a password, an
 * optional user name and the version that identifies them. The password never appears in
 * {@link #toString()}.
 */
public final class SecretCredentials {

	private final @Nullable String username;

	private final String password;

	private final String version;

	private SecretCredentials(@Nullable String username, String password, String version) {
		this.username = username;
		this.password = password;
		this.version = version;
	}

	/**
	 * Create credentials.
	 * @param username the ACL user name, or {@code null} for the user configured for the
	 * connection (else {@code default})
	 * @param password the password or AUTH token
	 * @param version what identifies this value, such as Secrets Manager's version id;
	 * shown in health details
	 * @return the credentials
	 */
	public static SecretCredentials of(@Nullable String username, String password, String version) {
		Objects.requireNonNull(password, "'password' must not be null");
		Objects.requireNonNull(version, "'version' must not be null");
		if (password.isEmpty()) {
			throw new IllegalArgumentException("'password' must not be empty");
		}
		return new SecretCredentials((username != null && !username.isEmpty()) ? username : null, password, version);
	}

	/**
	 * Return the user name.
	 * @return the user name, or {@code null}
	 */
	public @Nullable String username() {
		return this.username;
	}

	/**
	 * Return the password.
	 * @return the password
	 */
	public String password() {
		return this.password;
	}

	/**
	 * Return the version.
	 * @return the version
	 */
	public String version() {
		return this.version;
	}

	/**
	 * Whether the other credentials authenticate the same way (same user name and
	 * password), whatever their version: a new version with the same value needs no
	 * re-authentication.
	 */
	boolean sameValue(SecretCredentials other) {
		return Objects.equals(this.username, other.username) && this.password.equals(other.password);
	}

	@Override
	public String toString() {
		return "SecretCredentials[username=" + this.username + ", password=******, version=" + this.version + "]";
	}

}
