package io.github.elasticachesecure.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.util.PropertyPlaceholderHelper;
import org.springframework.util.StringUtils;

/**
 * Masks the credentials of the Redis connection in {@code /actuator/env} and {@code /actuator/configprops}, whatever
 * the key they appear under: every value that contains a configured secret ({@code elasticache.secure.auth.password},
 * {@code spring.data.redis.password}, the password in {@code spring.data.redis.url}) or a property that feeds one
 * through a placeholder, and every property so fed. Secrets are resolved from the {@link Environment} on each call, so
 * a changed environment is followed. Also masks keys that name an ElastiCache credential, such as
 * {@code ELASTICACHE_PASSWORD}.
 */
class SecretValuesSanitizingFunction implements SanitizingFunction {

	private static final List<String> SECRET_PROPERTIES = List.of("elasticache.secure.auth.password",
			"spring.data.redis.password");

	private static final String URL_PROPERTY = "spring.data.redis.url";

	private static final PropertyPlaceholderHelper PLACEHOLDERS = new PropertyPlaceholderHelper("${", "}", ":", '\\',
			true);

	private final Environment environment;

	SecretValuesSanitizingFunction(Environment environment) {
		this.environment = environment;
	}

	@Override
	public SanitizableData apply(SanitizableData data) {
		if (isElastiCacheCredential(data.getKey())) {
			return data.withSanitizedValue();
		}
		Secrets secrets = secrets();
		if (secrets.feeders().contains(data.getKey())) {
			return data.withSanitizedValue();
		}
		if (data.getValue() instanceof CharSequence text && secrets.values().stream().anyMatch(text.toString()::contains)) {
			return data.withSanitizedValue();
		}
		return data;
	}

	/**
	 * {@code elasticache.secure.auth.password} in any of its relaxed forms (ELASTICACHE_SECURE_AUTH_PASSWORD), and
	 * variables like the sample's {@code ELASTICACHE_PASSWORD} that feed it.
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
		// Even when the URL does not resolve, as for the other secret properties: its feeders may hold the password.
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
	 * Adds the names of the placeholders, nested ones included, in the raw value of the property.
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
			// The first source is Boot's configurationProperties view, which also finds relaxed forms (env variables).
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
	 * Adds the password in a Redis URL's user-info, read as Boot does (after the first ':' or, without one, all of
	 * it), as written and decoded.
	 */
	private static void addUrlPassword(Set<String> values, String url) {
		try {
			URI uri = new URI(url);
			addSecret(values, password(uri.getRawUserInfo()));
			addSecret(values, password(uri.getUserInfo()));
		}
		catch (URISyntaxException ex) {
			// Not a URL, but it may still carry a password: the whole value is taken as secret.
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
