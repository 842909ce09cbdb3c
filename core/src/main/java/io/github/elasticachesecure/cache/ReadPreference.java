package io.github.elasticachesecure.cache;

import java.util.Locale;

import io.lettuce.core.ReadFrom;
import org.jspecify.annotations.Nullable;

/**
 * Which nodes serve reads: Lettuce's {@link ReadFrom} choices, as they are written in
 * configuration. Writes always go to the primary.
 */
public enum ReadPreference {

	/**
	 * Only the primary.
	 */
	UPSTREAM(ReadFrom.UPSTREAM, false),

	/**
	 * The primary, a replica when the primary is not available.
	 */
	UPSTREAM_PREFERRED(ReadFrom.UPSTREAM_PREFERRED, false),

	/**
	 * A replica, the primary when no replica is available.
	 */
	REPLICA_PREFERRED(ReadFrom.REPLICA_PREFERRED, false),

	/**
	 * Only replicas: reads fail while none is available.
	 */
	REPLICA(ReadFrom.REPLICA, true),

	/**
	 * The node with the lowest measured latency, primary or replica.
	 */
	LOWEST_LATENCY(ReadFrom.LOWEST_LATENCY, false),

	/**
	 * Any node, primary or replica.
	 */
	ANY(ReadFrom.ANY, false),

	/**
	 * Any replica: reads fail while none is available.
	 */
	ANY_REPLICA(ReadFrom.ANY_REPLICA, true),

	/**
	 * A replica in the application's Availability Zone, else any replica, else the
	 * primary: {@link SameZoneReadFrom}, given the zones. Lettuce has no such setting:
	 * {@link #readFrom()} gives replica-preferred, what it amounts to without zones.
	 */
	SAME_AZ(ReadFrom.REPLICA_PREFERRED, false);

	private final ReadFrom readFrom;

	private final boolean replicaRequired;

	ReadPreference(ReadFrom readFrom, boolean replicaRequired) {
		this.readFrom = readFrom;
		this.replicaRequired = replicaRequired;
	}

	/**
	 * Return Lettuce's setting.
	 * @return the read-from setting
	 */
	public ReadFrom readFrom() {
		return this.readFrom;
	}

	/**
	 * Return whether reads fail while no replica is available.
	 * @return {@code true} for {@link #REPLICA} and {@link #ANY_REPLICA}
	 */
	public boolean isReplicaRequired() {
		return this.replicaRequired;
	}

	/**
	 * Return the choice as it is written in configuration and shown in health details.
	 * @return for example {@code replica-preferred}
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * Return the choice a Lettuce read-from name stands for, in any of the spellings and
	 * aliases {@link ReadFrom#valueOf(String)} accepts (Spring Boot's
	 * {@code spring.data.redis.lettuce.read-from} is one).
	 * @param name the name, for example {@code replicaPreferred},
	 * {@code replica-preferred} or {@code slavePreferred}
	 * @return the choice, or {@code null} for a name that is none of them (such as
	 * {@code subnet:…} or {@code regex:…})
	 */
	public static @Nullable ReadPreference fromLettuceName(String name) {
		String canonical = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
		return switch (canonical) {
			case "master", "upstream" -> UPSTREAM;
			case "masterpreferred", "upstreampreferred" -> UPSTREAM_PREFERRED;
			case "slavepreferred", "replicapreferred" -> REPLICA_PREFERRED;
			case "slave", "replica" -> REPLICA;
			case "nearest", "lowestlatency" -> LOWEST_LATENCY;
			case "any" -> ANY;
			case "anyreplica" -> ANY_REPLICA;
			default -> null;
		};
	}

}
