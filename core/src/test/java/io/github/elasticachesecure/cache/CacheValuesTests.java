package io.github.elasticachesecure.cache;

import java.util.Map;

import io.lettuce.core.ReadFrom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The values of {@link AuthMode}, {@link CacheTopology} and {@link ReadPreference} shown
 * in health details and failure reports are the ones written in configuration: each binds
 * back to its constant.
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

	@Test
	void readPreferenceValuesAreWhatConfigurationSays() {
		assertThat(ReadPreference.REPLICA_PREFERRED.value()).isEqualTo("replica-preferred");
		assertThat(ReadPreference.ANY_REPLICA.value()).isEqualTo("any-replica");
		assertThat(ReadPreference.SAME_AZ.value()).isEqualTo("same-az");
		for (ReadPreference preference : ReadPreference.values()) {
			assertThat(bind(preference.value(), ReadPreference.class)).isEqualTo(preference);
			assertThat(ReadPreference.fromLettuceName(preference.value()))
				.isEqualTo((preference != ReadPreference.SAME_AZ) ? preference : null);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "master", "upstream", "masterPreferred", "upstreamPreferred", "slave", "replica",
			"slavePreferred", "replicaPreferred", "nearest", "lowestLatency", "any", "anyReplica" })
	void everyLettuceSpellingMeansWhatLettuceMakesOfIt(String name) {
		ReadPreference preference = ReadPreference.fromLettuceName(name);
		assertThat(preference).isNotNull();
		assertThat(preference.readFrom()).isSameAs(ReadFrom.valueOf(name));
	}

	@ParameterizedTest
	@ValueSource(strings = { "subnet:10.0.0.0/16", "regex:.*region-1.*", "primary" })
	void namesThatAreNoFixedChoiceHaveNoPreference(String name) {
		assertThat(ReadPreference.fromLettuceName(name)).isNull();
	}

	@Test
	void onlyReplicaChoicesRequireAReplica() {
		for (ReadPreference preference : ReadPreference.values()) {
			assertThat(preference.isReplicaRequired()).as(preference.value())
				.isEqualTo(preference == ReadPreference.REPLICA || preference == ReadPreference.ANY_REPLICA);
		}
	}

	private static <T> T bind(String value, Class<T> type) {
		return new Binder(new MapConfigurationPropertySource(Map.of("value", value))).bind("value", type).get();
	}

}
