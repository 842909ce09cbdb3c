package io.github.elasticachesecure.autoconfigure;

import java.util.Map;

import io.github.elasticachesecure.audit.PostureAuditException;
import io.github.elasticachesecure.audit.PostureAuditRunner;
import io.github.elasticachesecure.autoconfigure.endpoint.ElastiCacheSecureEndpointAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.health.ElastiCacheSecureHealthAutoConfiguration;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.health.ElastiCacheActuatorEndpoint;
import io.github.elasticachesecure.health.ElastiCacheHealthIndicator;
import io.github.elasticachesecure.testsupport.FakeAwsApi;
import io.github.elasticachesecure.testsupport.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.github.elasticachesecure.testsupport.AwsFixtures.replicationGroup;
import static io.github.elasticachesecure.testsupport.AwsFixtures.securityGroup;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code elasticache.secure.audit.mode} with the application context: a real TLS server
 * for the connection, the AWS APIs on loopback (reached through {@code aws.endpointUrl})
 * for the audit.
 */
@ExtendWith(OutputCaptureExtension.class)
class PostureAuditAutoConfigurationIntegrationTests {

	private static final String SECRET_KEY = "S3cret-audit-key-wJalrXUtnFEMI";

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.tls()
		.aclUser(RedisTestContexts.USER, RedisTestContexts.PASSWORD);

	@RegisterExtension
	final FakeAwsApi aws = FakeAwsApi.forEachTest();

	private ApplicationContextRunner runner(String mode) {
		return RedisTestContexts.securedBy(redis)
			.withConfiguration(AutoConfigurations.of(ElastiCacheSecureHealthAutoConfiguration.class,
					ElastiCacheSecureEndpointAutoConfiguration.class))
			.withBean(AwsCredentialsProvider.class,
					() -> StaticCredentialsProvider
						.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", SECRET_KEY)))
			.withPropertyValues("elasticache.secure.audit.mode=" + mode, "elasticache.secure.cache-name=orders",
					"elasticache.secure.iam.region=us-east-1", "management.endpoints.web.exposure.include=elasticache");
	}

	@Test
	void failStopsTheStartWhenTransitEncryptionIsPreferred() {
		this.aws.answer("DescribeReplicationGroups",
				replicationGroup("orders", true, "preferred", true, null, "orders-users"));
		runner("fail").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new PostureAuditFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("transit-encryption").contains("mode is preferred");
			assertThat(analysis.getAction()).contains("TransitEncryptionMode=required")
				.contains("elasticache.secure.audit.mode=warn");
		});
	}

	@Test
	void failStopsTheStartWhenASecurityGroupIsOpenToTheWorld() {
		this.aws.answer("DescribeSecurityGroups",
				securityGroup("sg-0123456789abcdef0", "orders-cache", "tcp", 6379, 6379, "0.0.0.0/0", null));
		runner("fail").run((context) -> {
			assertThat(context).getFailure().isInstanceOf(PostureAuditException.class);
			FailureAnalysis analysis = new PostureAuditFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("sg-0123456789abcdef0 (orders-cache)")
				.contains("tcp 6379 from 0.0.0.0/0");
			assertThat(analysis.getAction()).contains("revoke-security-group-ingress");
		});
	}

	@Test
	void failStartsWhenOnlyPermissionsAreMissing() {
		this.aws.ec2Error("DescribeSecurityGroups", 403, "UnauthorizedOperation",
				"You are not authorized to perform " + "this operation.");
		runner("fail").run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void warnStartsAndLogsTheFindingsOnceAndHealthAndTheEndpointShowThem(CapturedOutput output) {
		this.aws.answer("DescribeReplicationGroups",
				replicationGroup("orders", true, "preferred", true, null, "orders-users"));
		runner("warn").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output.getOut().split("ElastiCache posture audit: \\[high\\] transit-encryption", -1))
				.hasSize(2);
			Map<String, Object> health = context.getBean(ElastiCacheHealthIndicator.class).health().getDetails();
			assertThat(health.get("audit").toString()).contains("transit-encryption");
			ElastiCacheActuatorEndpoint endpoint = context.getBean(ElastiCacheActuatorEndpoint.class);
			String json = JsonMapper.builder().build().writeValueAsString(endpoint.state());
			assertThat(json).contains("\"connection\":{\"status\":\"UP\"")
				.contains("\"tlsProbe\":\"SECURE\"")
				.contains("\"audit\":{\"status\":\"done\"")
				.contains("\"failedHigh\":1")
				.contains("{\"id\":\"transit-encryption\",\"severity\":\"high\",\"status\":\"high\"");
			assertThat(json.contains(RedisTestContexts.PASSWORD)).as("password in the endpoint's JSON").isFalse();
			assertThat(json.contains(SECRET_KEY)).as("secret key in the endpoint's JSON").isFalse();
			int calls = this.aws.actions().size();
			// Within the minute after the startup run, asking again shows the same report
			// without AWS calls.
			assertThat(endpoint.part("audit")).containsEntry("failedHigh", 1).containsKey("nextRunAllowedAt");
			assertThat(this.aws.actions()).hasSize(calls);
			assertThat(context.getBean(PostureAuditRunner.class).latest()).isNotNull();
		});
	}

	@Test
	void offByDefault() {
		RedisTestContexts.securedBy(redis).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeanProvider(PostureAuditRunner.class).getIfAvailable()).isNull();
			assertThat(this.aws.actions()).isEmpty();
		});
	}

	@Test
	void auditWithoutTheSdkModulesStopsTheStartNamingThem() {
		runner("warn").withClassLoader(new FilteredClassLoader(ElastiCacheClient.class)).run((context) -> {
			assertThat(context).getFailure().hasRootCauseInstanceOf(ElastiCacheConfigurationException.class);
			FailureAnalysis analysis = new ElastiCacheConfigurationFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("software.amazon.awssdk:elasticache")
				.contains("software.amazon.awssdk:url-connection-client");
			assertThat(analysis.getAction()).contains("elasticache.secure.audit.mode=off");
		});
	}

}
