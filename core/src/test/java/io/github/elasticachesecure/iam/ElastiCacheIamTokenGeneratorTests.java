package io.github.elasticachesecure.iam;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.elasticachesecure.testkit.SigV4Reference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ElastiCacheIamTokenGenerator}. Tokens and secrets are compared, never
 * printed.
 */
class ElastiCacheIamTokenGeneratorTests {

	// AWS documentation example keys, not real credentials.
	private static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";

	private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

	private static final String SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLE//session+token=";

	private static final Instant NOW = Instant.parse("2024-05-17T10:11:12.345Z");

	private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

	@Test
	void tokenMatchesIndependentSigV4ForPlainCredentials() {
		ElastiCacheIamTokenGenerator generator = new ElastiCacheIamTokenGenerator("my-cache", "app-user", "us-east-1",
				false, CLOCK);
		IamAuthToken token = generator.generate(AwsCredentialsIdentity.create(ACCESS_KEY, SECRET_KEY));
		assertMatchesReference(token.value(), "my-cache", "app-user", "us-east-1", false, null);
		assertThat(token.issuedAt()).isEqualTo(Instant.parse("2024-05-17T10:11:12Z"));
		assertThat(token.usableUntil()).isEqualTo(Instant.parse("2024-05-17T10:25:12Z"));
	}

	@Test
	void tokenMatchesIndependentSigV4ForSessionCredentials() {
		ElastiCacheIamTokenGenerator generator = new ElastiCacheIamTokenGenerator("my-cache", "app-user", "eu-west-1",
				false, CLOCK);
		IamAuthToken token = generator
			.generate(AwsSessionCredentialsIdentity.create(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN));
		assertMatchesReference(token.value(), "my-cache", "app-user", "eu-west-1", false, SESSION_TOKEN);
	}

	@Test
	void tokenMatchesIndependentSigV4ForServerlessCache() {
		ElastiCacheIamTokenGenerator generator = new ElastiCacheIamTokenGenerator("my-serverless", "app-user",
				"us-gov-west-1", true, CLOCK);
		IamAuthToken token = generator.generate(AwsCredentialsIdentity.create(ACCESS_KEY, SECRET_KEY));
		assertMatchesReference(token.value(), "my-serverless", "app-user", "us-gov-west-1", true, null);
		assertThat(parameters(token.value())).containsEntry("ResourceType", "ServerlessCache");
	}

	@Test
	void userIdThatNeedsEscapingIsSignedAsEncoded() {
		// Validation only admits letters, digits and hyphens; the signing path below it
		// must still escape correctly.
		String userId = "app user+1/ü=&x";
		String value = ElastiCacheIamTokenGenerator.presign("my-cache", userId, "us-east-1", false,
				Instant.parse("2024-05-17T10:11:12Z"), AwsCredentialsIdentity.create(ACCESS_KEY, SECRET_KEY));
		assertMatchesReference(value, "my-cache", userId, "us-east-1", false, null);
		assertThat(value).contains("User=app%20user%2B1%2F%C3%BC%3D%26x");
	}

	@Test
	void upperCaseCacheNameIsLowerCased() {
		ElastiCacheIamTokenGenerator generator = new ElastiCacheIamTokenGenerator("My-Cache", "app-user", "us-east-1",
				false, CLOCK);
		assertThat(generator.cacheName()).isEqualTo("my-cache");
		IamAuthToken token = generator.generate(AwsCredentialsIdentity.create(ACCESS_KEY, SECRET_KEY));
		assertMatchesReference(token.value(), "my-cache", "app-user", "us-east-1", false, null);
	}

	@Test
	void usableUntilFollowsCredentialsExpiryWhenSooner() {
		ElastiCacheIamTokenGenerator generator = new ElastiCacheIamTokenGenerator("my-cache", "app-user", "us-east-1",
				false, CLOCK);
		AwsSessionCredentials credentials = AwsSessionCredentials.builder()
			.accessKeyId(ACCESS_KEY)
			.secretAccessKey(SECRET_KEY)
			.sessionToken(SESSION_TOKEN)
			.expirationTime(Instant.parse("2024-05-17T10:13:12Z"))
			.build();
		IamAuthToken token = generator.generate(credentials);
		assertThat(token.usableUntil()).isEqualTo(Instant.parse("2024-05-17T10:12:12Z"));
		assertMatchesReference(token.value(), "my-cache", "app-user", "us-east-1", false, SESSION_TOKEN);
	}

	@Test
	void usableUntilFollowsTokenExpiryWhenCredentialsLastLonger() {
		ElastiCacheIamTokenGenerator generator = new ElastiCacheIamTokenGenerator("my-cache", "app-user", "us-east-1",
				false, CLOCK);
		AwsSessionCredentials credentials = AwsSessionCredentials.builder()
			.accessKeyId(ACCESS_KEY)
			.secretAccessKey(SECRET_KEY)
			.sessionToken(SESSION_TOKEN)
			.expirationTime(NOW.plusSeconds(3600))
			.build();
		assertThat(generator.generate(credentials).usableUntil()).isEqualTo(Instant.parse("2024-05-17T10:25:12Z"));
	}

	@Test
	void noDescriptionShowsTheSecretPartsOfASignedToken() {
		ElastiCacheIamTokenGenerator generator = new ElastiCacheIamTokenGenerator("my-cache", "app-user", "us-east-1",
				false, CLOCK);
		IamAuthToken token = generator
			.generate(AwsSessionCredentialsIdentity.create(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN));
		// The token carries the session token and the signature; the generator has just
		// signed with the secret key.
		Map<String, String> parameters = parameters(token.value());
		List<String> secrets = List.of(token.value(), SECRET_KEY, SESSION_TOKEN,
				URLEncoder.encode(SESSION_TOKEN, StandardCharsets.UTF_8), parameters.get("X-Amz-Security-Token"),
				parameters.get("X-Amz-Signature"));
		assertThat(secrets).doesNotContainNull();
		String text = token.toString();
		for (String described : List.of(text, generator.toString())) {
			for (String secret : secrets) {
				// compared as a boolean so that a failure does not print the secret
				assertThat(described.contains(secret)).as("a secret in a description").isFalse();
			}
			assertThat(described).doesNotContain("X-Amz-Signature").doesNotContain("X-Amz-Security-Token");
		}
		assertThat(text).contains("value=<redacted>").contains("issuedAt=2024-05-17T10:11:12Z");
	}

	@Test
	void descriptionNamesWhatTheTokensAreSignedFor() {
		ElastiCacheIamTokenGenerator serverless = new ElastiCacheIamTokenGenerator("My-Cache", "app-user", "eu-west-1",
				true);
		assertThat(serverless.serverless()).isTrue();
		assertThat(serverless).hasToString(
				"ElastiCacheIamTokenGenerator[cacheName=my-cache, userId=app-user, region=eu-west-1, serverless=true]");
		assertThat(new ElastiCacheIamTokenGenerator("my-cache", "app-user", "eu-west-1", false).serverless()).isFalse();
	}

	@Test
	void cacheNameIsValidated() {
		assertInvalid(IamSetting.CACHE_NAME, null, "app-user", "us-east-1");
		assertInvalid(IamSetting.CACHE_NAME, " ", "app-user", "us-east-1");
		assertInvalid(IamSetting.CACHE_NAME, "1cache", "app-user", "us-east-1");
		assertInvalid(IamSetting.CACHE_NAME, "my--cache", "app-user", "us-east-1");
		assertInvalid(IamSetting.CACHE_NAME, "my-cache-", "app-user", "us-east-1");
		assertInvalid(IamSetting.CACHE_NAME, "my_cache", "app-user", "us-east-1");
		assertInvalid(IamSetting.CACHE_NAME, "my-cache.abc123.ng.0001.use1.cache.amazonaws.com", "app-user",
				"us-east-1");
		assertInvalid(IamSetting.CACHE_NAME, "a".repeat(41), "app-user", "us-east-1");
		assertThat(new ElastiCacheIamTokenGenerator("a".repeat(40), "app-user", "us-east-1", false).cacheName())
			.hasSize(40);
		assertThat(new ElastiCacheIamTokenGenerator("a", "app-user", "us-east-1", true).cacheName()).isEqualTo("a");
	}

	@Test
	void userIdIsValidated() {
		assertInvalid(IamSetting.USER_ID, "my-cache", null, "us-east-1");
		assertInvalid(IamSetting.USER_ID, "my-cache", "", "us-east-1");
		assertInvalid(IamSetting.USER_ID, "my-cache", "1user", "us-east-1");
		assertInvalid(IamSetting.USER_ID, "my-cache", "app user", "us-east-1");
		assertInvalid(IamSetting.USER_ID, "my-cache", "app_user", "us-east-1");
		assertInvalid(IamSetting.USER_ID, "my-cache", "u".repeat(41), "us-east-1");
		assertThat(new ElastiCacheIamTokenGenerator("my-cache", "u".repeat(40), "us-east-1", false).userId())
			.hasSize(40);
		assertThat(new ElastiCacheIamTokenGenerator("my-cache", "App-User-2", "us-east-1", false).userId())
			.isEqualTo("App-User-2");
	}

	@Test
	void regionIsValidated() {
		assertInvalid(IamSetting.REGION, "my-cache", "app-user", null);
		assertInvalid(IamSetting.REGION, "my-cache", "app-user", "  ");
		assertInvalid(IamSetting.REGION, "my-cache", "app-user", "US-EAST-1");
		assertInvalid(IamSetting.REGION, "my-cache", "app-user", "us-east");
		assertInvalid(IamSetting.REGION, "my-cache", "app-user", "useast1");
		assertInvalid(IamSetting.REGION, "my-cache", "app-user", "us-east-1.amazonaws.com");
		for (String region : new String[] { "us-east-1", "cn-north-1", "us-gov-west-1", "ap-southeast-5",
				"eu-isoe-west-1" }) {
			assertThat(new ElastiCacheIamTokenGenerator("my-cache", "app-user", region, false).region())
				.isEqualTo(region);
		}
	}

	@SuppressWarnings("NullAway")
	private static void assertInvalid(IamSetting setting, @Nullable String cacheName, @Nullable String userId,
			@Nullable String region) {
		assertThatExceptionOfType(InvalidIamSettingException.class)
			.isThrownBy(() -> new ElastiCacheIamTokenGenerator(cacheName, userId, region, false, CLOCK))
			.satisfies((ex) -> {
				assertThat(ex.getSetting()).isEqualTo(setting);
				// The reason and what a valid value is, which the failure analysis shows
				// with the property.
				assertThat(ex.getReason()).isNotBlank();
				assertThat(ex.getMessage()).contains(setting.name()).endsWith(": " + ex.getReason());
				assertThat(setting.validValue()).isNotBlank();
			});
	}

	private static void assertMatchesReference(String token, String host, String userId, String region,
			boolean serverless, @Nullable String sessionToken) {
		assertThat(token).startsWith(host + "/?").doesNotStartWith("https:");
		Map<String, String> request = new LinkedHashMap<>();
		request.put("Action", "connect");
		request.put("User", userId);
		if (serverless) {
			request.put("ResourceType", "ServerlessCache");
		}
		Instant signingTime = Instant.parse("2024-05-17T10:11:12Z");
		Map<String, String> expected = SigV4Reference.presignedParameters(host, request, region, "elasticache",
				signingTime, ACCESS_KEY, SECRET_KEY, sessionToken, 900);
		Map<String, String> actual = parameters(token);
		assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
		// Compared as booleans so that a mismatch does not print a signature or session
		// token.
		for (String name : expected.keySet()) {
			assertThat(expected.get(name).equals(actual.get(name))).as("parameter %s matches", name).isTrue();
		}
	}

	private static Map<String, String> parameters(String token) {
		String query = token.substring(token.indexOf("/?") + 2);
		Map<String, String> parameters = new LinkedHashMap<>();
		for (String pair : query.split("&")) {
			int equals = pair.indexOf('=');
			String name = URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8);
			String value = pair.substring(equals + 1);
			// URLDecoder would turn '+' into a space; SigV4 never emits a raw '+'.
			assertThat(value).doesNotContain("+");
			String previous = parameters.put(name, URLDecoder.decode(value, StandardCharsets.UTF_8));
			assertThat(previous).as("duplicate parameter %s", name).isNull();
		}
		return parameters;
	}

}
