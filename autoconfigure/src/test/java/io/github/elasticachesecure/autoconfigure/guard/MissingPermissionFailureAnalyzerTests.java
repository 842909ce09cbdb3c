package io.github.elasticachesecure.autoconfigure.guard;

import io.github.elasticachesecure.guard.MissingPermissionException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MissingPermissionFailureAnalyzer}.
 */
class MissingPermissionFailureAnalyzerTests {

	private static final String REPLY = "NOPERM User app has no permissions to run the 'role' command";

	@Test
	void describesTheRefusedCommandAndTheUser() {
		MissingPermissionException failure = new MissingPermissionException("redisConnectionFactory", "app", "role",
				REPLY);
		FailureAnalysis analysis = analyze(failure);
		assertThat(analysis.getDescription()).isEqualTo("RedisConnectionFactory 'redisConnectionFactory': user 'app' "
				+ "may not run 'role', which the client sends to open its connections, so it cannot connect: " + REPLY
				+ ".");
		assertThat(analysis.getCause()).isSameAs(failure);
	}

	@Test
	void roleNamesTheReaderEndpointAndTheGrant() {
		assertThat(analyze(new MissingPermissionException("f", "app", "role", REPLY)).getAction())
			.startsWith("Grant the user 'app' the command: add '+role' to its access string")
			.contains("'elasticache.secure.reader-endpoint'");
	}

	@Test
	void selectNamesTheDatabaseProperty() {
		assertThat(analyze(new MissingPermissionException("f", null, "select", REPLY)).getAction())
			.startsWith("Grant the user 'default' the command: add '+select'")
			.contains("'spring.data.redis.database'");
	}

	@Test
	void aSubcommandIsGrantedAsTheServerNamesIt() {
		assertThat(analyze(new MissingPermissionException("f", "app", "client|setname", REPLY)).getAction())
			.contains("add '+client|setname'")
			.contains("'spring.data.redis.client-name'");
	}

	private static FailureAnalysis analyze(MissingPermissionException failure) {
		FailureAnalysis analysis = new MissingPermissionFailureAnalyzer()
			.analyze(new BeanCreationException("redisConnectionFactory", "wrapped", failure));
		assertThat(analysis).isNotNull();
		return analysis;
	}

}
