package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.health.ElastiCacheHealthIndicator;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import io.lettuce.core.protocol.ProtocolVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health {@code reason} never passes a server's error text through: a real server
 * whose {@code AUTH} is renamed away answers a RESP2 client's {@code AUTH app <password>}
 * with {@code ERR unknown command 'AUTH', with args beginning with: 'app' '<password>'},
 * echoing the password the client sent. The reason names the error code and says what it
 * means in the starter's words.
 */
@ExtendWith(OutputCaptureExtension.class)
class HealthReasonIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD)
		.extraArgs("--rename-command", "AUTH", "");

	@Test
	void aServerErrorThatEchoesThePasswordIsReportedByItsCodeAndOurWordsOnly(CapturedOutput output) {
		RedisTestContexts.securedBy(redis)
			// RESP3 pinned: a refused HELLO fails the connection instead of falling back
			// to AUTH.
			.withBean(LettuceClientOptionsBuilderCustomizer.class,
					() -> (options) -> options.protocolVersion(ProtocolVersion.RESP2))
			.run((context) -> {
				Health health = context.getBean(ElastiCacheHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails().get("reason")).asString()
					.isEqualTo("PING to localhost:" + redis.port() + " failed: the server answered with an error ERR: "
							+ "a command was refused (unknown, renamed or not allowed) (its text is left out: it can "
							+ "echo the command's arguments)");
				assertThat(health.toString()).doesNotContain(RedisTestContexts.PASSWORD)
					.doesNotContain("unknown command");
				assertThat(output.getAll()).doesNotContain(RedisTestContexts.PASSWORD);
			});
	}

}
