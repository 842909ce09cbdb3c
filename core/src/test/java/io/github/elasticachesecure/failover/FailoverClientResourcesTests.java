package io.github.elasticachesecure.failover;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.lettuce.core.resource.Delay;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.NameResolver;
import io.netty.resolver.dns.DefaultDnsCnameCache;
import io.netty.resolver.dns.DnsNameResolver;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The DNS cache bound and the reconnect delay that {@link FailoverClientResources} gives
 * Lettuce.
 */
class FailoverClientResourcesTests {

	@Test
	void addressesAndCnamesAreCachedForAtMostFiveSecondsAndFailuresNotAtAll() throws Exception {
		assertThat(FailoverClientResources.ADDRESS_CACHE.maxTtl()).isEqualTo(5);
		assertThat(FailoverClientResources.ADDRESS_CACHE.minTtl()).isZero();
		assertThat(FailoverClientResources.ADDRESS_CACHE.negativeTtl()).isZero();
		// Netty keeps the CNAME cache's bound to itself.
		Method maxTtl = DefaultDnsCnameCache.class.getDeclaredMethod("maxTtl");
		maxTtl.setAccessible(true);
		assertThat(maxTtl.invoke(FailoverClientResources.CNAME_CACHE)).isEqualTo(5);
	}

	@Test
	void resolvedAddressesAndCnamesOutliveNoRecordTtlBeyondTheBound() throws Exception {
		EventLoop loop = new DefaultEventLoop();
		try {
			// As a primary endpoint: a CNAME to the primary node's name, with an
			// hour-long TTL. The caches are shared by every resolver in the JVM, and a
			// resolver that an earlier test's client resources close (in the
			// background) empties them: cached again until both entries are in.
			await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
				FailoverClientResources.CNAME_CACHE.cache("master.test.cache.example", "node-001.test.cache.example",
						3600, loop);
				FailoverClientResources.ADDRESS_CACHE.cache("node-001.test.cache.example", new DnsRecord[0],
						InetAddress.getByAddress(new byte[] { 10, 0, 0, 1 }), 3600, loop);
				return FailoverClientResources.CNAME_CACHE.get("master.test.cache.example") != null
						&& FailoverClientResources.ADDRESS_CACHE.get("node-001.test.cache.example",
								new DnsRecord[0]) != null;
			});
			// The documented 5 s bound, with 10 s to spare for a loaded machine.
			await().atMost(Duration.ofSeconds(15))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> FailoverClientResources.CNAME_CACHE.get("master.test.cache.example") == null
						&& FailoverClientResources.ADDRESS_CACHE.get("node-001.test.cache.example",
								new DnsRecord[0]) == null);
		}
		finally {
			loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
		}
	}

	@Test
	void firstReconnectWaitsBetweenHalfAndAllOfItsBoundAndNoneLongerThanTheCap() {
		Delay delay = FailoverClientResources.reconnectDelay();
		// As documented: the first attempt within 500 ms, none later than 5 s.
		Duration first = Duration.ofMillis(500);
		Duration cap = Duration.ofSeconds(5);
		Set<Duration> firstDelays = new HashSet<>();
		IntStream.range(0, 200).forEach((i) -> {
			Duration firstDelay = delay.createDelay(1);
			assertThat(firstDelay).isBetween(first.dividedBy(2), first);
			firstDelays.add(firstDelay);
			assertThat(delay.createDelay(2)).isBetween(first, first.multipliedBy(2));
			assertThat(delay.createDelay(40)).isBetween(cap.dividedBy(2), cap);
		});
		// jittered: reconnects of many connections do not arrive in step
		assertThat(firstDelays).hasSizeGreaterThan(50);
	}

	@Test
	@DisplayName("the resolver Lettuce is given keeps addresses and CNAMEs no longer than 5 seconds, whatever their TTL")
	void resolverInEffectCachesAnswersAtMostFiveSeconds() throws Exception {
		MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
		try {
			EventLoop loop = group.next();
			AddressResolver<?> resolver = FailoverClientResources.addressResolverGroup().getResolver(loop);
			DnsNameResolver dns = dnsNameResolver(resolver);
			String primary = "master.resolver-bound.cache.example";
			String node = "node-001.resolver-bound.cache.example";
			// As a primary endpoint: a CNAME to the primary node's name, both with an
			// hour-long TTL.
			dns.cnameCache().cache(primary, node, 3600, loop);
			dns.resolveCache()
				.cache(node, new DnsRecord[0], InetAddress.getByAddress(new byte[] { 10, 0, 0, 2 }), 3600, loop);
			assertThat(dns.cnameCache().get(primary)).isEqualTo(node);
			assertThat(dns.resolveCache().get(node, new DnsRecord[0])).isNotEmpty();
			await("the resolver's cached CNAME and address to expire").atMost(Duration.ofSeconds(8))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> dns.cnameCache().get(primary) == null
						&& dns.resolveCache().get(node, new DnsRecord[0]) == null);
		}
		finally {
			// Closing the group closes its resolvers, which clear the caches all
			// resolvers
			// share: done before the next test caches its own entries.
			group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
		}
	}

	@Test
	@DisplayName("no reconnect waits longer than 5 seconds, however many attempts failed")
	void reconnectDelayIsCappedAtFiveSeconds() {
		Delay delay = FailoverClientResources.reconnectDelay();
		Duration longest = Duration.ZERO;
		for (int i = 0; i < 500; i++) {
			for (int attempt : new int[] { 5, 6, 8, 12, 40 }) {
				Duration next = delay.createDelay(attempt);
				assertThat(next).as("delay of attempt %d", attempt).isLessThanOrEqualTo(Duration.ofSeconds(5));
				longest = (next.compareTo(longest) > 0) ? next : longest;
			}
		}
		// The cap is reached (full jitter keeps at least half of it), not merely
		// respected.
		assertThat(longest).isGreaterThan(Duration.ofMillis(4500));
	}

	/**
	 * The DNS resolver behind one of the group's address resolvers (Netty wraps it,
	 * without an accessor, in an in-flight de-duplication and an address adapter).
	 */
	private static DnsNameResolver dnsNameResolver(Object resolver) throws IllegalAccessException {
		Object current = resolver;
		for (int depth = 0; depth < 5 && !(current instanceof DnsNameResolver); depth++) {
			current = wrapped(current);
		}
		assertThat(current).as("the resolver behind %s", resolver).isInstanceOf(DnsNameResolver.class);
		return (DnsNameResolver) current;
	}

	private static Object wrapped(Object resolver) throws IllegalAccessException {
		for (Class<?> type = resolver.getClass(); type != Object.class; type = type.getSuperclass()) {
			for (Field field : type.getDeclaredFields()) {
				if (NameResolver.class.isAssignableFrom(field.getType())) {
					field.setAccessible(true);
					return field.get(resolver);
				}
			}
		}
		throw new IllegalStateException("No resolver wrapped in " + resolver.getClass().getName());
	}

}
