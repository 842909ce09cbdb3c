package io.github.elasticachesecure.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.util.PropertyPlaceholderHelper;
import org.springframework.util.StringUtils;

/**
 * Masks the credentials of the Redis connection in {@code /actuator/env} and
 * {@code /actuator/configprops}, whatever the key they appear under: every value that
 * contains a configured secret ({@code elasticache.secure.auth.password},
 * {@code spring.data.redis.password}, the password in {@code spring.data.redis.url}, the
 * AWS secret key and session token) or a property that feeds one through a placeholder,
 * and every property so fed. Values are compared as text whatever their type: YAML reads
 * {@code password: 12345678} as a number, and the property source keeps it so. Secrets
 * are resolved from the {@link Environment} on each call, so a changed environment is
 * followed. Also masks keys that name an ElastiCache credential, such as
 * {@code ELASTICACHE_PASSWORD}, and keys that name an AWS secret in any of their relaxed
 * forms ({@code AWS_SECRET_ACCESS_KEY}, {@code aws.sessionToken},
 * {@code spring.cloud.aws.credentials.secret-key}, ...): Spring Boot masks no key by name
 * once values are shown.
 */
class SecretValuesSanitizingFunction implements SanitizingFunction {

	/**
	 * The AWS SDK's environment variables and system properties (SDK v2, and the v1
	 * aliases it still reads) that hold a secret key, a session token or the container
	 * credentials' token, and Spring Cloud AWS's secret key. The access key id is no
	 * secret: it names the key.
	 */
	private static final List<String> AWS_SECRET_PROPERTIES = List.of("AWS_SECRET_ACCESS_KEY", "aws.secretAccessKey",
			"AWS_SECRET_KEY", "aws.secretKey", "AWS_SESSION_TOKEN", "aws.sessionToken",
			"AWS_CONTAINER_AUTHORIZATION_TOKEN", "aws.containerAuthorizationToken",
			"spring.cloud.aws.credentials.secret-key");

	private static final List<String> SECRET_PROPERTIES = secretProperties();

	/** {@link #AWS_SECRET_PROPERTIES} as {@link #normalized(String)} compares keys. */
	private static final Set<String> AWS_SECRET_KEYS = AWS_SECRET_PROPERTIES.stream()
		.map(SecretValuesSanitizingFunction::normalized)
		.collect(Collectors.toUnmodifiableSet());

	private static final String URL_PROPERTY = "spring.data.redis.url";

	private static final PropertyPlaceholderHelper PLACEHOLDERS = new PropertyPlaceholderHelper("${", "}", ":", '\\',
			true);

	private final Environment environment;

	SecretValuesSanitizingFunction(Environment environment) {
		this.environment = environment;
	}

	private static List<String> secretProperties() {
		List<String> properties = new ArrayList<>(
				List.of("elasticache.secure.auth.password", "spring.data.redis.password"));
		properties.addAll(AWS_SECRET_PROPERTIES);
		return List.copyOf(properties);
	}

	@Override
	public SanitizableData apply(SanitizableData data) {
		if (isElastiCacheCredential(data.getKey()) || AWS_SECRET_KEYS.contains(normalized(data.getKey()))) {
			return data.withSanitizedValue();
		}
		Secrets secrets = secrets();
		if (secrets.feeders().contains(data.getKey())) {
			return data.withSanitizedValue();
		}
		String text = text(data.getValue());
		if (text != null && secrets.values().stream().anyMatch(text::contains)) {
			return data.withSanitizedValue();
		}
		return data;
	}

	/**
	 * A scalar value as text, as the environment converts it when the secret is read: a
	 * YAML number or boolean stays one in its property source. Other values (beans, maps
	 * of configprops) are masked member by member.
	 */
	private static @Nullable String text(@Nullable Object value) {
		return (value instanceof CharSequence || value instanceof Number || value instanceof Boolean
				|| value instanceof Character) ? value.toString() : null;
	}

	/**
	 * A key without case and separators, so that every relaxed form of a name (an
	 * environment variable, a system property, a kebab-case or camel-case property)
	 * compares equal.
	 */
	private static String normalized(String key) {
		StringBuilder normalized = new StringBuilder(key.length());
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (Character.isLetterOrDigit(c)) {
				normalized.append(Character.toLowerCase(c));
			}
		}
		return normalized.toString();
	}

	/**
	 * {@code elasticache.secure.auth.password} in any of its relaxed forms
	 * (ELASTICACHE_SECURE_AUTH_PASSWORD), and variables like the sample's
	 * {@code ELASTICACHE_PASSWORD} that feed it.
	 */
	private static boolean isElastiCacheCredential(String key) {
		String normalized = key.toLowerCase(Locale.ROOT);
		return normalized.contains("elasticache")
				&& (normalized.contains("password") || normalized.contains("token") || normalized.contains("secret"));
	}

	private Secrets secrets() {
		Set<String> values = new LinkedHashSet<>();
		Set<String> feeders = new LinkedHashSet<>();
		for (String property : SECRET_PROPERTIES) {
			addSecret(values, resolve(property));
			collectFeeders(property, feeders);
		}
		String url = resolve(URL_PROPERTY);
		if (url != null) {
			addUrlPassword(values, url);
		}
		// Even when the URL does not resolve, as for the other secret properties: its
		// feeders may hold the password.
		collectFeeders(URL_PROPERTY, feeders);
		for (String feeder : feeders) {
			addSecret(values, resolve(feeder));
		}
		return new Secrets(values, feeders);
	}

	private static void addSecret(Set<String> values, @Nullable String value) {
		// An empty value would match everything and protects nothing.
		if (StringUtils.hasLength(value)) {
			values.add(value);
		}
	}

	private @Nullable String resolve(String property) {
		try {
			return this.environment.getProperty(property);
		}
		catch (IllegalArgumentException ex) {
			// An unresolvable placeholder: nothing to mask.
			return null;
		}
	}

	/**
	 * Adds the names of the placeholders, nested ones included, in the raw value of the
	 * property.
	 */
	private void collectFeeders(String property, Set<String> feeders) {
		String raw = rawValue(property);
		if (raw == null) {
			return;
		}
		try {
			PLACEHOLDERS.replacePlaceholders(raw, (name) -> {
				// The helper parses what this returns for further placeholders.
				return feeders.add(name) ? rawValue(name) : null;
			});
		}
		catch (IllegalArgumentException ex) {
			// A circular reference: the names found so far are masked.
		}
	}

	private @Nullable String rawValue(String name) {
		if (this.environment instanceof ConfigurableEnvironment configurable) {
			// The first source is Boot's configurationProperties view, which also finds
			// relaxed forms (env variables).
			for (PropertySource<?> source : configurable.getPropertySources()) {
				Object value = source.getProperty(name);
				if (value != null) {
					return value.toString();
				}
			}
		}
		return null;
	}

	/**
	 * Adds the password in a Redis URL's user-info, read as Boot does (after the first
	 * ':' or, without one, all of it), as written and decoded.
	 */
	private static void addUrlPassword(Set<String> values, String url) {
		try {
			URI uri = new URI(url);
			addSecret(values, password(uri.getRawUserInfo()));
			addSecret(values, password(uri.getUserInfo()));
		}
		catch (URISyntaxException ex) {
			// Not a URL, but it may still carry a password: the whole value is taken as
			// secret.
			addSecret(values, url);
		}
	}

	private static @Nullable String password(@Nullable String userInfo) {
		if (userInfo == null) {
			return null;
		}
		int colon = userInfo.indexOf(':');
		return (colon >= 0) ? userInfo.substring(colon + 1) : userInfo;
	}

	private record Secrets(Set<String> values, Set<String> feeders) {

	}

}
