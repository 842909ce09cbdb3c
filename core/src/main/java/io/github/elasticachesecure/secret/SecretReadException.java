package io.github.elasticachesecure.secret;

import org.jspecify.annotations.Nullable;

/**
 * The credentials could not be read from their source: Secrets Manager refused or failed
 * the call, or the secret's value has no usable password. Names the source and an error
 * code (AWS's, such as {@code AccessDeniedException}); never carries the secret's value.
 */
public final class SecretReadException extends RuntimeException {

	private final String source;

	private final String errorCode;

	/**
	 * Create an exception.
	 * @param source what was read, such as the secret id
	 * @param errorCode AWS's error code, or another short code of the failure
	 * @param detail what went wrong, free of the secret's value
	 * @param cause the cause, or {@code null}
	 */
	public SecretReadException(String source, String errorCode, String detail, @Nullable Throwable cause) {
		super("The secret '" + source + "' could not be read: " + errorCode + ": " + detail, cause);
		this.source = source;
		this.errorCode = errorCode;
	}

	/**
	 * Return what was read.
	 * @return the source, such as the secret id
	 */
	public String getSource() {
		return this.source;
	}

	/**
	 * Return the error code.
	 * @return AWS's error code, or another short code of the failure
	 */
	public String getErrorCode() {
		return this.errorCode;
	}

}
