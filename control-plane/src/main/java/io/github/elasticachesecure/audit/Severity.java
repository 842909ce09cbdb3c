package io.github.elasticachesecure.audit;

import java.util.Locale;

/**
 * How much a failed check matters.
 */
public enum Severity {

	/**
	 * The cache can be reached or read without the protection the application relies on;
	 * stops a start with {@code elasticache.secure.audit.mode=fail}.
	 */
	HIGH,

	/**
	 * Weaker than recommended, or a check that could not run (a missing permission,
	 * throttling, a timeout).
	 */
	WARNING,

	/**
	 * For information: resilience settings such as automatic failover, Multi-AZ and
	 * backups.
	 */
	INFO;

	/**
	 * Return the severity as shown in reports.
	 * @return {@code high}, {@code warning} or {@code info}
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
