package io.github.elasticachesecure.autoconfigure;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Registers the {@link RedisConnectionGuardPostProcessor} in every Spring Boot context, so that the factories of a
 * context without the starter's auto-configuration (a child context built with {@code SpringApplicationBuilder}, for
 * instance) are checked too, by the guard of the context or of an ancestor. A context where no guard exists is left
 * alone.
 */
class RedisConnectionGuardInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static final String REDIS_CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		if (context instanceof BeanDefinitionRegistry registry
				&& ClassUtils.isPresent(REDIS_CONNECTION_FACTORY, context.getClassLoader())
				&& !registry.containsBeanDefinition(RedisConnectionGuardPostProcessor.BEAN_NAME)) {
			RootBeanDefinition definition = new RootBeanDefinition(RedisConnectionGuardPostProcessor.class,
					RedisConnectionGuardPostProcessor::new);
			definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
			registry.registerBeanDefinition(RedisConnectionGuardPostProcessor.BEAN_NAME, definition);
		}
	}

}
