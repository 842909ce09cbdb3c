package io.github.elasticachesecure.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which values {@link SecretValuesSanitizingFunction} masks, resolved from a real
 * environment.
 */
class SecretValuesSanitizingFunctionTests {

	@Test
	void masksThePasswordOfTheRedisUrlWhereverItAppears() {
		SecretValuesSanitizingFunction function = function(
				Map.of("spring.data.redis.url", "rediss://user:S3cret%2Furl@cache.example:6379"));
		assertThat(isMasked(function, "spring.data.redis.url", "rediss://user:S3cret%2Furl@cache.example:6379"))
			.isTrue();
		assertThat(isMasked(function, "copy.encoded", "S3cret%2Furl")).isTrue();
		assertThat(isMasked(function, "copy.decoded", "S3cret/url")).isTrue();
		assertThat(isMasked(function, "other", "cache.example")).isFalse();
	}

	@Test
	void masksThePasswordOfAUrlWithoutUserName() {
		// The usual form for Redis AUTH with the default user.
		SecretValuesSanitizingFunction function = function(
				Map.of("spring.data.redis.url", "rediss://:S3cret@cache.example:6379"));
		assertThat(isMasked(function, "copy", "S3cret")).isTrue();
		assertThat(isMasked(function, "other", "cache.example")).isFalse();
	}

	@Test
	void masksAUrlThatCannotBeParsedAsAWhole() {
		// The space makes it an invalid URI: its password cannot be found, so the whole
		// value is the secret.
		String url = "rediss://user:S3cret word@cache.example:6379";
		SecretValuesSanitizingFunction function = function(Map.of("spring.data.redis.url", url));
		assertThat(isMasked(function, "copy", "value: " + url)).isTrue();
		assertThat(isMasked(function, "other", "cache.example")).isFalse();
	}

	@Test
	void aUrlWithoutUserInfoMasksNothingElse() {
		SecretValuesSanitizingFunction function = function(
				Map.of("spring.data.redis.url", "rediss://cache.example:6379"));
		assertThat(isMasked(function, "spring.data.redis.url", "rediss://cache.example:6379")).isFalse();
		assertThat(isMasked(function, "other", "cache.example")).isFalse();
	}

	@Test
	void masksTheFeedersOfAUrlThatDoesNotResolve() {
		// The URL cannot be resolved (its host is missing), but the property that feeds
		// its password is still secret.
		SecretValuesSanitizingFunction function = function(Map.of("spring.data.redis.url",
				"rediss://:${REDIS_PASSWORD}@${MISSING_HOST}:6379", "REDIS_PASSWORD", "S3cret"));
		assertThat(isMasked(function, "REDIS_PASSWORD", "S3cret")).isTrue();
		assertThat(isMasked(function, "copy", "S3cret")).isTrue();
	}

	@Test
	void masksEveryPropertyThatFeedsAUrlAndCopiesOfItsParts() {
		SecretValuesSanitizingFunction function = function(
				Map.of("spring.data.redis.url", "rediss://:${REDIS_PASSWORD}@${REDIS_HOST}:6379", "REDIS_PASSWORD",
						"S3cret", "REDIS_HOST", "cache.example"));
		// Fed into the URL, so masked by name, whatever its value.
		assertThat(isMasked(function, "REDIS_HOST", "cache.example")).isTrue();
		assertThat(isMasked(function, "copy", "S3cret")).isTrue();
		assertThat(isMasked(function, "unrelated", "value")).isFalse();
	}

	@Test
	void masksCopiesOfAPlainPassword() {
		SecretValuesSanitizingFunction function = function(Map.of("spring.data.redis.password", "S3cret"));
		assertThat(isMasked(function, "copy", "prefix-S3cret-suffix")).isTrue();
		assertThat(isMasked(function, "unrelated", "value")).isFalse();
	}

	@Test
	void masksCopiesOfThePartsOfAComposedSecret() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("elasticache.secure.auth.password", "${PART_ONE}-${PART_TWO}");
		properties.put("PART_ONE", "S3cret1");
		properties.put("PART_TWO", "S3cret2");
		SecretValuesSanitizingFunction function = function(properties);
		// A part alone does not contain the whole secret, but it is half of it.
		assertThat(isMasked(function, "copy.of.part", "S3cret1")).isTrue();
		assertThat(isMasked(function, "copy.of.other.part", "S3cret2")).isTrue();
	}

	@Test
	void followsPlaceholdersNestedSeveralLevelsDeep() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.password", "${LEVEL_ONE}");
		properties.put("LEVEL_ONE", "${LEVEL_TWO}-x");
		properties.put("LEVEL_TWO", "${LEVEL_THREE}-y");
		properties.put("LEVEL_THREE", "S3cret");
		SecretValuesSanitizingFunction function = function(properties);
		assertThat(isMasked(function, "LEVEL_TWO", "${LEVEL_THREE}-y")).isTrue();
		assertThat(isMasked(function, "LEVEL_THREE", "other")).isTrue();
	}

	@Test
	void masksEveryPropertyThatFeedsASecretThroughPlaceholdersUnderAnyKey() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("elasticache.secure.auth.password", "${PART_ONE}-${nested.part:fallback}");
		properties.put("PART_ONE", "S3cret1");
		properties.put("nested.part", "${PART_TWO}");
		properties.put("PART_TWO", "S3cret2");
		SecretValuesSanitizingFunction function = function(properties);
		assertThat(isMasked(function, "PART_ONE", "S3cret1")).isTrue();
		assertThat(isMasked(function, "nested.part", "${PART_TWO}")).isTrue();
		assertThat(isMasked(function, "PART_TWO", "S3cret2")).isTrue();
		assertThat(isMasked(function, "some.copy", "S3cret1-S3cret2")).isTrue();
		assertThat(isMasked(function, "unrelated", "value")).isFalse();
	}

	@Test
	void toleratesCircularAndUnresolvablePlaceholders() {
		SecretValuesSanitizingFunction function = function(Map.of("spring.data.redis.password", "${A}", "A", "${B}",
				"B", "${A}", "elasticache.secure.auth.password", "${MISSING}"));
		assertThat(isMasked(function, "A", "x")).isTrue();
		assertThat(isMasked(function, "unrelated", "value")).isFalse();
	}

	@Test
	void keepsMaskingKeysThatNameAnElastiCacheCredential() {
		SecretValuesSanitizingFunction function = function(Map.of());
		assertThat(isMasked(function, "ELASTICACHE_PASSWORD", "anything")).isTrue();
		assertThat(isMasked(function, "elasticache.secure.auth.password", "anything")).isTrue();
		assertThat(isMasked(function, "elasticache.secure.auth.username", "app")).isFalse();
	}

	@Test
	void masksKeysThatNameAnAwsSecretInEveryRelaxedForm() {
		SecretValuesSanitizingFunction function = function(Map.of());
		for (String key : new String[] { "AWS_SECRET_ACCESS_KEY", "aws.secretAccessKey", "AWS_SESSION_TOKEN",
				"aws.sessionToken", "AWS_SECRET_KEY", "aws.secretKey", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
				"aws.containerAuthorizationToken", "spring.cloud.aws.credentials.secret-key",
				"spring.cloud.aws.credentials.secretKey", "SPRING_CLOUD_AWS_CREDENTIALS_SECRETKEY" }) {
			assertThat(isMasked(function, key, "anything")).as(key).isTrue();
		}
		// The access key id names the key; it is no secret.
		assertThat(isMasked(function, "AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")).isFalse();
		assertThat(isMasked(function, "spring.cloud.aws.credentials.access-key", "AKIAIOSFODNN7EXAMPLE")).isFalse();
		assertThat(isMasked(function, "AWS_REGION", "us-east-1")).isFalse();
	}

	@Test
	void masksCopiesOfTheAwsSecretsAndTheirFeeders() {
		SecretValuesSanitizingFunction function = function(Map.of("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2VjEXAMPLE",
				"aws.secretAccessKey", "${VAULT_AWS_SECRET}", "VAULT_AWS_SECRET", "wJalrXUtnFEMIEXAMPLEKEY"));
		assertThat(isMasked(function, "copy.of.token", "token=IQoJb3JpZ2luX2VjEXAMPLE")).isTrue();
		assertThat(isMasked(function, "VAULT_AWS_SECRET", "wJalrXUtnFEMIEXAMPLEKEY")).isTrue();
		assertThat(isMasked(function, "copy.of.key", "wJalrXUtnFEMIEXAMPLEKEY")).isTrue();
		assertThat(isMasked(function, "unrelated", "value")).isFalse();
	}

	@Test
	void masksAPasswordThatYamlReadsAsANumberWhereverItAppears() {
		// What YAML's "password: 12345678" leaves in its property source: an Integer, not
		// a String.
		SecretValuesSanitizingFunction function = function(Map.of("spring.data.redis.password", 12345678));
		assertThat(isMasked(function, "spring.data.redis.password", 12345678)).isTrue();
		assertThat(isMasked(function, "copy.as.number", 12345678L)).isTrue();
		assertThat(isMasked(function, "copy.as.text", "12345678")).isTrue();
		assertThat(isMasked(function, "other.number", 6379)).isFalse();
		assertThat(isMasked(function, "other.flag", true)).isFalse();
	}

	private static SecretValuesSanitizingFunction function(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		return new SecretValuesSanitizingFunction(environment);
	}

	private static boolean isMasked(SecretValuesSanitizingFunction function, String key, Object value) {
		return SanitizableData.SANITIZED_VALUE.equals(function.apply(new SanitizableData(null, key, value)).getValue());
	}

}
