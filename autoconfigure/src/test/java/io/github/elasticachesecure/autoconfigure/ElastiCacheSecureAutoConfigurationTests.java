package io.github.elasticachesecure.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import io.github.elasticachesecure.autoconfigure.guard.ElastiCacheSecureGuardAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.health.ElastiCacheSecureHealthAutoConfiguration;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.guard.InsecureConnectionException;
import io.github.elasticachesecure.guard.RedisConnectionGuard;
import io.github.elasticachesecure.tls.TlsEndpointProbe;
import io.github.elasticachesecure.tls.TlsSessionPolicy;
import io.github.elasticachesecure.tls.WireCheck;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MutuallyExclusiveConfigurationPropertiesException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and back-off of {@link ElastiCacheSecureAutoConfiguration}. The endpoints
 * here are closed loopback ports: the guard's probe finds them unreachable, which is a
 * warning by default.
 */
@ExtendWith(OutputCaptureExtension.class)
class ElastiCacheSecureAutoConfigurationTests {

	private static final String CLOSED_ENDPOINT = "elasticache.secure.endpoint=localhost:1";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
				ElastiCacheSecureGuardAutoConfiguration.class, ElastiCacheSecureHealthAutoConfiguration.class,
				DataRedisAutoConfiguration.class, SslAutoConfiguration.class))
		.withPropertyValues("elasticache.secure.guard.probe-timeout=500ms");

	@Test
	void withoutEndpointOnlyTheGuardIsConfigured() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
					ElastiCacheSecureGuardAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisConnectionGuard.class);
				assertThat(context).doesNotHaveBean(ElastiCacheConnectionDetails.class);
			});
	}

	@Test
	void anEmptyEndpointWithoutACacheNameStopsTheStartNamingBoth() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class))
			.withPropertyValues("elasticache.secure.endpoint=", "elasticache.secure.cache-name= ")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ElastiCacheConfigurationException.class)
				.hasMessageContaining("'elasticache.secure.endpoint' is not set (it is empty), and neither is "
						+ "'elasticache.secure.cache-name'"));
	}

	@Test
	void aBlankCacheNameAloneLeavesTheStarterOff() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class))
			.withPropertyValues("elasticache.secure.cache-name= ")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(ElastiCacheDescription.class);
			});
	}

	@Test
	void withoutEndpointBootsPlaintextDefaultFactoryIsRefused() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasFailed();
			assertThat(StartupFailures.find(context, InsecureConnectionException.class))
				.hasMessageContaining("'redisConnectionFactory' connects to localhost:6379 without TLS");
		});
	}

	@Test
	void endpointGivesTlsFactoryWithFullVerificationAndKeepsBootSettings() {
		this.contextRunner
			.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.auth.username=app",
					"elasticache.secure.auth.password=app-secret", "spring.data.redis.timeout=7s",
					"spring.data.redis.client-name=orders", "spring.data.redis.database=3",
					"spring.data.redis.connect-timeout=2s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ElastiCacheConnectionDetails details = context.getBean(ElastiCacheConnectionDetails.class);
				assertThat(details.getStandalone().getHost()).isEqualTo("localhost");
				assertThat(details.getStandalone().getPort()).isEqualTo(1);
				assertThat(details.getStandalone().getDatabase()).isEqualTo(3);
				assertThat(details.toString()).doesNotContain("app-secret");
				LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
				assertThat(factory.getClientConfiguration().isUseSsl()).isTrue();
				assertThat(factory.getClientConfiguration().getVerifyMode()).isEqualTo(SslVerifyMode.FULL);
				assertThat(factory.getClientConfiguration().getCommandTimeout()).isEqualTo(Duration.ofSeconds(7));
				assertThat(factory.getClientConfiguration().getClientName()).contains("orders");
				assertThat(factory.getClientConfiguration()
					.getClientOptions()
					.orElseThrow()
					.getSocketOptions()
					.getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(factory.getClientConfiguration()
					.getClientOptions()
					.orElseThrow()
					.getSslOptions()
					.getHandshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
				RedisStandaloneConfiguration standalone = factory.getStandaloneConfiguration();
				assertThat(standalone.getUsername()).isEqualTo("app");
				assertThat(standalone.getDatabase()).isEqualTo(3);
			});
	}

	@Test
	void clusterModeIsDerivedFromConfigurationEndpointName() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.endpoint=clustercfg.localhost:1",
					"elasticache.secure.auth.password=secret")
			.run((context) -> {
				assertThat(context.getBean(ElastiCacheDescription.class).topology()).isEqualTo(CacheTopology.CLUSTER);
				ElastiCacheConnectionDetails details = context.getBean(ElastiCacheConnectionDetails.class);
				assertThat(details.getStandalone()).isNull();
				assertThat(details.getCluster().getNodes()).singleElement()
					.satisfies((node) -> assertThat(node.port()).isEqualTo(1));
			});
	}

	@Test
	void clusterModeFactoryGetsClusterClientOptionsWithTopologyRefresh() {
		this.contextRunner
			.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.topology=cluster",
					"elasticache.secure.auth.password=secret", "spring.data.redis.connect-timeout=2s",
					"elasticache.secure.tls.handshake-timeout=3s")
			.run((context) -> {
				LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
				assertThat(factory.getClusterConfiguration()).isNotNull();
				ClusterClientOptions options = (ClusterClientOptions) factory.getClientConfiguration()
					.getClientOptions()
					.orElseThrow();
				ClusterTopologyRefreshOptions refresh = options.getTopologyRefreshOptions();
				assertThat(refresh.isPeriodicRefreshEnabled()).isTrue();
				assertThat(refresh.getRefreshPeriod()).isEqualTo(Duration.ofSeconds(30));
				assertThat(refresh.getAdaptiveRefreshTriggers())
					.containsExactlyInAnyOrder(ClusterTopologyRefreshOptions.RefreshTrigger.values());
				assertThat(refresh.getAdaptiveRefreshTimeout()).isEqualTo(Duration.ofSeconds(1));
				assertThat(refresh.getRefreshTriggersReconnectAttempts())
					.as("a lost node's first reconnect attempt refreshes")
					.isEqualTo(1);
				assertThat(refresh.useDynamicRefreshSources()).isTrue();
				assertThat(refresh.isCloseStaleConnections()).isTrue();
				assertThat(options.getSslOptions().getHandshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
			});
	}

	@Test
	void aClusterConfigurationEndpointKeepsRefreshedTopologiesInTheCachesDomain() {
		// Without the guard, which would look the name up: the factory's options are
		// built without a connection.
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
					DataRedisAutoConfiguration.class, SslAutoConfiguration.class))
			.withPropertyValues("elasticache.secure.endpoint=clustercfg.my-cache.abc123.use1.cache.amazonaws.com:6379",
					"elasticache.secure.auth.password=secret")
			.run((context) -> {
				ClusterClientOptions options = (ClusterClientOptions) context.getBean(LettuceConnectionFactory.class)
					.getClientConfiguration()
					.getClientOptions()
					.orElseThrow();
				assertThat(options.getNodeFilter())
					.accepts(clusterNode("my-cache-0001-001.my-cache.abc123.use1.cache.amazonaws.com"))
					.rejects(clusterNode("cache.attacker.example"),
							clusterNode("my-cache.abc123.use1.cache.amazonaws.com"),
							clusterNode("my-cache-0002-001.my-cache.abc123.use1.cache.amazonaws.com", NodeFlag.FAIL));
			});
		this.contextRunner
			.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.topology=cluster",
					"elasticache.secure.auth.password=secret")
			.run((context) -> assertThat(((ClusterClientOptions) context.getBean(LettuceConnectionFactory.class)
				.getClientConfiguration()
				.getClientOptions()
				.orElseThrow()).getNodeFilter()).as("no domain to keep to for a seed that is not ElastiCache's")
				.accepts(clusterNode("any.example")));
	}

	// AWS's advice for Lettuce on ElastiCache: a node flagged fail, fail? or noaddr
	// leaves the client's view of the cluster.
	@Test
	void refreshedTopologiesLeaveOutFailedSuspectedAndAddresslessNodes() {
		this.contextRunner
			.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.topology=cluster",
					"elasticache.secure.auth.password=secret")
			.run((context) -> assertThat(((ClusterClientOptions) context.getBean(LettuceConnectionFactory.class)
				.getClientConfiguration()
				.getClientOptions()
				.orElseThrow()).getNodeFilter())
				.accepts(clusterNode("node.example", NodeFlag.UPSTREAM), clusterNode("node.example", NodeFlag.REPLICA))
				.rejects(clusterNode("node.example", NodeFlag.UPSTREAM, NodeFlag.FAIL),
						clusterNode("node.example", NodeFlag.REPLICA, NodeFlag.EVENTUAL_FAIL),
						clusterNode("node.example", NodeFlag.UPSTREAM, NodeFlag.NOADDR)));
	}

	private static RedisClusterNode clusterNode(String host, NodeFlag... flags) {
		RedisClusterNode node = new RedisClusterNode();
		node.setUri(RedisURI.create(host, 6379));
		node.setFlags(Set.of(flags));
		return node;
	}

	@Test
	void clusterRefreshPropertiesOfSpringDataRedisAreHonoured() {
		this.contextRunner
			.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.topology=cluster",
					"elasticache.secure.auth.password=secret", "spring.data.redis.lettuce.cluster.refresh.period=7s",
					"spring.data.redis.lettuce.cluster.refresh.adaptive=false",
					"spring.data.redis.lettuce.cluster.refresh.dynamic-refresh-sources=false")
			.run((context) -> {
				ClusterTopologyRefreshOptions refresh = ((ClusterClientOptions) context
					.getBean(LettuceConnectionFactory.class)
					.getClientConfiguration()
					.getClientOptions()
					.orElseThrow()).getTopologyRefreshOptions();
				assertThat(refresh.getRefreshPeriod()).isEqualTo(Duration.ofSeconds(7));
				assertThat(refresh.getAdaptiveRefreshTriggers()).isEmpty();
				assertThat(refresh.useDynamicRefreshSources()).isFalse();
				assertThat(refresh.isCloseStaleConnections()).isTrue();
			});
	}

	@Test
	void backsOffFromUserConnectionDetails() {
		this.contextRunner.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.auth.password=secret")
			.withBean("userDetails", DataRedisConnectionDetails.class, () -> new DataRedisConnectionDetails() {
				@Override
				public Standalone getStandalone() {
					return Standalone.of("localhost", 2);
				}

				@Override
				public org.springframework.boot.ssl.SslBundle getSslBundle() {
					return org.springframework.boot.ssl.SslBundle.systemDefault();
				}
			})
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(ElastiCacheConnectionDetails.class);
				assertThat(context.getBean(LettuceConnectionFactory.class).getPort()).isEqualTo(2);
			});
	}

	@Test
	void backsOffFromUserGuard() {
		WireCheck wireCheck = new WireCheck(new TlsSessionPolicy("TLSv1.2", SslVerifyMode.FULL), Clock.systemUTC());
		RedisConnectionGuard userGuard = new RedisConnectionGuard(SslVerifyMode.FULL, false,
				new TlsEndpointProbe(Duration.ofMillis(200)), wireCheck);
		this.contextRunner.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.auth.password=secret")
			.withBean(WireCheck.class, () -> wireCheck)
			.withBean(RedisConnectionGuard.class, () -> userGuard)
			.run((context) -> assertThat(context.getBean(RedisConnectionGuard.class)).isSameAs(userGuard));
	}

	@Test
	void missingPasswordIsRefused() {
		this.contextRunner.withPropertyValues(CLOSED_ENDPOINT)
			.run((context) -> assertThat(StartupFailures.find(context, ElastiCacheConfigurationException.class))
				.hasMessageContaining("no password is set")
				.extracting("property")
				.isEqualTo("elasticache.secure.auth.password"));
	}

	@Test
	void authModeNoneIsAnExplicitOptIn() {
		this.contextRunner.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.auth.mode=none").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ElastiCacheConnectionDetails.class).getPassword()).isNull();
		});
	}

	@Test
	void authModeNoneIsWarnedAboutAtEveryStart(CapturedOutput output) {
		for (int start = 1; start <= 2; start++) {
			this.contextRunner.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.auth.mode=none")
				.run((context) -> assertThat(context).hasNotFailed());
		}
		assertThat(
				output.getAll().split("elasticache.secure.auth.mode=none: connecting to localhost:1 without AUTH", -1))
			.as("warnings in two starts")
			.hasSize(3);
	}

	@Test
	void unknownSslBundleIsRefused() {
		this.contextRunner
			.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.auth.password=secret",
					"elasticache.secure.tls.bundle=missing")
			.run((context) -> assertThat(StartupFailures.find(context, ElastiCacheConfigurationException.class))
				.hasMessageContaining("'missing'")
				.extracting("property")
				.isEqualTo("elasticache.secure.tls.bundle"));
	}

	@Test
	void invalidEndpointIsRefused() {
		this.contextRunner.withPropertyValues("elasticache.secure.endpoint=rediss://cache:6379")
			.run((context) -> assertThat(StartupFailures.find(context, ElastiCacheConfigurationException.class))
				.hasMessageContaining("has a URL scheme"));
		this.contextRunner.withPropertyValues("elasticache.secure.endpoint=cache:99999")
			.run((context) -> assertThat(StartupFailures.find(context, ElastiCacheConfigurationException.class))
				.hasMessageContaining("invalid port '99999'"));
	}

	@Test
	void failureReportForAnEndpointWithCredentialsCarriesNoSecret() {
		this.contextRunner.withPropertyValues("elasticache.secure.endpoint=rediss://default:S3cret@host:6379")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ElastiCacheConfigurationFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("'elasticache.secure.endpoint' has a URL scheme");
				assertThat(analysis.getAction()).contains("host:port");
				StringBuilder report = new StringBuilder(analysis.getDescription()).append(analysis.getAction());
				for (Throwable ex = context.getStartupFailure(); ex != null; ex = ex.getCause()) {
					report.append(ex);
				}
				assertThat(report.toString().contains("S3cret")).as("secret in the failure report").isFalse();
			});
	}

	@Test
	void durationsOutOfRangeAreRefusedWhenBoundNamingThePropertyAndTheFix() {
		assertBindRefused("tls.handshake-timeout", "-1s", "must be positive");
		assertBindRefused("tls.handshake-timeout", "0s", "must be positive");
		assertBindRefused("tls.handshake-timeout", "2m", "must be at most 1m");
		assertBindRefused("guard.probe-timeout", "0ms", "must be positive");
		assertBindRefused("guard.probe-timeout", "5m", "must be at most 1m");
		assertBindRefused("health.timeout", "-2s", "must be positive");
		assertBindRefused("health.timeout", "61s", "must be at most 1m");
		assertBindRefused("health.certificate-expiry-warning", "0d", "must be positive");
		assertBindRefused("health.tls-recheck-interval", "-5m", "must be positive");
		assertBindRefused("iam.refresh-interval", "0s", "must be positive");
		assertBindRefused("iam.refresh-interval", "15m", "must be at most 14m");
		assertBindRefused("iam.credentials-timeout", "0s", "must be positive");
		assertBindRefused("iam.credentials-timeout", "2m", "must be at most 1m");
		// zero switches the spread off; a negative one is refused
		assertBindRefused("iam.reauthentication-spread", "-1s", "must be positive");
		assertBindRefused("iam.reauthentication-spread", "2m", "must be at most 1m");
		assertBindRefused("audit.timeout", "0s", "must be positive");
		assertBindRefused("audit.timeout", "61s", "must be at most 1m");
	}

	@Test
	void durationsAtTheirBoundsAreAccepted() {
		this.contextRunner
			.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.auth.password=secret",
					"elasticache.secure.tls.handshake-timeout=1m", "elasticache.secure.health.timeout=1ms",
					"elasticache.secure.iam.refresh-interval=14m")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void credentialsTheAuthModeWouldIgnoreAreRefusedWithoutPrintingThem() {
		this.contextRunner
			.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.auth.mode=none",
					"elasticache.secure.auth.password=S3cret-none")
			.run((context) -> {
				BindValidationException failure = StartupFailures.find(context, BindValidationException.class);
				assertThat(failure.getValidationErrors().getAllErrors()).singleElement()
					.satisfies((error) -> assertThat(error).isNotInstanceOf(FieldError.class))
					.extracting(ObjectError::getDefaultMessage)
					.asString()
					.contains("'elasticache.secure.auth.mode=none' sends no AUTH")
					.contains("Remove them");
				assertThat(failure.getMessage().contains("S3cret")).as("secret in the message").isFalse();
			});
	}

	private void assertBindRefused(String field, String value, String reason) {
		String property = "elasticache.secure." + field;
		this.contextRunner
			.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.auth.password=secret", property + "=" + value)
			.run((context) -> {
				BindValidationException failure = StartupFailures.find(context, BindValidationException.class);
				assertThat(failure.getValidationErrors().getAllErrors()).as(property)
					.singleElement()
					.isInstanceOfSatisfying(FieldError.class, (error) -> {
						assertThat(error.getObjectName() + "." + error.getField()).isEqualTo(property);
						assertThat(error.getDefaultMessage()).contains("'" + property + "' " + reason)
							.contains("the default), or remove it");
					});
			});
	}

	@Test
	void contradictingSpringDataRedisSettingsAreRefusedNamingBothProperties() {
		assertConflict("spring.data.redis.url=redis://other:6379", "spring.data.redis.url",
				"elasticache.secure.endpoint");
		assertConflict("spring.data.redis.host=other", "spring.data.redis.host", "elasticache.secure.endpoint");
		assertConflict("spring.data.redis.port=6380", "spring.data.redis.port", "elasticache.secure.endpoint");
		assertConflict("spring.data.redis.cluster.nodes[0]=other:6379", "spring.data.redis.cluster.nodes",
				"elasticache.secure.endpoint");
		assertConflict("spring.data.redis.password=other-secret", "spring.data.redis.password",
				"elasticache.secure.auth.password");
		// Without elasticache.secure.tls.bundle, another bundle contradicts the
		// connection to the endpoint.
		assertConflict("spring.data.redis.ssl.bundle=other", "spring.data.redis.ssl.bundle",
				"elasticache.secure.endpoint");
	}

	@Test
	void agreeingSpringDataRedisSettingsAreAccepted() {
		this.contextRunner.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.auth.password=secret",
				"spring.data.redis.host=localhost", "spring.data.redis.port=1", "spring.data.redis.ssl.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void plaintextThroughSpringDataRedisIsAnInvalidValue() {
		this.contextRunner
			.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.auth.password=secret",
					"spring.data.redis.ssl.enabled=false")
			.run((context) -> assertThat(
					StartupFailures.find(context, InvalidConfigurationPropertyValueException.class).getName())
				.isEqualTo("spring.data.redis.ssl.enabled"));
	}

	private void assertConflict(String property, String springProperty, String ownProperty) {
		this.contextRunner.withPropertyValues(CLOSED_ENDPOINT, "elasticache.secure.auth.password=secret", property)
			.run((context) -> {
				MutuallyExclusiveConfigurationPropertiesException conflict = StartupFailures.find(context,
						MutuallyExclusiveConfigurationPropertiesException.class);
				assertThat(conflict.getMutuallyExclusiveNames()).containsExactlyInAnyOrder(springProperty, ownProperty);
				assertThat(conflict).hasMessageNotContaining("secret");
			});
	}

}
