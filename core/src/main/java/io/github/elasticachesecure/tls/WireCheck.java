package io.github.elasticachesecure.tls;

import java.time.Clock;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.handler.ssl.SslHandler;

/**
 * The check at the wire: every channel that a Lettuce client opens with {@link #guard
 * guarded} client resources carries a {@link TlsSessionGate} right behind Lettuce's own
 * TLS handler, which holds back every outbound Redis byte until that handler's handshake
 * completed with a session that meets the {@link TlsSessionPolicy}. A channel whose TLS
 * handler is missing, replaced, doubled or removed is closed before its first byte,
 * whatever a {@link NettyCustomizer} of the application did, since the gate is installed
 * after it and checks what it left.
 * <p>
 * What it cannot see: clients on client resources that were not guarded (the startup
 * guard refuses connection factories built on those), and code that writes to a channel
 * from a position nearer the socket than the TLS handler.
 */
public final class WireCheck {

	private final TlsSessionPolicy policy;

	private final LiveTlsSessions sessions = new LiveTlsSessions();

	private final Clock clock;

	/**
	 * Create a wire check.
	 * @param policy what each session must meet
	 * @param clock the clock of the sessions' times
	 */
	public WireCheck(TlsSessionPolicy policy, Clock clock) {
		this.policy = policy;
		this.clock = clock;
	}

	/**
	 * Return client resources whose channels carry the check: a copy of the given ones
	 * that shares their threads, timer and event loops (so only the given resources are
	 * to be shut down) and runs their Netty customizer inside the check's. Resources that
	 * carry it already are returned as they are.
	 * @param resources the resources to guard
	 * @return the guarded resources
	 */
	public ClientResources guard(ClientResources resources) {
		if (guards(resources)) {
			return resources;
		}
		return resources.mutate()
			.nettyCustomizer(around(resources.nettyCustomizer()))
			.eventLoopGroupProvider(resources.eventLoopGroupProvider())
			.eventExecutorGroup(resources.eventExecutorGroup())
			.timer(resources.timer())
			.commandLatencyRecorder(resources.commandLatencyRecorder())
			.build();
	}

	/**
	 * Return a Netty customizer that runs the given one inside this check, for client
	 * resources built anew (those that exist already are {@link #guard guarded}).
	 * @param application the customizer to run inside the check
	 * @return the customizer to build client resources with
	 */
	public NettyCustomizer around(NettyCustomizer application) {
		return new WireCheckNettyCustomizer(application, this);
	}

	/**
	 * Return whether the channels of clients on the given resources carry this check.
	 * @param resources the resources
	 * @return whether they were guarded by this check
	 */
	public boolean guards(ClientResources resources) {
		return resources.nettyCustomizer() instanceof WireCheckNettyCustomizer customizer && customizer.belongsTo(this);
	}

	/**
	 * Return the sessions the check accepted, for reports.
	 * @return the latest session per endpoint
	 */
	public LiveTlsSessions sessions() {
		return this.sessions;
	}

	TlsSessionGate gate(SslHandler tls, String host, int port) {
		return new TlsSessionGate(tls, this.policy, host, port, this.sessions, this.clock);
	}

}
