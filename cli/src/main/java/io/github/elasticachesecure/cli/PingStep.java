package io.github.elasticachesecure.cli;

import io.github.elasticachesecure.guard.AuthenticationRejectedException;
import io.github.elasticachesecure.logging.Causes;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * Sends {@code PING} over the authenticated connection: the command the starter's guard
 * sends at startup.
 */
final class PingStep implements DoctorStep {

	@Override
	public String name() {
		return "ping";
	}

	@Override
	public StepResult run(Diagnosis diagnosis) {
		StatefulRedisConnection<String, String> connection = diagnosis.connection();
		long start = System.nanoTime();
		String reply;
		try {
			reply = connection.sync().ping();
		}
		catch (RuntimeException ex) {
			String rejection = AuthenticationRejectedException.findServerRejection(ex);
			if (rejection != null) {
				return StepResult.fail(name(), "the server requires authentication: " + rejection,
						AuthenticateStep.NO_CREDENTIALS_FIX);
			}
			String refusal = AuthenticationRejectedException.findPermissionRefusal(ex);
			String fix = (refusal != null) ? "Add '+ping' (or '+@connection') to the user's access string."
					: "Check the server's log; the connection was open and authenticated.";
			return StepResult.fail(name(), "PING failed: " + Causes.describe(ex), fix);
		}
		long micros = (System.nanoTime() - start) / 1_000;
		return StepResult.pass(name(), reply + " in " + (micros / 1000.0) + " ms").with("roundTripMicros", micros);
	}

}
