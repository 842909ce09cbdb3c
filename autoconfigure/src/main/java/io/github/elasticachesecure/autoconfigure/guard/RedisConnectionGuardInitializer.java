package io.github.elasticachesecure.autoconfigure.guard;

import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Puts the guard into every Spring Boot context before any bean exists: the
 * {@link RedisConnectionGuardPostProcessor} is added as a post-processor at once (not as
 * a bean definition, which would start working only once post-processors are registered,
 * after those created before it, and whatever they depend on), and the
 * {@link ConnectionFactoryBeanCheck} is registered as a bean. So the factories of a
 * context without the starter's auto-configuration (a child context built with
 * {@code SpringApplicationBuilder}, for instance) are checked too, by the guard of the
 * context or of an ancestor. A context where no guard exists is left alone. A context
 * that names an endpoint without Lettuce on the classpath is refused, since none of the
 * starter would apply to it.
 */
class RedisConnectionGuardInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static final String REDIS_CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

	private static final String LETTUCE_CLIENT = "io.lettuce.core.RedisClient";

	private static final String ENDPOINT = "elasticache.secure.endpoint";

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		if (context.getEnvironment().containsProperty(ENDPOINT)
				&& !ClassUtils.isPresent(LETTUCE_CLIENT, context.getClassLoader())) {
			// Without Lettuce none of the starter applies, and Boot would build another
			// client's plaintext factory.
			throw new ElastiCacheConfigurationException(ENDPOINT,
					"'" + ENDPOINT + "' is set, but Lettuce (io.lettuce:lettuce-core), the only client the starter "
							+ "secures, is not on the classpath, so no secured connection can be made.",
					"Remove the exclusion of io.lettuce:lettuce-core (the starter brings it) and any "
							+ "'spring.data.redis.client-type=jedis'.");
		}
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (!(context instanceof BeanDefinitionRegistry registry)
				|| !ClassUtils.isPresent(REDIS_CONNECTION_FACTORY, context.getClassLoader())) {
			return;
		}
		// Each on its own: under Spring AOT the check's definition comes from the
		// generated code, registered before this runs, while the post-processor, no bean,
		// must be added at run time all the same.
		if (!hasGuardPostProcessor(beanFactory)) {
			RedisConnectionGuardPostProcessor postProcessor = new RedisConnectionGuardPostProcessor();
			postProcessor.setBeanFactory(beanFactory);
			// Not also a bean: the container would count it twice among the
			// post-processors it registers.
			beanFactory.addBeanPostProcessor(postProcessor);
		}
		if (!registry.containsBeanDefinition(ConnectionFactoryBeanCheck.BEAN_NAME)) {
			// A bean definition (a singleton would get no call once every singleton
			// exists), which the auto-configuration backs off from.
			RootBeanDefinition check = new RootBeanDefinition(ConnectionFactoryBeanCheck.class);
			check.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
			registry.registerBeanDefinition(ConnectionFactoryBeanCheck.BEAN_NAME, check);
		}
	}

	private static boolean hasGuardPostProcessor(ConfigurableListableBeanFactory beanFactory) {
		return beanFactory instanceof AbstractBeanFactory factory && factory.getBeanPostProcessors()
			.stream()
			.anyMatch(RedisConnectionGuardPostProcessor.class::isInstance);
	}

}
