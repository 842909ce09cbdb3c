package io.github.elasticachesecure.iam;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when no usable ElastiCache IAM token can be handed out: none was signed yet and
 * signing failed, the last one is past its usable period, or the provider is closed.
 * Messages never carry tokens or credentials.
 */
public final class IamTokenUnavailableException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param message the secret-free message
	 * @param cause the cause, if any
	 */
	IamTokenUnavailableException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
