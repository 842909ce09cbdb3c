package io.github.elasticachesecure.autoconfigure.guard;

import io.github.elasticachesecure.guard.MissingPermissionException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link MissingPermissionException}: the command to grant, and why the client
 * needs it.
 */
class MissingPermissionFailureAnalyzer extends AbstractFailureAnalyzer<MissingPermissionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingPermissionException cause) {
		String command = cause.getCommand();
		String grant = "+" + command;
		String why = switch (command.split("\\|")[0]) {
			case "role" -> " With 'elasticache.secure.reader-endpoint' the client asks each endpoint for its ROLE "
					+ "to tell the primary from the replica.";
			case "select" -> " The client selects 'spring.data.redis.database'; leave it at 0 to send no SELECT.";
			case "client" -> " The client names its connections with 'spring.data.redis.client-name'; remove it "
					+ "to send no CLIENT SETNAME.";
			case "cluster" -> " A cluster-mode client reads the topology with CLUSTER commands.";
			default -> "";
		};
		return new FailureAnalysis(cause.getMessage() + ".",
				"Grant the user '" + ((cause.getUsername() != null) ? cause.getUsername() : "default") + "' the "
						+ "command: add '" + grant + "' to its access string (ElastiCache: modify the user; "
						+ "self-managed: ACL SETUSER)." + why,
				cause);
	}

}
