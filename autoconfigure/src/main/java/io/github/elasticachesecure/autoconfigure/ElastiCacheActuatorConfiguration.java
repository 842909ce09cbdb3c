package io.github.elasticachesecure.autoconfigure;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Keeps the connection's credentials masked in {@code /actuator/env} and
 * {@code /actuator/configprops} even when an application sets {@code show-values=always}
 * for them.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(SanitizingFunction.class)
class ElastiCacheActuatorConfiguration {

	@Bean
	SanitizingFunction elastiCacheCredentialsSanitizingFunction(Environment environment) {
		return new SecretValuesSanitizingFunction(environment);
	}

}
