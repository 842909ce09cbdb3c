package io.github.elasticachesecure.cache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the replies of ElastiCache's restrictions mean, built from the command's name and
 * the reply's first words only.
 */
class RefusedCommandsTests {

	@Test
	void keysRefusedAsUnknownPointsToScan() {
		String explanation = RefusedCommands.explain("KEYS",
				"ERR unknown command 'keys', with args beginning with: 'session:secret-token-1*' ");
		assertThat(explanation).startsWith("Command KEYS was refused as unknown.")
			.contains("SCAN")
			.contains("docs/elasticache-commands.md")
			.doesNotContain("secret-token-1");
	}

	@Test
	void configPointsToTheParameterGroupAndSpringSessionsSetting() {
		assertThat(RefusedCommands.explain("CONFIG",
				"ERR unknown command 'CONFIG', with args beginning with: 'GET' 'notify-keyspace-events' "))
			.contains("parameter group")
			.contains("spring.session.data.redis.configure-action=none")
			.doesNotContain("'GET'");
	}

	@Test
	void patternSubscriptionsPointToNamedChannels() {
		assertThat(RefusedCommands.explain("psubscribe",
				"ERR unknown command 'psubscribe', with args beginning with: __keyevent@*__:expired"))
			.startsWith("Command PSUBSCRIBE was refused")
			.contains("SUBSCRIBE")
			.doesNotContain("__keyevent");
	}

	@Test
	void crossSlotPointsToHashTags() {
		assertThat(RefusedCommands.explain("EVAL", "CROSSSLOT Keys in request don't hash to the same slot"))
			.startsWith("Command EVAL was refused with CROSSSLOT")
			.contains("hash tag")
			.contains("{order:42}");
	}

	@Test
	void noPermissionPointsToTheAccessStringAndTheAdviceForTheCommand() {
		assertThat(
				RefusedCommands.explain("ACL", "NOPERM this user has no permissions to run the 'acl|setuser' command"))
			.contains("access string")
			.contains("CreateUser");
		assertThat(RefusedCommands.explain("GET", "NOPERM this user has no permissions to access one of the keys"))
			.contains("ModifyUser");
	}

	@Test
	void anotherDatabaseThanZeroIsExplained() {
		assertThat(RefusedCommands.explain("SELECT", "ERR DB index is out of range")).contains("database 0");
		assertThat(RefusedCommands.explain("SELECT", "ERR SELECT is not allowed in cluster mode"))
			.contains("database 0");
	}

	@Test
	void anUnknownCommandWithoutAdviceStillSaysWhereToLook() {
		assertThat(RefusedCommands.explain("FT.SEARCH", "ERR unknown command 'FT.SEARCH', with args beginning with: "))
			.contains("engine version")
			.contains("docs/elasticache-commands.md");
	}

	@Test
	void otherErrorsAreNotExplained() {
		assertThat(RefusedCommands.explain("GET", "WRONGTYPE Operation against a key holding the wrong kind of value"))
			.isNull();
		assertThat(RefusedCommands.explain("SET", "ERR value is not an integer or out of range")).isNull();
		assertThat(RefusedCommands.explain("GET", null)).isNull();
	}

	@Test
	void aNameThatIsNoCommandNameIsNotRepeated() {
		assertThat(RefusedCommands.explain("KEYS secret", "ERR unknown command 'x'")).startsWith("Command ? ")
			.doesNotContain("secret");
		assertThat(RefusedCommands.commandName("a".repeat(41))).isEqualTo("?");
		assertThat(RefusedCommands.commandName("client|list")).isEqualTo("CLIENT|LIST");
	}

	@Test
	void theKindIsTheFirstWord() {
		assertThat(RefusedCommands.kind("CROSSSLOT Keys in request")).isEqualTo("CROSSSLOT");
		assertThat(RefusedCommands.kind("NOPERM this user")).isEqualTo("NOPERM");
		assertThat(RefusedCommands.kind("ERR unknown command")).isEqualTo("ERR");
		assertThat(RefusedCommands.kind("ERR")).isEqualTo("ERR");
	}

}
