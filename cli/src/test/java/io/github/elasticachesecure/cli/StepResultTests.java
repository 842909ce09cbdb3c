package io.github.elasticachesecure.cli;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report's second line of defence: a secret that a library message would echo is
 * redacted from every text of a result, while numbers and flags stay as they are.
 */
class StepResultTests {

	private static final String SECRET = "s3cret-value-9e1f";

	@Test
	void secretsAreRedactedFromEveryText() {
		Secrets secrets = new Secrets();
		secrets.add(SECRET);
		StepResult result = StepResult.fail("authenticate", "server said " + SECRET, "do not use " + SECRET)
			.with("reply", "ERR " + SECRET)
			.with("names", List.of("a", SECRET))
			.with("days", 12)
			.mapText(secrets::redact);
		assertThat(result.toString().contains(SECRET)).as("the secret remains in the result").isFalse();
		assertThat(result.summary()).isEqualTo("server said " + "<redacted>");
		assertThat(result.fix()).isEqualTo("do not use " + "<redacted>");
		assertThat(result.details()).containsEntry("reply", "ERR " + "<redacted>")
			.containsEntry("names", List.of("a", "<redacted>"))
			.containsEntry("days", 12);
	}

	@Test
	void reportFailsWhenAnyStepFailsAndWarnsOtherwiseOnWarnings() {
		StepResult pass = StepResult.pass("ping", "PONG");
		StepResult warn = StepResult.warn("certificate", "expires soon", "renew");
		StepResult skip = StepResult.skip("server", "needs a connection");
		assertThat(new DoctorReport("h:1", List.of(pass, skip)).verdict()).isEqualTo(Verdict.PASS);
		assertThat(new DoctorReport("h:1", List.of(pass, warn, skip)).verdict()).isEqualTo(Verdict.WARN);
		assertThat(new DoctorReport("h:1", List.of(warn, StepResult.fail("tls", "no", "fix"))).verdict())
			.isEqualTo(Verdict.FAIL);
	}

}
