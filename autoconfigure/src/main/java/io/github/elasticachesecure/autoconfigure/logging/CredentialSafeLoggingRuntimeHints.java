package io.github.elasticachesecure.autoconfigure.logging;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * Logback's context, which the credential-safe logging looks up by name: without the hint
 * a native image would find no Logback and leave its logs unprotected.
 */
class CredentialSafeLoggingRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection()
			.registerType(TypeReference.of(CredentialSafeLoggingApplicationListener.LOGBACK_CONTEXT_CLASS));
	}

}
