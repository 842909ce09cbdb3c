package io.github.elasticachesecure.autoconfigure.guard;

import io.github.elasticachesecure.guard.InsecureConnectionException.Reason;
import io.github.elasticachesecure.guard.InsecureConnectionException;
import io.github.elasticachesecure.guard.RedisConnectionGuard;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Refuses, before any singleton is created, a {@link RedisConnectionFactory} that a
 * {@code FactoryBean} makes: the container hands post-processors only the finished
 * product, after {@code getObject()} built and perhaps started it, so the guard could
 * check it only once it may have connected. The types are read from the bean definitions
 * (a {@code FactoryBean}'s declared object type); nothing is instantiated. A
 * {@code FactoryBean} that declares no object type is checked when its product appears,
 * once every singleton exists.
 */
final class ConnectionFactoryBeanCheck
		implements BeanFactoryPostProcessor, SmartInitializingSingleton, BeanFactoryAware, PriorityOrdered {

	static final String BEAN_NAME = "io.github.elasticachesecure.autoconfigure.connectionFactoryBeanCheck";

	private @Nullable BeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		if (BeanFactoryUtils.beanNamesForTypeIncludingAncestors(beanFactory, RedisConnectionGuard.class, false,
				false).length == 0) {
			return;
		}
		for (String beanName : beanFactory.getBeanNamesForType(RedisConnectionFactory.class, true, false)) {
			if (beanFactory.isFactoryBean(beanName)) {
				throw new InsecureConnectionException(beanName, Reason.FACTORY_BEAN,
						"RedisConnectionFactory '" + beanName
								+ "' is made by a FactoryBean, which creates (and may start) it before the guard "
								+ "can check it");
			}
		}
	}

	/**
	 * Once every singleton exists, the guard's post-processor checks the factories it has
	 * not seen: ready-made singletons, and products of a {@code FactoryBean} without a
	 * declared object type.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		if (this.beanFactory instanceof AbstractBeanFactory factory) {
			for (BeanPostProcessor postProcessor : factory.getBeanPostProcessors()) {
				if (postProcessor instanceof RedisConnectionGuardPostProcessor guard) {
					guard.checkFactoriesNotSeenBefore();
				}
			}
		}
	}

}
