package io.github.elasticachesecure.failover;

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
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.resolver.dns.DefaultDnsCnameCache;
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
			// hour-long TTL.
			FailoverClientResources.CNAME_CACHE.cache("master.test.cache.example", "node-001.test.cache.example", 3600,
					loop);
			FailoverClientResources.ADDRESS_CACHE.cache("node-001.test.cache.example", new DnsRecord[0],
					InetAddress.getByAddress(new byte[] { 10, 0, 0, 1 }), 3600, loop);
			assertThat(FailoverClientResources.CNAME_CACHE.get("master.test.cache.example")).isNotNull();
			assertThat(FailoverClientResources.ADDRESS_CACHE.get("node-001.test.cache.example", new DnsRecord[0]))
				.isNotEmpty();
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

}
