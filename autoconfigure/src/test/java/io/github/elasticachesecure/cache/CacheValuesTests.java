package io.github.elasticachesecure.cache;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The values of {@link AuthMode} and {@link CacheTopology} shown in health details and failure reports are the ones
 * written in configuration: each binds back to its constant.
 */
class CacheValuesTests {

	@Test
	void authModeValuesAreWhatConfigurationSays() {
		assertThat(AuthMode.PASSWORD.value()).isEqualTo("password");
		assertThat(AuthMode.IAM.value()).isEqualTo("iam");
		assertThat(AuthMode.NONE.value()).isEqualTo("none");
		for (AuthMode mode : AuthMode.values()) {
			assertThat(bind(mode.value(), AuthMode.class)).isEqualTo(mode);
		}
	}

	@Test
	void topologyValuesAreWhatConfigurationSays() {
		assertThat(CacheTopology.STANDALONE.value()).isEqualTo("standalone");
		assertThat(CacheTopology.REPLICATION_GROUP.value()).isEqualTo("replication-group");
		assertThat(CacheTopology.CLUSTER.value()).isEqualTo("cluster");
		assertThat(CacheTopology.SERVERLESS.value()).isEqualTo("serverless");
		for (CacheTopology topology : CacheTopology.values()) {
			assertThat(bind(topology.value(), CacheTopology.class)).isEqualTo(topology);
		}
	}

	private static <T> T bind(String value, Class<T> type) {
		return new Binder(new MapConfigurationPropertySource(Map.of("value", value))).bind("value", type).get();
	}

}
