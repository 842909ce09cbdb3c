package io.github.elasticachesecure.autoconfigure;

import java.util.Map;

import io.github.elasticachesecure.autoconfigure.endpoint.ElastiCacheSecureEndpointAutoConfiguration;
import io.github.elasticachesecure.cache.ApplicationZone;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.health.ElastiCacheActuatorEndpoint;
import io.github.elasticachesecure.testkit.FreePorts;
import io.github.elasticachesecure.testkit.LocalElastiCache;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testsupport.FakeEcsTaskMetadata;
import io.github.elasticachesecure.testsupport.FakeInstanceMetadata;
import io.github.elasticachesecure.testsupport.FakeAwsApi;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code elasticache.secure.read-from=same-az} without
 * {@code elasticache.secure.availability-zone}: the application's zone comes from the
 * loopback stand-ins of IMDSv2 and of the ECS task metadata, and the reads of a real TLS
 * replication group (found by its name through the ElastiCache API's stand-in, a primary
 * and its second replica in us-east-1a, the first replica in us-east-1b) land on the
 * replica of that zone.
 * <p>
 * No test reaches 169.254.169.254 or 169.254.170.2: the lookup reads its settings from
 * the Spring environment, where each test's property values come first, and every test
 * here sets {@code ECS_CONTAINER_METADATA_URI_V4} (empty, or a stand-in's loopback URI)
 * and the SDK's system property of the IMDS endpoint
 * ({@code aws.ec2MetadataServiceEndpoint}, read before the environment variable) to a
 * loopback address, and only then lifts the build's {@code aws.disableEc2Metadata=true}
 * (Surefire's and Failsafe's system property, which keeps every other test off IMDS).
 */
@ExtendWith(OutputCaptureExtension.class)
class ApplicationZoneIntegrationTests {

	private static final int READS = 20;

	@RegisterExtension
	static final LocalElastiCache group = LocalElastiCache.replicationGroup(2).user("app", RedisTestContexts.PASSWORD);

	@RegisterExtension
	final FakeAwsApi aws = FakeAwsApi.forEachTest();

	private final ApplicationContextRunner runner = RedisTestContexts.runner()
		.withConfiguration(AutoConfigurations.of(ElastiCacheSecureEndpointAutoConfiguration.class))
		.withBean(AwsCredentialsProvider.class,
				() -> StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "secret")))
		.withPropertyValues("elasticache.secure.cache-name=orders", "elasticache.secure.iam.region=us-east-1",
				"elasticache.secure.tls.bundle=test", "elasticache.secure.auth.username=app",
				"elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD,
				"elasticache.secure.read-from=same-az", "spring.data.redis.timeout=2s",
				"management.endpoints.web.exposure.include=elasticache", "ECS_CONTAINER_METADATA_URI_V4=");

	/**
	 * The runner with IMDS at a loopback endpoint, and only then enabled.
	 */
	private ApplicationContextRunner imdsAt(String endpoint) {
		return this.runner.withPropertyValues("aws.ec2MetadataServiceEndpoint=" + endpoint,
				"aws.disableEc2Metadata=false");
	}

	@Test
	void theZoneFromImdsSendsTheReadsToTheReplicaOfThatZone(CapturedOutput output) {
		SameZoneReplicationGroup.describe(this.aws, group);
		RedisServerProcess primary = group.nodes().get(0);
		RedisServerProcess otherZone = group.nodes().get(1);
		RedisServerProcess sameZone = group.nodes().get(2);
		try (FakeInstanceMetadata imds = FakeInstanceMetadata.start("us-east-1a")) {
			imdsAt(imds.endpoint()).run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(imds.requests()).containsExactly("PUT /latest/api/token 200",
						"GET /latest/meta-data/placement/availability-zone 200");
				assertThat(context.getBean(ElastiCacheDescription.class).readFrom().applicationZone())
					.isEqualTo(new ApplicationZone("us-east-1a", ApplicationZone.Source.IMDS));
				assertThat(output).contains("Reads go first to the replicas in us-east-1a: [localhost:"
						+ sameZone.port() + "] (the application's zone, from IMDSv2)");
				Map<String, Object> state = context.getBean(ElastiCacheActuatorEndpoint.class).state();
				assertThat(state.get("cache")).asInstanceOf(InstanceOfAssertFactories.MAP)
					.containsEntry("availabilityZone", "us-east-1a")
					.containsEntry("availabilityZoneSource", "imdsv2");
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				SameZoneReplicationGroup.writeThenResetCounters(template, group);
				for (int i = 0; i < READS; i++) {
					assertThat(template.opsForValue().get("zone")).isEqualTo("a");
				}
				assertThat(sameZone.commandCalls("get")).as("reads on the same-zone replica").isEqualTo(READS);
				assertThat(otherZone.commandCalls("get")).as("reads on the other zone's replica").isZero();
				assertThat(primary.commandCalls("get")).as("reads on the primary").isZero();
			});
		}
	}

	@Test
	void aFargateTaskTakesTheZoneFromItsTaskMetadata(CapturedOutput output) {
		SameZoneReplicationGroup.describe(this.aws, group);
		try (FakeEcsTaskMetadata ecs = FakeEcsTaskMetadata.fargate("us-east-1b");
				FakeInstanceMetadata imds = FakeInstanceMetadata.start("us-east-1a")) {
			imdsAt(imds.endpoint()).withPropertyValues("ECS_CONTAINER_METADATA_URI_V4=" + ecs.uri()).run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ElastiCacheDescription.class).readFrom().applicationZone())
					.isEqualTo(new ApplicationZone("us-east-1b", ApplicationZone.Source.ECS_TASK_METADATA));
				assertThat(output).contains("(the application's zone, from ECS task metadata)");
				assertThat(imds.requests()).isEmpty();
			});
		}
	}

	@Test
	void withTheZoneFoundNowhereTheStartStopsSayingWhatWasTriedAndTheFix() {
		SameZoneReplicationGroup.describe(this.aws, group);
		String imds = "http://127.0.0.1:" + FreePorts.unusedLoopbackPort();
		imdsAt(imds).run((context) -> {
			assertThat(context).getFailure().hasRootCauseInstanceOf(ElastiCacheConfigurationException.class);
			FailureAnalysis analysis = new ElastiCacheConfigurationFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'elasticache.secure.read-from=same-az' needs the "
					+ "application's Availability Zone: 'elasticache.secure.availability-zone' is not set, and the zone "
					+ "was not found where the application runs: ECS task metadata: not detected "
					+ "(ECS_CONTAINER_METADATA_URI_V4 is not set); IMDSv2 at " + imds + ": unreachable (");
			assertThat(analysis.getAction())
				.startsWith("Set 'elasticache.secure.availability-zone' to the zone the application runs in");
		});
	}

}
