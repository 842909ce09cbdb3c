package io.github.elasticachesecure.testkit;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The commands ElastiCache refuses, as a {@code redis-server} started by the kit refuses
 * them ({@link RedisServerProcess.Builder#elastiCacheRestrictions(Flavour)},
 * {@link LocalElastiCache#elastiCacheRestrictions(Flavour)}). The lists are AWS's
 * ("Restricted commands" and "Supported and restricted Valkey, Memcached, and Redis OSS
 * commands" in the ElastiCache user guide); {@code docs/elasticache-commands.md} holds
 * them with their sources and says how close each refusal comes to ElastiCache's.
 * <ul>
 * <li>A refused command is renamed in the server's configuration
 * ({@code rename-command NAME <random name>}): an application sending it gets the
 * server's own {@code ERR unknown command 'name', with args beginning with: ...}, the
 * reply ElastiCache gives. Only the kit knows the new name, so its admin helpers
 * ({@link RedisServerProcess#command(String...)}, {@code CONFIG SET} and failovers of the
 * kit's tests) still work.</li>
 * <li>A refused subcommand ({@code ACL SETUSER}, {@code CLIENT LIST}, ...) cannot be
 * renamed on its own: the kit's ACL users are denied it instead ({@code -acl|setuser}),
 * so the application gets {@code NOPERM this user has no permissions to run the
 * 'acl|setuser' command} (ElastiCache's reply for these is not documented).</li>
 * <li>{@code SYNC} and {@code PSYNC} stay: the kit's replicas need them.</li>
 * </ul>
 */
public final class ElastiCacheRestrictions {

	/** Which kind of ElastiCache cache to imitate. */
	public enum Flavour {

		/**
		 * A node-based cache (cluster mode disabled or enabled): no {@code CONFIG},
		 * {@code DEBUG}, {@code SAVE}, {@code REPLICAOF}, ..., no user management with
		 * {@code ACL SETUSER}, no slot management.
		 */
		NODE_BASED,

		/**
		 * A serverless cache: the node-based refusals and those of serverless caches
		 * ({@code KEYS}, {@code PSUBSCRIBE}, {@code WAIT}, {@code FUNCTION},
		 * {@code CLIENT LIST}, ...), and only database 0 ({@code SELECT 1} fails).
		 */
		SERVERLESS

	}

	private static final List<String> NODE_BASED_COMMANDS = List.of("BGREWRITEAOF", "BGSAVE", "CONFIG", "DEBUG",
			"MIGRATE", "REPLICAOF", "SAVE", "SHUTDOWN", "SLAVEOF");

	private static final List<String> NODE_BASED_SUBCOMMANDS = List.of("acl|deluser", "acl|load", "acl|save",
			"acl|setuser", "cluster|addslots", "cluster|addslotsrange", "cluster|bumpepoch", "cluster|delslots",
			"cluster|delslotsrange", "cluster|failover", "cluster|flushslots", "cluster|forget", "cluster|links",
			"cluster|meet", "cluster|setslot");

	private static final List<String> SERVERLESS_COMMANDS = List.of("FCALL", "FCALL_RO", "FUNCTION", "KEYS", "LASTSAVE",
			"LATENCY", "MEMORY", "MONITOR", "MOVE", "OBJECT", "PFDEBUG", "PFSELFTEST", "PSUBSCRIBE", "PUNSUBSCRIBE",
			"SLOWLOG", "SWAPDB", "WAIT");

	private static final List<String> SERVERLESS_SUBCOMMANDS = List.of("acl|log", "client|caching", "client|getredir",
			"client|id", "client|info", "client|kill", "client|list", "client|no-evict", "client|pause",
			"client|tracking", "client|trackinginfo", "client|unblock", "client|unpause",
			"cluster|count-failure-reports", "pubsub|numpat", "script|kill");

	private final Flavour flavour;

	/** Refused command (upper case) → the name only the kit knows. */
	private final Map<String, String> renamed;

	private ElastiCacheRestrictions(Flavour flavour) {
		this.flavour = flavour;
		SecureRandom random = new SecureRandom();
		Map<String, String> names = new LinkedHashMap<>();
		for (String command : refusedCommands(flavour)) {
			names.put(command, command + "-KIT-" + Long.toHexString(random.nextLong() & Long.MAX_VALUE));
		}
		this.renamed = Collections.unmodifiableMap(names);
	}

	static ElastiCacheRestrictions of(Flavour flavour) {
		return new ElastiCacheRestrictions(Objects.requireNonNull(flavour));
	}

	/**
	 * The commands a cache of the flavour refuses as a whole, answered with
	 * {@code ERR unknown command}.
	 * @param flavour the kind of cache
	 * @return the command names, upper case
	 */
	public static List<String> refusedCommands(Flavour flavour) {
		List<String> commands = new ArrayList<>(NODE_BASED_COMMANDS);
		if (flavour == Flavour.SERVERLESS) {
			commands.addAll(SERVERLESS_COMMANDS);
		}
		return List.copyOf(commands);
	}

	/**
	 * The subcommands a cache of the flavour refuses, as Redis' ACL names them
	 * ({@code container|subcommand}).
	 * @param flavour the kind of cache
	 * @return the subcommands, lower case
	 */
	public static List<String> refusedSubcommands(Flavour flavour) {
		List<String> subcommands = new ArrayList<>(NODE_BASED_SUBCOMMANDS);
		if (flavour == Flavour.SERVERLESS) {
			subcommands.addAll(SERVERLESS_SUBCOMMANDS);
		}
		return List.copyOf(subcommands);
	}

	Flavour flavour() {
		return this.flavour;
	}

	/** The lines of a data node's configuration file. */
	String serverConfiguration() {
		StringBuilder conf = new StringBuilder();
		this.renamed.forEach((command,
				name) -> conf.append("rename-command ").append(command).append(' ').append(name).append('\n'));
		if (this.flavour == Flavour.SERVERLESS) {
			// serverless caches serve database 0 only
			conf.append("databases 1\n");
		}
		return conf.toString();
	}

	/**
	 * The lines of a Sentinel's configuration file, so that it reaches the renamed
	 * commands of the master it monitors (and of its replicas).
	 */
	String sentinelConfiguration(String masterName) {
		StringBuilder conf = new StringBuilder();
		this.renamed.forEach((command, name) -> conf.append("sentinel rename-command ")
			.append(masterName)
			.append(' ')
			.append(command)
			.append(' ')
			.append(name)
			.append('\n'));
		return conf.toString();
	}

	/** The ACL rules that deny an ACL user the refused subcommands. */
	List<String> aclRules() {
		return refusedSubcommands(this.flavour).stream().map((subcommand) -> "-" + subcommand).toList();
	}

	/** The kit's own command with a refused command's hidden name. */
	String[] translate(String[] args) {
		String name = this.renamed.get(args[0].toUpperCase(Locale.ROOT));
		if (name == null) {
			return args;
		}
		String[] translated = args.clone();
		translated[0] = name;
		return translated;
	}

	/** Nothing secret in it, but the hidden names stay out of messages anyway. */
	@Override
	public String toString() {
		return "ElastiCacheRestrictions[" + this.flavour + "]";
	}

}
