package io.github.elasticachesecure.cli;

/**
 * The verdict of one doctor step.
 */
enum Verdict {

	/**
	 * The step found what a secure connection needs.
	 */
	PASS,

	/**
	 * The step works but found something to look at; the command still succeeds.
	 */
	WARN,

	/**
	 * The step found what stops a secure connection; the command exits with status 1.
	 */
	FAIL,

	/**
	 * The step did not run, because an earlier step did not provide what it needs.
	 */
	SKIP

}
