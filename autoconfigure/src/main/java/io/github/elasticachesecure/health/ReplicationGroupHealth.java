package io.github.elasticachesecure.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.github.elasticachesecure.cache.ReadPreference;
import io.github.elasticachesecure.logging.FailureDescription;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The state of the two endpoints of a replication group with cluster mode disabled, for
 * the {@code elasticache} health details: each one reached over a connection of its own
 * (TLS, verification and credentials as the application's) and asked for its
 * {@code ROLE}, both within the health timeout.
 * <p>
 * Each endpoint's connection is kept from one check to the next and at most one
 * {@code ROLE} per endpoint is in flight ({@link NodeRoleCheck}), so that the rate of
 * health checks, which whoever may call the health endpoint decides, is not a rate of new
 * TLS connections and authentications on the cache. The connections are closed with
 * {@link #close()}.
 * <p>
 * The status is {@code DOWN} when the primary endpoint cannot be reached or reaches a
 * replica (writes fail), and when the reader cannot be reached while the read preference
 * needs a replica ({@code replica}, {@code any-replica}: reads fail). A reader that
 * cannot be reached under any other preference keeps the status {@code UP} with a
 * warning, as reads then go to the primary, which is what those preferences ask for.
 */
public final class ReplicationGroupHealth implements AutoCloseable {

	private final NodeRoleCheck primary;

	private final NodeRoleCheck reader;

	private final @Nullable ReadPreference readPreference;

	/**
	 * Create the check.
	 * @param client the application's client (for its TLS options and resources), looked
	 * up once it is started
	 * @param primary the primary endpoint with the application's TLS settings and
	 * credentials, and the health timeout as its timeout (the bound of one {@code ROLE},
	 * opening the connection included)
	 * @param reader the reader endpoint with the same settings
	 * @param readPreference where the application reads, {@code null} for a setting that
	 * names no preference
	 */
	public ReplicationGroupHealth(Supplier<RedisClient> client, RedisURI primary, RedisURI reader,
			@Nullable ReadPreference readPreference) {
		this.primary = new NodeRoleCheck(client, primary, primary.getTimeout());
		this.reader = new NodeRoleCheck(client, reader, reader.getTimeout());
		this.readPreference = readPreference;
	}

	/**
	 * Check both endpoints at once and add their state to the health of the connection.
	 * @param connection the health of the application's connection
	 * @param deadline when each endpoint's check ends
	 * @return the health with a {@code nodes} detail, and {@code DOWN} with a reason when
	 * an endpoint fails
	 */
	Mono<Health> addTo(Mono<Health> connection, HealthDeadline deadline) {
		return Mono.zip(connection, state(this.primary, deadline), state(this.reader, deadline))
			.map((states) -> combine(states.getT1(), states.getT2(), states.getT3()));
	}

	private Health combine(Health connection, NodeState primary, NodeState reader) {
		List<String> problems = new ArrayList<>();
		List<String> warnings = new ArrayList<>();
		if (primary.role() == null) {
			problems.add("the primary endpoint " + primary.endpoint() + " cannot be reached (" + primary.error() + ")");
		}
		else if (!"master".equals(primary.role())) {
			problems.add("the primary endpoint " + primary.endpoint() + " reaches a " + primary.role()
					+ ", so writes fail until it resolves to the new primary");
		}
		boolean replicaRequired = this.readPreference != null && this.readPreference.isReplicaRequired();
		String readFrom = (this.readPreference != null) ? "read-from " + this.readPreference.value() : "the read-from";
		if (reader.role() == null) {
			(replicaRequired ? problems : warnings)
				.add("the reader endpoint " + reader.endpoint() + " cannot be reached (" + reader.error() + "); "
						+ (replicaRequired ? readFrom + " reads only from replicas, so reads fail"
								: "under " + readFrom + " reads go to the primary"));
		}
		else if ("master".equals(reader.role())) {
			warnings.add("the reader endpoint " + reader.endpoint() + " reaches the primary: the replication group "
					+ "has no replica available");
		}
		Health.Builder builder = Health.status(problems.isEmpty() ? connection.getStatus() : Status.DOWN);
		Map<String, Object> details = new LinkedHashMap<>(connection.getDetails());
		if (!problems.isEmpty() && !details.containsKey("reason")) {
			details.put("reason", String.join("; ", problems));
		}
		Map<String, Object> nodes = new LinkedHashMap<>();
		nodes.put("primary", primary.details());
		nodes.put("reader", reader.details());
		details.put("nodes", nodes);
		if (this.readPreference != null) {
			details.put("readFrom", this.readPreference.value());
		}
		if (!warnings.isEmpty()) {
			List<Object> all = new ArrayList<>();
			if (details.get("warnings") instanceof List<?> existing) {
				all.addAll(existing);
			}
			all.addAll(warnings);
			details.put("warnings", List.copyOf(all));
		}
		return builder.withDetails(details).build();
	}

	/**
	 * The node's role, from the run in flight or a new one on the kept connection, waited
	 * for until the deadline; a check that gives up leaves the run (and the connection)
	 * to end by itself.
	 */
	private static Mono<NodeState> state(NodeRoleCheck node, HealthDeadline deadline) {
		return Mono.defer(() -> {
			Duration timeout = deadline.remaining();
			return node.role()
				.map((role) -> new NodeState(node.endpoint(), role, null))
				.timeout(timeout)
				.onErrorResume((ex) -> Mono.just(new NodeState(node.endpoint(), null, describe(ex, timeout))));
		});
	}

	/**
	 * Close the connections kept for the checks, with the health check's bean.
	 */
	@Override
	public void close() {
		this.primary.close();
		this.reader.close();
	}

	private static String describe(Throwable ex, Duration timeout) {
		if (ex instanceof TimeoutException) {
			return "no answer within " + timeout.toMillis() + " ms";
		}
		return FailureDescription.of(ex);
	}

	private record NodeState(String endpoint, @Nullable String role, @Nullable String error) {

		Map<String, Object> details() {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("endpoint", this.endpoint);
			details.put("reachable", this.role != null);
			if (this.role != null) {
				details.put("role", this.role);
			}
			if (this.error != null) {
				details.put("error", this.error);
			}
			return details;
		}

	}

}
