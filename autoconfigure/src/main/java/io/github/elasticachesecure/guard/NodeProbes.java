package io.github.elasticachesecure.guard;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import io.github.elasticachesecure.tls.TlsEndpointProbe;
import io.github.elasticachesecure.tls.TlsProbeResult;
import io.lettuce.core.SslVerifyMode;

import org.springframework.data.redis.connection.RedisNode;

/**
 * Probes the nodes of one step of the guard (a replication group's primary and readers, a
 * cluster's seeds or its announced nodes, a sentinel's master and replicas) a few at a
 * time, so that the startup waits for the slowest handshake rather than for their sum.
 * The results come back in the order of the nodes, so the guard reports them, and fails
 * on the first one that did not pass, exactly as it would probing one after the other. A
 * probe sends no Redis command and no credential, so probing a node after one that fails
 * exposes nothing.
 * <p>
 * The threads are the guard's own, made for the call and ended before it returns: nothing
 * is left running between checks, and a single node is probed on the caller's thread.
 */
final class NodeProbes {

	/**
	 * At most this many handshakes at once: a replication group or a small cluster in one
	 * round, few threads.
	 */
	static final int MAX_PARALLEL = 4;

	static final String THREAD_NAME_PREFIX = "redis-connection-guard-probe-";

	private static final AtomicInteger threadCount = new AtomicInteger();

	private NodeProbes() {
	}

	/**
	 * Probe every node.
	 * @param probe the probe
	 * @param nodes the nodes, in the order of the report
	 * @param sslContext the factory's TLS context
	 * @param verifyMode the factory's verification mode
	 * @return one result per node, in the order of the nodes
	 */
	static List<TlsProbeResult> probeAll(TlsEndpointProbe probe, List<RedisNode> nodes, SSLContext sslContext,
			SslVerifyMode verifyMode) {
		if (nodes.size() <= 1) {
			return nodes.stream()
				.map((node) -> probe.probe(node.getRequiredHost(), node.getRequiredPort(), sslContext, verifyMode))
				.toList();
		}
		List<Callable<TlsProbeResult>> probes = nodes.stream()
			.<Callable<TlsProbeResult>>map(
					(node) -> () -> probe.probe(node.getRequiredHost(), node.getRequiredPort(), sslContext, verifyMode))
			.toList();
		ExecutorService executor = Executors.newFixedThreadPool(Math.min(MAX_PARALLEL, probes.size()),
				NodeProbes::daemonThread);
		try {
			// each probe ends within the probe timeout, so this returns within a few of
			// them
			List<Future<TlsProbeResult>> results = executor.invokeAll(probes);
			executor.shutdown();
			executor.awaitTermination(1, TimeUnit.MINUTES);
			return results.stream().map(NodeProbes::resultOf).toList();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while probing the TLS of " + nodes.size() + " nodes", ex);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static TlsProbeResult resultOf(Future<TlsProbeResult> result) {
		try {
			return result.get();
		}
		catch (ExecutionException ex) {
			// a probe reports failures as results: this is a bug, thrown as it was
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			// not reached: invokeAll returned, so every result is there
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static Thread daemonThread(Runnable task) {
		Thread thread = new Thread(task, THREAD_NAME_PREFIX + threadCount.incrementAndGet());
		thread.setDaemon(true);
		return thread;
	}

}
