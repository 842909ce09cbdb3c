package io.github.elasticachesecure.autoconfigure;

import java.util.List;

import io.github.elasticachesecure.testkit.ElastiCacheRestrictions.Flavour;
import io.github.elasticachesecure.testkit.LocalElastiCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The application's own commands that ElastiCache refuses, sent through the starter to
 * TLS servers refusing what serverless refuses: each refusal still fails the call, and is
 * explained at WARN once per command, without the command's arguments.
 */
@ExtendWith(OutputCaptureExtension.class)
class RefusedCommandsIntegrationTests {

	@RegisterExtension
	static final LocalElastiCache serverless = LocalElastiCache.standalone()
		.elastiCacheRestrictions(Flavour.SERVERLESS);

	@Test
	void keysAndConfigAreExplainedOnceEachWithoutTheirArguments(CapturedOutput output) {
		securedBy(serverless).run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			for (int i = 0; i < 3; i++) {
				assertThatExceptionOfType(DataAccessException.class)
					.isThrownBy(() -> template.keys("session:secret-9f3c*"));
			}
			assertThatExceptionOfType(DataAccessException.class)
				.isThrownBy(() -> template.execute((RedisCallback<Object>) (connection) -> connection.serverCommands()
					.getConfig("notify-keyspace-events")));
			template.opsForValue().set("still", "served");
			assertThat(template.opsForValue().get("still")).isEqualTo("served");
		});
		assertThat(output.toString().split("Command KEYS was refused as unknown", -1)).as("KEYS explained once")
			.hasSize(2);
		assertThat(output).contains("WARN")
			.contains("SCAN")
			.contains("Command CONFIG was refused")
			.contains("parameter group");
		assertThat(output).doesNotContain("secret-9f3c").doesNotContain("notify-keyspace-events'");
	}

	@Test
	void aScriptOverKeysInSeveralSlotsIsExplainedWithHashTags(CapturedOutput output) {
		try (LocalElastiCache cluster = LocalElastiCache.cluster(3, 0)
			.elastiCacheRestrictions(Flavour.SERVERLESS)
			.start()) {
			securedBy(cluster).run((context) -> {
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				RedisScript<Long> script = RedisScript.of("return redis.call('EXISTS', KEYS[1], KEYS[2])", Long.class);
				assertThatExceptionOfType(DataAccessException.class)
					.isThrownBy(() -> template.execute(script, List.of("cart:a", "orders:b")));
				assertThat(template.execute(script, List.of("{user:1}:cart", "{user:1}:orders"))).isZero();
			});
		}
		assertThat(output).contains("was refused with CROSSSLOT").contains("hash tag").doesNotContain("cart:a");
	}

	private static ApplicationContextRunner securedBy(LocalElastiCache cache) {
		return RedisTestContexts.runner()
			.withPropertyValues(cache.connectionProperties()
				.entrySet()
				.stream()
				.map((property) -> property.getKey() + "=" + property.getValue())
				.toArray(String[]::new));
	}

}
