package io.github.elasticachesecure.audit;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link PostureAuditException} says about a report with failing checks of high
 * severity.
 */
class PostureAuditExceptionTests {

	@Test
	void theMessageNamesEveryHighFailure() {
		Finding vpc = Finding.fail("vpc", Severity.HIGH, "Not in a VPC.", "Move it.");
		Finding transit = Finding.fail("transit-encryption", Severity.HIGH, "Disabled.", "Enable it.");
		Finding backups = Finding.fail("backups", Severity.INFO, "Off.", "Turn them on.");
		PostureReport report = new PostureReport("orders", "us-east-1", Instant.parse("2026-12-07T10:00:00Z"),
				List.of(vpc, backups, transit));
		PostureAuditException ex = new PostureAuditException(report);
		assertThat(ex).hasMessage("The posture audit of ElastiCache cache 'orders' in us-east-1 found 2 check(s) of "
				+ "high severity failing: vpc (Not in a VPC.); transit-encryption (Disabled.)");
		assertThat(ex.getReport()).isSameAs(report);
		assertThat(ex.getHighFailures()).containsExactly(vpc, transit);
	}

}
