package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.cache.RefusedCommandLog;
import io.github.elasticachesecure.failover.FailoverClientResources;
import io.github.elasticachesecure.failover.ReadOnlyReplicaReconnector;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Failover without a restart, through the client resources Boot builds: short-lived DNS
 * answers, jittered reconnects and, outside cluster mode, a reconnect when the primary
 * endpoint's node answers {@code READONLY}; and, on every topology, an explanation of the
 * replies ElastiCache's restrictions give ({@link RefusedCommandLog}). An application
 * that defines its own {@code ClientResources} bean gets none of this.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnCacheEndpointCondition.class)
class ElastiCacheFailoverConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ReadOnlyReplicaReconnector readOnlyReplicaReconnector() {
		return new ReadOnlyReplicaReconnector();
	}

	@Bean
	@ConditionalOnMissingBean
	RefusedCommandLog refusedCommandLog() {
		return new RefusedCommandLog();
	}

	/**
	 * First among the client resources customizers, so that an application's own (for
	 * example another address resolver group, reconnect delay or Netty customizer) wins.
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	ClientResourcesBuilderCustomizer elastiCacheFailoverClientResourcesCustomizer(ElastiCacheDescription cache,
			ReadOnlyReplicaReconnector readOnlyReplicaReconnector, RefusedCommandLog refusedCommandLog) {
		return (builder) -> {
			builder.addressResolverGroup(FailoverClientResources.addressResolverGroup())
				.reconnectDelay(FailoverClientResources.reconnectDelay());
			// In cluster mode a demoted node answers writes with MOVED, which Lettuce
			// follows itself.
			builder.nettyCustomizer(cache.isClusterProtocol() ? refusedCommandLog
					: new BothNettyCustomizers(readOnlyReplicaReconnector, refusedCommandLog));
		};
	}

	/** Lettuce's client resources take one Netty customizer: these two, in order. */
	record BothNettyCustomizers(NettyCustomizer first, NettyCustomizer second) implements NettyCustomizer {

		@Override
		public void afterBootstrapInitialized(Bootstrap bootstrap) {
			this.first.afterBootstrapInitialized(bootstrap);
			this.second.afterBootstrapInitialized(bootstrap);
		}

		@Override
		public void afterChannelInitialized(Channel channel) {
			this.first.afterChannelInitialized(channel);
			this.second.afterChannelInitialized(channel);
		}

	}

}
