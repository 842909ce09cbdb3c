package io.github.elasticachesecure.autoconfigure;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.elasticachesecure.autoconfigure.endpoint.ElastiCacheSecureEndpointAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.metrics.ElastiCacheSecureMetricsAutoConfiguration;
import io.github.elasticachesecure.cache.AuthMode;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.health.ElastiCacheHealthIndicator;
import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.secret.RotatingCredentialsProvider;
import io.github.elasticachesecure.testkit.IamFront;
import io.github.elasticachesecure.testkit.LocalSecretsManager;
import io.github.elasticachesecure.testkit.LocalElastiCache;
import io.github.elasticachesecure.testkit.TestPki;
import io.github.elasticachesecure.testsupport.FakeAwsApi;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter under Spring AOT, one application per feature: each context is processed
 * ahead of time, compiled, started from the generated code alone against real TLS servers
 * and used, with every reflective call checked against the hints (see
 * {@link AheadOfTimeContexts}). Run by failsafe's {@code aot} execution, which loads
 * Spring's {@code RuntimeHintsAgent}. The password and IAM builds are each processed once
 * and run in several environments.
 */
class ElastiCacheAotIntegrationTests {

	@RegisterExtension
	static final LocalElastiCache standalone = LocalElastiCache.standalone();

	@RegisterExtension
	static final LocalElastiCache replicationGroup = LocalElastiCache.replicationGroup(1);

	@RegisterExtension
	static final LocalElastiCache cluster = LocalElastiCache.cluster(3, 0);

	@RegisterExtension
	final FakeAwsApi aws = FakeAwsApi.forEachTest();

	@RegisterExtension
	static final LocalSecretsManager secrets = LocalSecretsManager.create("us-east-1");

	private static IamFront iamFront;

	private static final Map<String, AheadOfTimeContexts.Build> builds = new HashMap<>();

	@BeforeAll
	static void startIamFront() {
		iamFront = RedisTestContexts.iamFront(IamFront.forServer(standalone.nodes().get(0))).start();
	}

	@AfterAll
	static void stopIamFront() {
		iamFront.close();
	}

	@Test
	void passwordWithHealthAndMetrics() {
		passwordBuild().run((context) -> {
			writesAndReads(context);
			assertThat(context.getBean(ElastiCacheHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
			assertThat(context.getBean(MeterRegistry.class).find("elasticache.tls.certificate.expiry").gauge())
				.isNotNull();
		});
	}

	@Test
	void iam() {
		int accepted = iamFront.acceptedTokens();
		iamBuild().run((context) -> {
			writesAndReads(context);
			assertThat(context.getBean(ElastiCacheIamCredentialsProvider.class)).isNotNull();
			assertThat(iamFront.acceptedTokens()).isGreaterThan(accepted);
		});
	}

	@Test
	void readerEndpoint() {
		assertThat(replicationGroup.readerEndpoint()).isNotNull();
		AheadOfTimeContexts.run(runner(replicationGroup.connectionProperties()), (context) -> {
			writesAndReads(context);
			assertThat(context.getBean(ElastiCacheDescription.class).reader()).isNotNull();
		});
	}

	@Test
	void cluster() {
		AheadOfTimeContexts.run(runner(cluster.connectionProperties()), (context) -> {
			for (int i = 0; i < 10; i++) {
				context.getBean(StringRedisTemplate.class).opsForValue().set("aot-" + i, "v" + i);
			}
			assertThat(context.getBean(StringRedisTemplate.class).opsForValue().get("aot-7")).isEqualTo("v7");
		});
	}

	@Test
	void serverless() {
		Map<String, String> properties = new LinkedHashMap<>(cluster.connectionProperties());
		properties.put("elasticache.secure.topology", "serverless");
		AheadOfTimeContexts.run(runner(properties), (context) -> {
			writesAndReads(context);
			assertThat(context.getBean(ElastiCacheDescription.class).topology()).isEqualTo(CacheTopology.SERVERLESS);
		});
	}

	@Test
	void postureAudit() {
		AheadOfTimeContexts.run(runner(standalone.connectionProperties()).withUserConfiguration(IamCredentials.class)
			.withPropertyValues("elasticache.secure.audit.mode=warn", "elasticache.secure.cache-name=orders",
					"elasticache.secure.iam.region=us-east-1"),
				(context) -> {
					writesAndReads(context);
					assertThat(this.aws.actions()).contains("DescribeReplicationGroups");
				});
	}

	// What the test kit's @ServiceConnection contributes: Boot's connection details as a
	// bean, no endpoint property.
	@Test
	void connectionDetailsOfTheApplication() {
		AheadOfTimeContexts.run(RedisTestContexts.runner().withUserConfiguration(ApplicationConnectionDetails.class),
				(context) -> {
					writesAndReads(context);
					assertThat(context.getBean(ElastiCacheDescription.class).endpoint())
						.isEqualTo(standalone.endpoint());
				});
	}

	// One build, many environments: AOT fixes conditions at build time, the mode is
	// chosen at run time.
	@Test
	void builtForAPasswordRunsWithIam() {
		int accepted = iamFront.acceptedTokens();
		passwordBuild().run(iamFront.connectionProperties(), (context) -> {
			writesAndReads(context);
			assertThat(context.getBean(ElastiCacheDescription.class).auth().mode()).isEqualTo(AuthMode.IAM);
			assertThat(iamFront.acceptedTokens()).isGreaterThan(accepted);
		});
	}

	@Test
	void builtForIamRunsWithAPassword() {
		int accepted = iamFront.acceptedTokens();
		iamBuild().run(standalone.connectionProperties(), (context) -> {
			writesAndReads(context);
			assertThat(context.getBean(ElastiCacheDescription.class).auth().mode()).isEqualTo(AuthMode.PASSWORD);
			assertThat(context.getBeanProvider(ElastiCacheIamCredentialsProvider.class).getIfAvailable()).isNull();
			assertThat(iamFront.acceptedTokens()).isEqualTo(accepted);
		});
	}

	@Test
	void builtWithTheAuditOffRunsItWhereItIsOn() {
		Map<String, Object> production = new LinkedHashMap<>(standalone.connectionProperties());
		production.put("elasticache.secure.audit.mode", "warn");
		production.put("elasticache.secure.cache-name", "orders");
		production.put("elasticache.secure.iam.region", "us-east-1");
		passwordBuild().run(production, (context) -> {
			writesAndReads(context);
			assertThat(this.aws.actions()).contains("DescribeReplicationGroups");
		});
	}

	@Test
	void builtForAPasswordRunsWithASecret() {
		secrets.putSecretValue("app/aot",
				"{\"username\":\"" + standalone.username() + "\",\"password\":\"" + standalone.password() + "\"}");
		Map<String, Object> production = new LinkedHashMap<>(standalone.connectionProperties());
		production.remove("elasticache.secure.auth.password");
		production.remove("elasticache.secure.auth.username");
		production.put("elasticache.secure.auth.secret", "app/aot");
		production.put("elasticache.secure.iam.region", "us-east-1");
		int reads = secrets.getSecretValueCalls();
		passwordBuild().run(production, (context) -> {
			writesAndReads(context);
			assertThat(context.getBean(RotatingCredentialsProvider.class).status().username())
				.isEqualTo(standalone.username());
			assertThat(secrets.getSecretValueCalls()).isGreaterThan(reads);
		});
	}

	@Test
	void builtForOneNodeRunsOnACluster() {
		passwordBuild().run(cluster.connectionProperties(), (context) -> {
			writesAndReads(context);
			assertThat(context.getBean(ElastiCacheDescription.class).topology()).isEqualTo(CacheTopology.CLUSTER);
		});
	}

	// An application with health, metrics and the actuator endpoint, built for a
	// password.
	private static AheadOfTimeContexts.Build passwordBuild() {
		return builds.computeIfAbsent("password",
				(name) -> AheadOfTimeContexts.build(runner(standalone.connectionProperties())
					.withUserConfiguration(IamCredentials.class)
					.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
							CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
							ElastiCacheSecureMetricsAutoConfiguration.class,
							ElastiCacheSecureEndpointAutoConfiguration.class))));
	}

	private static AheadOfTimeContexts.Build iamBuild() {
		return builds.computeIfAbsent("iam", (name) -> AheadOfTimeContexts
			.build(runner(iamFront.connectionProperties()).withUserConfiguration(IamCredentials.class)));
	}

	private static ApplicationContextRunner runner(Map<String, String> properties) {
		return RedisTestContexts.runner()
			.withPropertyValues(properties.entrySet()
				.stream()
				.map((property) -> property.getKey() + "=" + property.getValue())
				.toArray(String[]::new));
	}

	private static void writesAndReads(GenericApplicationContext context) {
		StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
		template.opsForValue().set("aot", "processed");
		assertThat(template.opsForValue().get("aot")).isEqualTo("processed");
	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationConnectionDetails {

		@Bean
		DataRedisConnectionDetails redisConnectionDetails() {
			return new DataRedisConnectionDetails() {

				@Override
				public String getUsername() {
					return standalone.username();
				}

				@Override
				public String getPassword() {
					return standalone.password();
				}

				@Override
				public SslBundle getSslBundle() {
					return TestPki.get().trustedCa().sslBundle();
				}

				@Override
				public Standalone getStandalone() {
					return Standalone.of(standalone.host(), standalone.port());
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class IamCredentials {

		@Bean
		AwsCredentialsProvider awsCredentialsProvider() {
			return RedisTestContexts.IAM_CREDENTIALS.awsCredentialsProvider();
		}

	}

}
