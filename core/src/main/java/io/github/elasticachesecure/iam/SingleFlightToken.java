package io.github.elasticachesecure.iam;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The current token and the one refresh in flight. Every caller that needs a token while
 * a refresh runs shares that refresh. Both change in one step: a caller that could
 * already see a new token never joins the refresh that signed it, as that refresh would
 * hand it the same token again, possibly after its usable period ended.
 */
final class SingleFlightToken {

	private static final State EMPTY = new State(null, null);

	private final AtomicReference<State> state = new AtomicReference<>(EMPTY);

	/**
	 * Return the current token, usable or not.
	 * @return the token, or {@code null}
	 */
	@Nullable IamAuthToken current() {
		return this.state.get().token();
	}

	/**
	 * Return the refresh in flight, or make a new one the refresh in flight and hand it
	 * to {@code start}.
	 * @param start starts the new refresh, which ends with {@link #publish} or
	 * {@link #land}
	 * @return the future of the refresh in flight
	 */
	CompletableFuture<IamAuthToken> joinOrStart(Consumer<CompletableFuture<IamAuthToken>> start) {
		while (true) {
			State current = this.state.get();
			CompletableFuture<IamAuthToken> running = current.inFlight();
			if (running != null) {
				return running;
			}
			CompletableFuture<IamAuthToken> refresh = new CompletableFuture<>();
			if (this.state.compareAndSet(current, new State(current.token(), refresh))) {
				start.accept(refresh);
				return refresh;
			}
		}
	}

	/**
	 * End the given refresh with its new token, which becomes the current one.
	 * @param refresh the refresh
	 * @param token its token
	 * @return {@code false} if that refresh was no longer in flight (after
	 * {@link #clear()})
	 */
	boolean publish(CompletableFuture<IamAuthToken> refresh, IamAuthToken token) {
		State published = new State(token, null);
		return this.state.getAndUpdate((current) -> (current.inFlight() == refresh) ? published : current)
			.inFlight() == refresh;
	}

	/**
	 * End the given refresh without a new token.
	 * @param refresh the refresh
	 */
	void land(CompletableFuture<IamAuthToken> refresh) {
		this.state
			.updateAndGet((current) -> (current.inFlight() == refresh) ? new State(current.token(), null) : current);
	}

	/**
	 * Drop the current token; a refresh in flight stays.
	 */
	void drop() {
		this.state.updateAndGet((current) -> new State(null, current.inFlight()));
	}

	/**
	 * Drop the current token and forget the refresh in flight.
	 * @return the refresh that was in flight, or {@code null}
	 */
	@Nullable CompletableFuture<IamAuthToken> clear() {
		return this.state.getAndSet(EMPTY).inFlight();
	}

	private record State(@Nullable IamAuthToken token, @Nullable CompletableFuture<IamAuthToken> inFlight) {

	}

}
