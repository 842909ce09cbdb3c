package io.github.elasticachesecure.autoconfigure;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which changed keys of an {@code EnvironmentChangeEvent} read the password again: those
 * under {@code elasticache.secure.auth}, in each property source's spelling.
 */
class EnvironmentChangePasswordRefresherTests {

	@Test
	void keysUnderTheAuthPropertiesInAnySpellingReadThePasswordAgain() {
		assertThat(EnvironmentChangePasswordRefresher.isAuthProperty("elasticache.secure.auth.password")).isTrue();
		assertThat(EnvironmentChangePasswordRefresher.isAuthProperty("elasticache.secure.auth.username")).isTrue();
		assertThat(EnvironmentChangePasswordRefresher.isAuthProperty("ELASTICACHE_SECURE_AUTH_PASSWORD")).isTrue();
		assertThat(EnvironmentChangePasswordRefresher.isAuthProperty("elasticache.secure.auth.secret-refresh-interval"))
			.isTrue();
	}

	@Test
	void otherKeysDoNot() {
		assertThat(EnvironmentChangePasswordRefresher.isAuthProperty("elasticache.secure.endpoint")).isFalse();
		assertThat(EnvironmentChangePasswordRefresher.isAuthProperty("elasticache.secure.authx")).isFalse();
		assertThat(EnvironmentChangePasswordRefresher.isAuthProperty("spring.data.redis.password")).isFalse();
		assertThat(EnvironmentChangePasswordRefresher.isAuthProperty("ELASTICACHE_SECURE_ENDPOINT")).isFalse();
	}

}
