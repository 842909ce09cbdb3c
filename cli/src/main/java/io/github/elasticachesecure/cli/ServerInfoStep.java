package io.github.elasticachesecure.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.elasticachesecure.guard.AuthenticationRejectedException;
import io.github.elasticachesecure.logging.Causes;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * Asks {@code INFO server} for the engine and its version. With IAM, checks that the
 * engine supports it (Valkey 7.2+ or Redis OSS 7.0+).
 */
final class ServerInfoStep implements DoctorStep {

	@Override
	public String name() {
		return "server";
	}

	@Override
	public StepResult run(Diagnosis diagnosis) {
		StatefulRedisConnection<String, String> connection = diagnosis.connection();
		Map<String, String> info;
		try {
			info = parse(connection.sync().info("server"));
		}
		catch (RuntimeException ex) {
			if (AuthenticationRejectedException.findPermissionRefusal(ex) != null) {
				return StepResult.warn(name(), "INFO is not allowed for this user, so the version is unknown",
						"Add '+info' to the user's access string to let doctor and monitoring read the version.");
			}
			return StepResult.warn(name(), "INFO server failed: " + Causes.describe(ex),
					"Check the server's log; PING worked.");
		}
		boolean valkey = info.containsKey("valkey_version") || "valkey".equals(info.get("server_name"));
		String version = info.getOrDefault(valkey ? "valkey_version" : "redis_version",
				info.getOrDefault("redis_version", "unknown"));
		String engine = valkey ? "Valkey" : "Redis OSS";
		String mode = info.getOrDefault("redis_mode", "unknown");
		String summary = engine + " " + version + " (" + mode + " mode)";
		StepResult result = StepResult.pass(name(), summary);
		if (diagnosis.settings().iam() && !valkey && major(version) < 7) {
			result = StepResult.warn(name(), summary,
					"IAM authentication needs Valkey 7.2+ or Redis OSS 7.0+: " + "upgrade the engine.");
		}
		return result.with("engine", engine).with("version", version).with("mode", mode);
	}

	private static Map<String, String> parse(String info) {
		Map<String, String> fields = new LinkedHashMap<>();
		for (String line : info.split("\r?\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && !line.startsWith("#")) {
				fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
			}
		}
		return fields;
	}

	private static int major(String version) {
		int dot = version.indexOf('.');
		try {
			return Integer.parseInt((dot > 0) ? version.substring(0, dot) : version);
		}
		catch (NumberFormatException ex) {
			return Integer.MAX_VALUE;
		}
	}

}
