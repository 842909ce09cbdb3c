package io.github.elasticachesecure.autoconfigure;

import java.util.List;

import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * What the connection's configuration looks up reflectively, for a native image: the
 * optional modules it checks by name (netty-tcnative for the OpenSSL engine, the AWS
 * SDK's signer for IAM and its Secrets Manager client for a secret, Spring Cloud Context
 * for a password the environment may change) and Lettuce 7's switch for the adaptive
 * refresh triggers, which Lettuce 6 lacks.
 */
class ElastiCacheRuntimeHints implements RuntimeHintsRegistrar {

	static final String DISABLE_ADAPTIVE_REFRESH_TRIGGERS = "disableAllAdaptiveRefreshTriggers";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection()
			.registerType(TypeReference.of(TlsEngine.TCNATIVE_CLASS))
			.registerType(TypeReference.of(ElastiCacheConnectionConfiguration.AWS_SIGNER_CLASS))
			.registerType(TypeReference.of(SecretsManagerSource.SECRETS_MANAGER_CLIENT_CLASS))
			.registerType(TypeReference.of(ElastiCacheSecretConfiguration.ENVIRONMENT_CHANGE_EVENT))
			.registerType(ClusterTopologyRefreshOptions.Builder.class,
					(type) -> type.withMethod(DISABLE_ADAPTIVE_REFRESH_TRIGGERS, List.of(), ExecutableMode.INVOKE));
	}

}
