package io.github.elasticachesecure.audit;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of one check of the posture audit. Free of secrets: it names settings, ids
 * and rules, never a password or a token.
 *
 * @param id the check's stable id, such as {@code transit-encryption}
 * @param severity how much the check matters when it fails
 * @param passed whether the cache passed the check
 * @param found what the AWS APIs reported
 * @param fix how to correct it, {@code null} when the check passed
 */
public record Finding(String id, Severity severity, boolean passed, String found, @Nullable String fix) {

	/**
	 * A passed check.
	 * @param id the check's id
	 * @param severity the severity the check has when it fails
	 * @param found what was found
	 * @return the finding
	 */
	public static Finding pass(String id, Severity severity, String found) {
		return new Finding(id, severity, true, found, null);
	}

	/**
	 * A failed check.
	 * @param id the check's id
	 * @param severity how much it matters
	 * @param found what was found
	 * @param fix how to correct it
	 * @return the finding
	 */
	public static Finding fail(String id, Severity severity, String found, String fix) {
		return new Finding(id, severity, false, found, fix);
	}

	/**
	 * Whether this is a failed check of high severity, which stops a start in
	 * {@code fail} mode.
	 * @return whether it failed with {@link Severity#HIGH}
	 */
	public boolean isHighFailure() {
		return !this.passed && this.severity == Severity.HIGH;
	}

	@Override
	public String toString() {
		return "[" + (this.passed ? "pass" : this.severity.value()) + "] " + this.id + ": " + this.found
				+ ((this.fix != null) ? " Fix: " + this.fix : "");
	}

}
