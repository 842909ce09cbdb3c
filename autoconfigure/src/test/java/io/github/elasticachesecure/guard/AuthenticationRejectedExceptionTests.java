package io.github.elasticachesecure.guard;

import io.github.elasticachesecure.cache.AuthMode;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.data.redis.RedisConnectionFailureException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AuthenticationRejectedException#findServerRejection} and
 * {@link AuthenticationRejectedException#findPermissionRefusal}, with the error replies
 * of redis-server 7.0.15 (the same in Valkey) and of Redis before 6, wrapped as Lettuce
 * and Spring Data Redis report them.
 */
class AuthenticationRejectedExceptionTests {

	@ParameterizedTest
	@ValueSource(strings = { "WRONGPASS invalid username-password pair or user is disabled.",
			"NOAUTH Authentication required.", "ERR invalid password", "ERR Client sent AUTH, but no password is set",
			"ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?" })
	void authenticationErrorsAreRejectedCredentials(String reply) {
		assertThat(AuthenticationRejectedException.findServerRejection(asLettuceReportsIt(reply))).isEqualTo(reply);
		assertThat(AuthenticationRejectedException.findPermissionRefusal(asLettuceReportsIt(reply))).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "NOPERM this user has no permissions to run the 'ping' command",
			"NOPERM this user has no permissions to run the 'select' command",
			"NOPERM this user has no permissions to access one of the keys used as arguments" })
	void permissionErrorsAreNotRejectedCredentials(String reply) {
		assertThat(AuthenticationRejectedException.findServerRejection(asLettuceReportsIt(reply))).isNull();
		assertThat(AuthenticationRejectedException.findPermissionRefusal(asLettuceReportsIt(reply))).isEqualTo(reply);
	}

	@Test
	void otherErrorsAreNeither() {
		RuntimeException failure = asLettuceReportsIt("ERR unknown command 'FOO'");
		assertThat(AuthenticationRejectedException.findServerRejection(failure)).isNull();
		assertThat(AuthenticationRejectedException.findPermissionRefusal(failure)).isNull();
	}

	private static RuntimeException asLettuceReportsIt(String reply) {
		return new RedisConnectionFailureException("Unable to connect to Redis", new RedisConnectionException(
				"Unable to connect to localhost/<unresolved>:6379", new RedisCommandExecutionException(reply)));
	}

	@Test
	void namesTheFactoryTheUserAndHowItAuthenticates() {
		AuthenticationRejectedException rejection = new AuthenticationRejectedException("redisConnectionFactory", "app",
				AuthMode.IAM, "WRONGPASS invalid username-password pair or user is disabled.");
		assertThat(rejection.getBeanName()).isEqualTo("redisConnectionFactory");
		assertThat(rejection.getUsername()).isEqualTo("app");
		assertThat(rejection.getAuthMode()).isEqualTo(AuthMode.IAM);
	}

}
