package io.github.elasticachesecure.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.elasticachesecure.testkit.LoopbackTcpServer;

/**
 * A loopback TCP proxy that plays an endpoint whose DNS name moves, such as ElastiCache's
 * primary endpoint during a failover: each new connection is forwarded, both ways, to
 * whichever port on {@code 127.0.0.1} the proxy points at when it is accepted;
 * {@link #pointTo(int)} changes that for new connections only, and existing ones stay
 * where they are. Bytes pass through unchanged, so TLS clients verify the server's
 * {@code localhost} certificate end to end.
 * <p>
 * {@link #blackhole()} plays a network partition: nothing is forwarded any more, in
 * either direction, and nothing is closed; bytes sent meanwhile wait (as TCP retransmits
 * them) and pass, in order, after {@link #heal()}. The proxy's own kernel still accepts
 * connections and acknowledges bytes and keep-alive probes, which a partition would not:
 * a client's TCP stack cannot see this blackhole, only its commands' missing replies.
 * <pre>{@code
 * try (RepointableTcpProxy endpoint = RepointableTcpProxy.to(primary.port())) {
 *     // connect to localhost:endpoint.port()
 *     endpoint.pointTo(replica.port()); // the replica was promoted
 * }
 * }</pre>
 */
public final class RepointableTcpProxy extends LoopbackTcpServer {

	private volatile int targetPort;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final List<Integer> targets = new CopyOnWriteArrayList<>();

	private final Object forwarding = new Object();

	private boolean blackholed; // guarded by forwarding

	private RepointableTcpProxy(int targetPort) {
		super(0, "repointable-proxy");
		this.targetPort = targetPort;
		startAccepting();
	}

	/**
	 * Starts a proxy on an ephemeral port of {@code 127.0.0.1} that forwards to
	 * {@code 127.0.0.1:targetPort}.
	 * @param targetPort the port new connections go to, until {@link #pointTo(int)}
	 * @return the running proxy; close it
	 */
	public static RepointableTcpProxy to(int targetPort) {
		return new RepointableTcpProxy(targetPort);
	}

	/**
	 * Sends new connections to another port, as a DNS change would; existing connections
	 * stay where they are.
	 * @param port the new target port on {@code 127.0.0.1}
	 */
	public void pointTo(int port) {
		this.targetPort = port;
	}

	/**
	 * Stops forwarding, both ways, on every connection, new ones included, without
	 * closing any.
	 */
	public void blackhole() {
		synchronized (this.forwarding) {
			this.blackholed = true;
		}
	}

	/** Forwards again, starting with what was held back. */
	public void heal() {
		synchronized (this.forwarding) {
			this.blackholed = false;
			this.forwarding.notifyAll();
		}
	}

	private void awaitForwarding() {
		synchronized (this.forwarding) {
			while (this.blackholed) {
				try {
					this.forwarding.wait();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/**
	 * Counts the connections forwarded so far to a port.
	 * @param port a target port
	 * @return number of connections accepted while the proxy pointed at it
	 */
	public long connectionsTo(int port) {
		return this.targets.stream().filter((target) -> target == port).count();
	}

	@Override
	protected void handle(Socket client) {
		int target = this.targetPort;
		this.targets.add(target);
		Socket server = new Socket();
		this.sockets.add(client);
		this.sockets.add(server);
		try {
			server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5000);
		}
		catch (IOException ex) {
			// the target is down: the client sees a closed connection, as it would
			// connecting to it directly
			closeQuietly(client);
			closeQuietly(server);
			return;
		}
		String name = "repointable-proxy-" + client.getPort() + "-" + target;
		startDaemon(() -> pump(client, server, null, this::awaitForwarding), name + "-up");
		startDaemon(() -> pump(server, client, null, this::awaitForwarding), name + "-down");
	}

	/** Stops listening and closes every connection. */
	@Override
	public void close() {
		super.close();
		this.sockets.forEach(LoopbackTcpServer::closeQuietly);
		heal(); // the held-back pumps end on the closed sockets
	}

	@Override
	public String toString() {
		return "RepointableTcpProxy[localhost:" + port() + " -> 127.0.0.1:" + this.targetPort + "]";
	}

}
