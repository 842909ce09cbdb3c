package io.github.elasticachesecure.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.elasticachesecure.autoconfigure.ElastiCacheSecureProperties.Audit;
import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.tls.TlsProvider;
import io.lettuce.core.SslVerifyMode;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every default that docs/configuration.md and the generated configuration metadata
 * document, each against a literal: a changed default fails here until the docs and this
 * test are changed with it. The properties are bound from an empty environment, as an
 * application that sets none of them gets them.
 */
class ElastiCacheSecurePropertiesDefaultsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesConfiguration.class);

	@Test
	void connectionPropertiesAreUnsetSoThatTheyAreDerived() {
		this.contextRunner.run((context) -> {
			ElastiCacheSecureProperties properties = context.getBean(ElastiCacheSecureProperties.class);
			assertThat(properties.getEndpoint()).as("elasticache.secure.endpoint").isNull();
			assertThat(properties.getTopology()).as("elasticache.secure.topology").isNull();
			assertThat(properties.getReaderEndpoint()).as("elasticache.secure.reader-endpoint").isNull();
			assertThat(properties.getReadFrom()).as("elasticache.secure.read-from").isNull();
			assertThat(properties.getAvailabilityZone()).as("elasticache.secure.availability-zone").isNull();
			assertThat(properties.getCacheName()).as("elasticache.secure.cache-name").isNull();
		});
	}

	@Test
	void authDefaultsToPasswordWithoutCredentials() {
		this.contextRunner.run((context) -> {
			ElastiCacheSecureProperties.Auth auth = context.getBean(ElastiCacheSecureProperties.class).getAuth();
			assertThat(auth.getMode()).as("elasticache.secure.auth.mode").isEqualTo(AuthMode.PASSWORD);
			assertThat(auth.getUsername()).as("elasticache.secure.auth.username").isNull();
			assertThat(auth.getPassword()).as("elasticache.secure.auth.password").isNull();
			assertThat(auth.getSecret()).as("elasticache.secure.auth.secret").isNull();
			assertThat(auth.getSecretRefreshInterval()).as("elasticache.secure.auth.secret-refresh-interval")
				.isEqualTo(Duration.ofMinutes(5));
		});
	}

	@Test
	void tlsDefaultsToFullVerificationFromTls12WithATenSecondHandshake() {
		this.contextRunner.run((context) -> {
			ElastiCacheSecureProperties.Tls tls = context.getBean(ElastiCacheSecureProperties.class).getTls();
			assertThat(tls.getBundle()).as("elasticache.secure.tls.bundle").isNull();
			assertThat(tls.getVerifyMode()).as("elasticache.secure.tls.verify-mode").isEqualTo(SslVerifyMode.FULL);
			assertThat(tls.getProvider()).as("elasticache.secure.tls.provider").isEqualTo(TlsProvider.AUTO);
			assertThat(tls.getMinVersion()).as("elasticache.secure.tls.min-version").isEqualTo("TLSv1.2");
			assertThat(tls.getHandshakeTimeout()).as("elasticache.secure.tls.handshake-timeout")
				.isEqualTo(Duration.ofSeconds(10));
		});
	}

	@Test
	void guardProbesForThreeSecondsAndOnlyWarnsOfAnUnreachableEndpoint() {
		this.contextRunner.run((context) -> {
			ElastiCacheSecureProperties.Guard guard = context.getBean(ElastiCacheSecureProperties.class).getGuard();
			assertThat(guard.getProbeTimeout()).as("elasticache.secure.guard.probe-timeout")
				.isEqualTo(Duration.ofSeconds(3));
			assertThat(guard.isFailOnUnreachable()).as("elasticache.secure.guard.fail-on-unreachable").isFalse();
		});
	}

	@Test
	void iamRefreshesEveryFiveMinutesSpreadOverFiveSeconds() {
		this.contextRunner.run((context) -> {
			ElastiCacheSecureProperties.Iam iam = context.getBean(ElastiCacheSecureProperties.class).getIam();
			assertThat(iam.getRegion()).as("elasticache.secure.iam.region").isNull();
			assertThat(iam.getProfile()).as("elasticache.secure.iam.profile").isNull();
			assertThat(iam.getRefreshInterval()).as("elasticache.secure.iam.refresh-interval")
				.isEqualTo(Duration.ofMinutes(5));
			assertThat(iam.getReauthenticationSpread()).as("elasticache.secure.iam.reauthentication-spread")
				.isEqualTo(Duration.ofSeconds(5));
			assertThat(iam.getCredentialsTimeout()).as("elasticache.secure.iam.credentials-timeout")
				.isEqualTo(Duration.ofSeconds(10));
		});
	}

	@Test
	void socketDetectsADeadIdlePeerWithin25Seconds() {
		this.contextRunner.run((context) -> {
			ElastiCacheSecureProperties.Socket socket = context.getBean(ElastiCacheSecureProperties.class).getSocket();
			assertThat(socket.getKeepAliveIdle()).as("elasticache.secure.socket.keep-alive-idle")
				.isEqualTo(Duration.ofSeconds(10));
			assertThat(socket.getKeepAliveInterval()).as("elasticache.secure.socket.keep-alive-interval")
				.isEqualTo(Duration.ofSeconds(5));
			assertThat(socket.getKeepAliveCount()).as("elasticache.secure.socket.keep-alive-count").isEqualTo(3);
			assertThat(socket.getTcpUserTimeout()).as("elasticache.secure.socket.tcp-user-timeout")
				.isEqualTo(Duration.ofSeconds(25));
		});
	}

	@Test
	void healthChecksForTwoSecondsAndReplacesBootsIndicator() {
		this.contextRunner.run((context) -> {
			ElastiCacheSecureProperties.Health health = context.getBean(ElastiCacheSecureProperties.class).getHealth();
			assertThat(health.getTimeout()).as("elasticache.secure.health.timeout").isEqualTo(Duration.ofSeconds(2));
			assertThat(health.getCertificateExpiryWarning()).as("elasticache.secure.health.certificate-expiry-warning")
				.isEqualTo(Duration.ofDays(14));
			assertThat(health.getTlsRecheckInterval()).as("elasticache.secure.health.tls-recheck-interval")
				.isEqualTo(Duration.ofMinutes(5));
			assertThat(health.isReplaceRedisIndicator()).as("elasticache.secure.health.replace-redis-indicator")
				.isTrue();
		});
	}

	@Test
	void auditIsOffWithATenSecondBound() {
		this.contextRunner.run((context) -> {
			Audit audit = context.getBean(ElastiCacheSecureProperties.class).getAudit();
			assertThat(audit.getMode()).as("elasticache.secure.audit.mode").isEqualTo(Audit.Mode.OFF);
			assertThat(audit.getTimeout()).as("elasticache.secure.audit.timeout").isEqualTo(Duration.ofSeconds(10));
		});
	}

	/**
	 * What IDEs show: the default values in the metadata the annotation processor wrote
	 * from the fields' initializers (and, for the actuator endpoint, from its
	 * annotation), for every property that has one.
	 */
	@Test
	void configurationMetadataDocumentsTheSameDefaults() throws IOException {
		Map<String, Object> expected = new LinkedHashMap<>();
		expected.put("elasticache.secure.audit.mode", "off");
		expected.put("elasticache.secure.audit.timeout", "10s");
		expected.put("elasticache.secure.auth.mode", "password");
		expected.put("elasticache.secure.auth.secret-refresh-interval", "5m");
		expected.put("elasticache.secure.guard.fail-on-unreachable", false);
		expected.put("elasticache.secure.guard.probe-timeout", "3s");
		expected.put("elasticache.secure.health.certificate-expiry-warning", "14d");
		expected.put("elasticache.secure.health.replace-redis-indicator", true);
		expected.put("elasticache.secure.health.timeout", "2s");
		expected.put("elasticache.secure.health.tls-recheck-interval", "5m");
		expected.put("elasticache.secure.iam.credentials-timeout", "10s");
		expected.put("elasticache.secure.iam.reauthentication-spread", "5s");
		expected.put("elasticache.secure.iam.refresh-interval", "5m");
		expected.put("elasticache.secure.socket.keep-alive-count", 3L);
		expected.put("elasticache.secure.socket.keep-alive-idle", "10s");
		expected.put("elasticache.secure.socket.keep-alive-interval", "5s");
		expected.put("elasticache.secure.socket.tcp-user-timeout", "25s");
		expected.put("elasticache.secure.tls.handshake-timeout", "10s");
		expected.put("elasticache.secure.tls.min-version", "TLSv1.2");
		expected.put("elasticache.secure.tls.provider", "auto");
		expected.put("elasticache.secure.tls.verify-mode", "full");
		expected.put("management.endpoint.elasticache.access", "unrestricted");
		expected.put("management.endpoint.elasticache.cache.time-to-live", "0ms");
		Map<String, Object> documented = new LinkedHashMap<>();
		for (Object property : (List<?>) metadata().get("properties")) {
			Map<?, ?> entry = (Map<?, ?>) property;
			Object defaultValue = entry.get("defaultValue");
			if (defaultValue != null) {
				documented.put((String) entry.get("name"),
						(defaultValue instanceof Number number) ? Long.valueOf(number.longValue()) : defaultValue);
			}
		}
		assertThat(documented).containsExactlyInAnyOrderEntriesOf(expected);
	}

	private static Map<String, Object> metadata() throws IOException {
		for (URL url : Collections.list(ElastiCacheSecurePropertiesDefaultsTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
				if (json.contains("\"elasticache.secure.endpoint\"")) {
					return JsonParserFactory.getJsonParser().parseMap(json);
				}
			}
		}
		throw new IllegalStateException("No configuration metadata of elasticache.secure.* on the class path");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ElastiCacheSecureProperties.class)
	static class PropertiesConfiguration {

	}

}
