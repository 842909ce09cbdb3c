package io.github.elasticachesecure.cache;

import io.lettuce.core.RedisCommandExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each explanation is logged once per command and kind of reply, at WARN, without the
 * reply's arguments.
 */
@ExtendWith(OutputCaptureExtension.class)
class RefusedCommandLogTests {

	private final RefusedCommandLog log = new RefusedCommandLog();

	@Test
	void logsOncePerCommandAndKind(CapturedOutput output) {
		RedisCommandExecutionException keys = new RedisCommandExecutionException(
				"ERR unknown command 'KEYS', with args beginning with: 'user:password-7*' ");
		assertThat(this.log.commandFailed("KEYS", keys)).isTrue();
		assertThat(this.log.commandFailed("KEYS", keys)).isFalse();
		assertThat(this.log.commandFailed("keys", keys)).as("the same command in lower case").isFalse();
		assertThat(this.log.commandFailed("CONFIG", new RedisCommandExecutionException("ERR unknown command 'CONFIG'")))
			.isTrue();
		assertThat(this.log.commandFailed("KEYS",
				new RedisCommandExecutionException(
						"NOPERM this user has no " + "permissions to run the 'keys' command")))
			.as("another kind of reply")
			.isTrue();
		assertThat(output).contains("WARN").contains("Command KEYS was refused as unknown").contains("SCAN");
		assertThat(output.toString().split("Command KEYS was refused as unknown", -1)).hasSize(2);
		assertThat(output).doesNotContain("password-7");
	}

	@Test
	void otherFailuresAreNotLogged(CapturedOutput output) {
		assertThat(this.log.commandFailed("GET", new RedisCommandExecutionException("WRONGTYPE Operation"))).isFalse();
		assertThat(this.log.commandFailed("GET", new IllegalStateException())).isFalse();
		assertThat(this.log.commandFailed("GET", null)).isFalse();
		assertThat(output).doesNotContain("RefusedCommandLog");
	}

}
