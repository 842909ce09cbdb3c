package io.github.elasticachesecure.health;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * At most one run of a task at a time: callers that come while it runs share its result
 * instead of starting another. Health checks are open to whoever may call the health
 * endpoint, so their rate must not become the rate of work on the cache. A caller that
 * stops waiting does not cancel the run; the next callers still share it.
 *
 * @param <T> the result
 */
final class SingleFlight<T> {

	private final AtomicReference<@Nullable CompletableFuture<T>> current = new AtomicReference<>();

	/**
	 * The run in flight, or a new one.
	 * @param task starts a run; it must end by itself (the callers only stop waiting)
	 * @return the run's result; cancelling the wait does not cancel the run
	 */
	Mono<T> join(Supplier<? extends CompletableFuture<T>> task) {
		CompletableFuture<T> run = start(task);
		// The run's outcome as a value, so that one that comes after this caller stopped
		// waiting is dropped quietly, not reported to Reactor as an error without a
		// subscriber.
		CompletableFuture<Mono<T>> outcome = run
			.handle((result, ex) -> (ex != null) ? Mono.<T>error(unwrap(ex)) : Mono.justOrEmpty(result));
		return Mono.fromFuture(outcome, true).flatMap(Function.identity());
	}

	private CompletableFuture<T> start(Supplier<? extends CompletableFuture<T>> task) {
		while (true) {
			CompletableFuture<T> running = this.current.get();
			if (running != null && !running.isDone()) {
				return running;
			}
			CompletableFuture<T> run = new CompletableFuture<>();
			if (this.current.compareAndSet(running, run)) {
				try {
					task.get().whenComplete((result, ex) -> {
						if (ex != null) {
							run.completeExceptionally(ex);
						}
						else {
							run.complete(result);
						}
					});
				}
				catch (RuntimeException ex) {
					run.completeExceptionally(ex);
				}
				return run;
			}
		}
	}

	private static Throwable unwrap(Throwable ex) {
		return (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
	}

}
