package io.github.elasticachesecure.guard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MissingPermissionException}.
 */
class MissingPermissionExceptionTests {

	@ParameterizedTest
	@CsvSource(delimiterString = " => ",
			value = { "NOPERM this user has no permissions to run the 'role' command => role",
					"NOPERM User app has no permissions to run the 'ROLE' command => role",
					"NOPERM this user has no permissions to run the 'client|setname' command => client|setname" })
	void theRefusedCommandIsReadFromTheReply(String reply, String command) {
		assertThat(MissingPermissionException.refusedCommand(reply)).isEqualTo(command);
	}

	@ParameterizedTest
	@ValueSource(strings = { "NOPERM this user has no permissions to access one of the keys used as arguments",
			"NOPERM this user has no permissions to access one of the channels used as arguments" })
	void aRefusalOfKeysOrChannelsNamesNoCommand(String reply) {
		assertThat(MissingPermissionException.refusedCommand(reply)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "NOPERM this user has no permissions to run the 'ping' command",
			"NOPERM User app has no permissions to run the 'PING' command",
			"NOPERM this user has no permissions to access one of the keys used as arguments" })
	void aRefusedPingOrKeyIsNotAConnectCommand(String reply) {
		assertThat(MissingPermissionException.ofConnectCommand("redisConnectionFactory", "app", reply)).isNull();
	}

	@Test
	void aRefusedConnectCommandNamesTheFactoryTheUserAndTheCommand() {
		MissingPermissionException failure = MissingPermissionException.ofConnectCommand("redisConnectionFactory",
				"app", "NOPERM User app has no permissions to run the 'role' command");
		assertThat(failure).isNotNull();
		assertThat(failure.getBeanName()).isEqualTo("redisConnectionFactory");
		assertThat(failure.getUsername()).isEqualTo("app");
		assertThat(failure.getCommand()).isEqualTo("role");
		assertThat(failure)
			.hasMessage("RedisConnectionFactory 'redisConnectionFactory': user 'app' may not run 'role', "
					+ "which the client sends to open its connections, so it cannot connect: NOPERM User app has no "
					+ "permissions to run the 'role' command");
	}

	@Test
	void theDefaultUserIsNamedSo() {
		assertThat(new MissingPermissionException("f", null, "select", "NOPERM"))
			.hasMessageContaining("user 'default'");
	}

}
