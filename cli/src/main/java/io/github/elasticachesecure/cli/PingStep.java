package io.github.elasticachesecure.cli;

import io.github.elasticachesecure.guard.AuthenticationRejectedException;

/**
 * Sends {@code PING} over the authenticated connection: the command the starter's guard sends at startup.
 */
final class PingStep implements DoctorStep {

	@Override
	public String name() {
		return "ping";
	}

	@Override
	public StepResult run(Diagnosis diagnosis) {
		long start = System.nanoTime();
		String reply;
		try {
			reply = diagnosis.connection().sync().ping();
		}
		catch (RuntimeException ex) {
			String rejection = AuthenticationRejectedException.findServerRejection(ex);
			if (rejection != null) {
				return StepResult.fail(name(), "the server requires authentication: " + rejection,
						"Give the credentials: " + CommandEnvironment.PASSWORD_VARIABLE
								+ " (with --user for an RBAC user), or --iam with --user and --region.");
			}
			String refusal = AuthenticationRejectedException.findPermissionRefusal(ex);
			String fix = (refusal != null) ? "Add '+ping' (or '+@connection') to the user's access string."
					: "Check the server's log; the connection was open and authenticated.";
			return StepResult.fail(name(), "PING failed: " + AuthenticateStep.describe(ex), fix);
		}
		long micros = (System.nanoTime() - start) / 1_000;
		return StepResult.pass(name(), reply + " in " + (micros / 1000.0) + " ms").with("roundTripMicros", micros);
	}

}
