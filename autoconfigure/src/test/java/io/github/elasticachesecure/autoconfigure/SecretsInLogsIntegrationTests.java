package io.github.elasticachesecure.autoconfigure;

import io.github.elasticachesecure.testbed.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole authenticated session with every logger at TRACE never prints the password.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsInLogsIntegrationTests {

	@AfterEach
	void resetLogLevel() {
		RedisTestContexts.resetRootLogLevel();
	}

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@Test
	void passwordNeverAppearsInTraceLogs(CapturedOutput output) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TraceApplication.class)
			.web(WebApplicationType.NONE)
			.run(RedisTestContexts.applicationArguments(redis, "--logging.level.root=TRACE",
					"--elasticache.secure.auth.username=" + RedisTestContexts.USER,
					"--elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD))) {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("traced", "value");
			assertThat(template.opsForValue().get("traced")).isEqualTo("value");
		}
		// The session was really logged at TRACE, down to Lettuce's protocol handling.
		assertThat(output.getOut()).contains("TRACE").contains("io.lettuce.core");
		assertThat(output.getAll().contains(RedisTestContexts.PASSWORD)).as("password in the log").isFalse();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TraceApplication {

	}

}
