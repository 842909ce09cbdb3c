package io.github.elasticachesecure.cli;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The secrets a doctor run handles (the password, the IAM token, the AWS secret key and
 * session token), so that every text of the report can be cleared of them before it is
 * printed. The steps never put a secret in a result; this is the second line, for a
 * library message that would echo one.
 */
final class Secrets {

	static final String REDACTED = "<redacted>";

	private final Set<String> values = new CopyOnWriteArraySet<>();

	void add(CharSequence secret) {
		if (!secret.isEmpty()) {
			this.values.add(secret.toString());
		}
	}

	String redact(String text) {
		String redacted = text;
		for (String secret : this.values) {
			redacted = redacted.replace(secret, REDACTED);
		}
		return redacted;
	}

}
