package io.github.elasticachesecure.iam;

import java.time.Instant;
import java.util.Objects;

/**
 * An ElastiCache IAM authentication token: the presigned {@code connect} URL without its
 * scheme, sent as the password of {@code AUTH <userId> <token>}. The value never appears
 * in {@link #toString()}.
 */
public final class IamAuthToken {

	private final String value;

	private final Instant issuedAt;

	private final Instant usableUntil;

	/**
	 * Create a new token.
	 * @param value the token value
	 * @param issuedAt when the token was signed
	 * @param usableUntil the last instant at which the token may be handed out
	 */
	IamAuthToken(String value, Instant issuedAt, Instant usableUntil) {
		this.value = Objects.requireNonNull(value, "'value' must not be null");
		this.issuedAt = Objects.requireNonNull(issuedAt, "'issuedAt' must not be null");
		this.usableUntil = Objects.requireNonNull(usableUntil, "'usableUntil' must not be null");
	}

	/**
	 * Return the token value. A secret: do not log it.
	 * @return the token value
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Return when the token was signed (its {@code X-Amz-Date}).
	 * @return the signing time
	 */
	public Instant issuedAt() {
		return this.issuedAt;
	}

	/**
	 * Return the last instant at which the token may be handed out: the earlier of its
	 * own expiry and the expiry of the credentials that signed it, each less a safety
	 * margin.
	 * @return the end of the usable period
	 */
	public Instant usableUntil() {
		return this.usableUntil;
	}

	/**
	 * Return whether the token may still be handed out at the given instant.
	 * @param instant the instant to check
	 * @return {@code true} if {@code instant} is before {@link #usableUntil()}
	 */
	public boolean isUsableAt(Instant instant) {
		return instant.isBefore(this.usableUntil);
	}

	@Override
	public String toString() {
		return "IamAuthToken[issuedAt=" + this.issuedAt + ", usableUntil=" + this.usableUntil + ", value=<redacted>]";
	}

}
