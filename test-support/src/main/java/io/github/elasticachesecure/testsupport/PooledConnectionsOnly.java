package io.github.elasticachesecure.testsupport;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Makes every {@link LettuceConnectionFactory} hand out a connection of its own (from the
 * pool when one is configured) rather than the one shared connection, so that a test's
 * writer threads run on several connections, each of which a rotation or a failover must
 * reach. Register it with {@code @Import(PooledConnectionsOnly.class)}.
 */
public class PooledConnectionsOnly implements BeanPostProcessor {

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof LettuceConnectionFactory factory) {
			factory.setShareNativeConnection(false);
		}
		return bean;
	}

}
