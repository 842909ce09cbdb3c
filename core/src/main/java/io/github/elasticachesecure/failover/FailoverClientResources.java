package io.github.elasticachesecure.failover;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.Transports;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DefaultDnsCache;
import io.netty.resolver.dns.DefaultDnsCnameCache;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;

/**
 * The settings of Lettuce's client resources that bound how long writes fail after a
 * failover: once the endpoint's name points at the new primary, a connection that met
 * {@code READONLY} ({@link ReadOnlyReplicaReconnector}) or lost its node reaches the new
 * primary within {@link #DNS_CACHE_TTL} + the reconnect delay (at most
 * {@link #FIRST_RECONNECT_DELAY_MAX} for the first attempt, {@link #RECONNECT_DELAY_MAX}
 * for any) + TLS handshake and AUTH.
 */
public final class FailoverClientResources {

	/**
	 * Longest time a resolved address (and a CNAME, as ElastiCache's primary endpoint is)
	 * stays cached. Lettuce resolves with Netty's DNS resolver (a required dependency
	 * since Lettuce 6.7), not with the JVM's {@code InetAddress} cache
	 * ({@code networkaddress.cache.ttl}, which does not apply to its connections); by
	 * default its cache keeps an answer as long as the record's TTL says, without bound.
	 */
	public static final Duration DNS_CACHE_TTL = Duration.ofSeconds(5);

	/**
	 * Upper bound of the first reconnect attempt's delay; each further attempt doubles
	 * it.
	 */
	public static final Duration FIRST_RECONNECT_DELAY_MAX = Duration.ofMillis(500);

	/**
	 * Upper bound of any reconnect delay ("a few seconds", as AWS advises for ElastiCache
	 * clients).
	 */
	public static final Duration RECONNECT_DELAY_MAX = Duration.ofSeconds(5);

	static final DefaultDnsCache ADDRESS_CACHE = new DefaultDnsCache(0, (int) DNS_CACHE_TTL.toSeconds(), 0);

	static final DefaultDnsCnameCache CNAME_CACHE = new DefaultDnsCnameCache(0, (int) DNS_CACHE_TTL.toSeconds());

	// One group for all client resources, as Lettuce's own default: it keeps one resolver
	// per event loop and closes it when that event loop terminates.
	private static final AddressResolverGroup<?> ADDRESS_RESOLVER_GROUP = new DnsAddressResolverGroup(
			new DnsNameResolverBuilder().datagramChannelType(Transports.datagramChannelClass())
				.socketChannelType(Transports.socketChannelClass().asSubclass(SocketChannel.class))
				.resolveCache(ADDRESS_CACHE)
				.cnameCache(CNAME_CACHE));

	private FailoverClientResources() {
	}

	/**
	 * The reconnect delay: attempt n waits a random time between half and all of
	 * min({@link #FIRST_RECONNECT_DELAY_MAX} × 2<sup>n-1</sup>,
	 * {@link #RECONNECT_DELAY_MAX}) (Lettuce's "full jitter", which keeps half of the
	 * bound), so that the connections of many applications dropped by one failover do not
	 * reconnect in step. Stateless, as Lettuce requires.
	 * @return the delay
	 */
	public static Delay reconnectDelay() {
		return Delay.fullJitter(Duration.ZERO, RECONNECT_DELAY_MAX, FIRST_RECONNECT_DELAY_MAX.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/**
	 * @return the address resolver group with the short-lived cache
	 */
	public static AddressResolverGroup<?> addressResolverGroup() {
		return ADDRESS_RESOLVER_GROUP;
	}

}
