package io.github.elasticachesecure.guard;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The guard's reflective read in a native image: the factory's private configuration
 * field, which has no public accessor (see {@link ConnectionFactoryNodes}).
 */
class GuardRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection()
			.registerType(LettuceConnectionFactory.class,
					(type) -> type.withField(ConnectionFactoryNodes.CONFIGURATION_FIELD));
	}

}
