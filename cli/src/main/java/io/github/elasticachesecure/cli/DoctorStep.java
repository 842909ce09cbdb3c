package io.github.elasticachesecure.cli;

/**
 * One check of {@code doctor}. Steps run in order and share what they found through the
 * {@link Diagnosis}; a step that needs what an earlier step could not provide is skipped
 * ({@link Diagnosis.Missing}), so each step states its own preconditions and a new check
 * is one more implementation in {@link DoctorCommand#steps()}.
 */
interface DoctorStep {

	/**
	 * Return the step's name in the report, e.g. {@code tls}.
	 * @return the name
	 */
	String name();

	/**
	 * Run the step.
	 * @param diagnosis the settings and what earlier steps found; the step adds what it
	 * finds
	 * @return the result, free of secrets
	 * @throws Diagnosis.Missing when an earlier step did not provide what this step needs
	 */
	StepResult run(Diagnosis diagnosis);

}
