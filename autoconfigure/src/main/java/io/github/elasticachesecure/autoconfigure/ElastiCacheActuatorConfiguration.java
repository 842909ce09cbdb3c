package io.github.elasticachesecure.autoconfigure;

import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps the starter's credentials masked in {@code /actuator/env} and {@code /actuator/configprops} even when an
 * application sets {@code show-values=always} for them.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(SanitizingFunction.class)
class ElastiCacheActuatorConfiguration {

	@Bean
	SanitizingFunction elastiCacheCredentialsSanitizingFunction() {
		return SanitizingFunction.sanitizeValue().ifKeyMatches(ElastiCacheActuatorConfiguration::isElastiCacheCredential);
	}

	/**
	 * {@code elasticache.secure.auth.password} in any of its relaxed forms (ELASTICACHE_SECURE_AUTH_PASSWORD), and
	 * variables like the sample's {@code ELASTICACHE_PASSWORD} that feed it.
	 */
	static boolean isElastiCacheCredential(String key) {
		String normalized = key.toLowerCase(Locale.ROOT);
		return normalized.contains("elasticache")
				&& (normalized.contains("password") || normalized.contains("token") || normalized.contains("secret"));
	}

}
