package io.github.elasticachesecure.cache;

import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What an error reply to a command means on ElastiCache, and what to do instead: a
 * command ElastiCache refuses ({@code ERR unknown command 'KEYS'}), keys of one command
 * in several hash slots ({@code CROSSSLOT}), a command or key the user's access string
 * does not allow ({@code NOPERM}), a database other than 0. Built from the command's name
 * and the reply's first word only: the rest of a reply may echo the command's arguments,
 * keys and values, which may be secrets, and is never used. The lists behind it are in
 * {@code docs/elasticache-commands.md}.
 */
public final class RefusedCommands {

	private static final String DOCS = " (commands ElastiCache refuses: docs/elasticache-commands.md)";

	private static final String SNAPSHOTS = "ElastiCache takes backups itself: use its snapshots "
			+ "(CreateSnapshot, automatic backups) instead.";

	private static final String MANAGED = "ElastiCache manages its nodes: reboot a node or test a failover "
			+ "through its API (RebootCacheCluster, TestFailover) instead.";

	private static final String REPLICATION = "ElastiCache manages replication and slots: change replicas, "
			+ "shards and failovers through its API (ModifyReplicationGroup, TestFailover) instead.";

	private static final String CLOUDWATCH = "ElastiCache Serverless does not offer it: use the cache's "
			+ "CloudWatch metrics (and, on a node-based cache, slow log delivery) instead.";

	private static final String DATABASE_ZERO = "ElastiCache Serverless and cluster-mode caches have database 0 "
			+ "only: keep every key in database 0 (prefix key names to separate them, and leave "
			+ "spring.data.redis.database at 0).";

	private static final Map<String, String> ADVICE = Map.ofEntries(
			Map.entry("CONFIG", "ElastiCache does not allow CONFIG: settings live in the cache's parameter group "
					+ "(ModifyCacheParameterGroup), notify-keyspace-events among them. Turn off code that configures "
					+ "the server (Spring Session: spring.session.data.redis.configure-action=none; Spring Data "
					+ "repositories: keyspaceNotificationsConfigParameter = \"\") and set the parameter group."),
			Map.entry("KEYS",
					"ElastiCache Serverless does not offer KEYS (and on a node it blocks the server while "
							+ "it walks every key): iterate with SCAN, MATCH and COUNT instead."),
			Map.entry("PSUBSCRIBE", "ElastiCache Serverless does not offer pattern subscriptions, nor keyspace "
					+ "notifications: subscribe to named channels (SUBSCRIBE, SSUBSCRIBE), or use a node-based cache "
					+ "for keyspace events (Spring Session's indexed repository, repositories' keyspace events)."),
			Map.entry("PUNSUBSCRIBE",
					"ElastiCache Serverless does not offer pattern subscriptions: use SUBSCRIBE "
							+ "and UNSUBSCRIBE with named channels."),
			Map.entry("WAIT", "ElastiCache Serverless does not offer WAIT: its replication cannot be waited for."),
			Map.entry("FUNCTION", "ElastiCache Serverless does not offer functions: use scripts (EVAL, EVALSHA)."),
			Map.entry("FCALL", "ElastiCache Serverless does not offer functions: use scripts (EVAL, EVALSHA)."),
			Map.entry("FCALL_RO", "ElastiCache Serverless does not offer functions: use scripts (EVAL_RO)."),
			Map.entry("ACL",
					"ElastiCache manages users and passwords through its API (CreateUser, ModifyUser, "
							+ "user groups), not with ACL SETUSER, DELUSER, LOAD or SAVE."),
			Map.entry("CLIENT",
					"ElastiCache Serverless refuses CLIENT LIST, KILL, ID, INFO, PAUSE, TRACKING and "
							+ "the like; CLIENT SETNAME and GETNAME stay available."),
			Map.entry("SAVE", SNAPSHOTS), Map.entry("BGSAVE", SNAPSHOTS), Map.entry("BGREWRITEAOF", SNAPSHOTS),
			Map.entry("LASTSAVE", SNAPSHOTS), Map.entry("DEBUG", MANAGED), Map.entry("SHUTDOWN", MANAGED),
			Map.entry("REPLICAOF", REPLICATION), Map.entry("SLAVEOF", REPLICATION), Map.entry("SYNC", REPLICATION),
			Map.entry("PSYNC", REPLICATION), Map.entry("CLUSTER", REPLICATION),
			Map.entry("MIGRATE",
					"ElastiCache does not allow MIGRATE: copy keys with DUMP and RESTORE, or reshard "
							+ "through its API."),
			Map.entry("MONITOR", CLOUDWATCH), Map.entry("SLOWLOG", CLOUDWATCH), Map.entry("LATENCY", CLOUDWATCH),
			Map.entry("MEMORY", CLOUDWATCH), Map.entry("OBJECT", CLOUDWATCH), Map.entry("COMMANDLOG", CLOUDWATCH),
			Map.entry("MOVE", DATABASE_ZERO), Map.entry("SWAPDB", DATABASE_ZERO), Map.entry("SELECT", DATABASE_ZERO));

	private static final int MAX_NAME_LENGTH = 40;

	private RefusedCommands() {
	}

	/**
	 * Explains an error reply, or returns {@code null} when it is not one of the replies
	 * ElastiCache's restrictions give.
	 * @param command the command's name as the client sent it ({@code KEYS},
	 * {@code CONFIG}); a name that does not look like one is not repeated
	 * @param reply the error reply; only its first words are read
	 * @return one paragraph to log: what was refused, why on ElastiCache, what to do
	 * instead; never the reply's text
	 */
	public static @Nullable String explain(String command, @Nullable String reply) {
		if (reply == null) {
			return null;
		}
		String name = commandName(command);
		if (reply.startsWith("CROSSSLOT")) {
			return "Command " + name + " was refused with CROSSSLOT: its keys hash to different slots. ElastiCache "
					+ "in cluster mode and ElastiCache Serverless need the keys of one command, transaction "
					+ "(MULTI/EXEC, WATCH) or script in one hash slot: give them a common hash tag, the part of the "
					+ "name in braces ({order:42}:items, {order:42}:total), or send one command per key.";
		}
		if (reply.startsWith("NOPERM")) {
			return "Command " + name + " was refused with NOPERM: the ElastiCache user's access string does not "
					+ "allow it (or one of its keys or channels). "
					+ ADVICE.getOrDefault(name,
							"Change the user's access string (ModifyUser) or the user group if the command is needed.")
					+ DOCS;
		}
		if (reply.startsWith("ERR unknown command") || reply.startsWith("ERR unknown subcommand")) {
			return "Command " + name + " was refused as unknown. " + ADVICE.getOrDefault(name,
					"ElastiCache restricts some commands, and an older engine lacks newer ones: check the cache's "
							+ "engine version.")
					+ DOCS;
		}
		if ("SELECT".equals(name) && reply.startsWith("ERR")) {
			return "Command SELECT was refused. " + DATABASE_ZERO;
		}
		return null;
	}

	/**
	 * The kind of reply, for logging each kind once per command: its first word.
	 * @param reply the error reply
	 * @return {@code CROSSSLOT}, {@code NOPERM} or {@code ERR}
	 */
	public static String kind(String reply) {
		int space = reply.indexOf(' ');
		String first = (space > 0) ? reply.substring(0, space) : reply;
		return ("CROSSSLOT".equals(first) || "NOPERM".equals(first)) ? first : "ERR";
	}

	/** The name in upper case, or {@code ?} when it does not look like a command name. */
	static String commandName(String command) {
		String name = command.trim().toUpperCase(Locale.ROOT);
		if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
			return "?";
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '|' || c == '.')) {
				return "?";
			}
		}
		return name;
	}

}
