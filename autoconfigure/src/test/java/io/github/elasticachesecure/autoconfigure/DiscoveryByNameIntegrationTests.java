package io.github.elasticachesecure.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.elasticachesecure.audit.CacheDiscoveryException;
import io.github.elasticachesecure.autoconfigure.endpoint.ElastiCacheSecureEndpointAutoConfiguration;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.health.ElastiCacheActuatorEndpoint;
import io.github.elasticachesecure.testkit.LocalElastiCache;
import io.github.elasticachesecure.testkit.RedisClusterProcess;
import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testsupport.FakeAwsApi;
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
import org.springframework.data.redis.core.StringRedisTemplate;

import static io.github.elasticachesecure.testsupport.AwsFixtures.cacheClustersAt;
import static io.github.elasticachesecure.testsupport.AwsFixtures.clusterReplicationGroupAt;
import static io.github.elasticachesecure.testsupport.AwsFixtures.replicationGroupAt;
import static io.github.elasticachesecure.testsupport.AwsFixtures.serverlessCacheAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code elasticache.secure.cache-name} and a region without an endpoint: the starter
 * finds the cache through the ElastiCache API (its stand-in on loopback, answering in the
 * real wire format, which the SDK's own unmarshallers read) and connects to the real TLS
 * servers the answers point at.
 */
@ExtendWith(OutputCaptureExtension.class)
class DiscoveryByNameIntegrationTests {

	private static final int KEYS = 30;

	private static final String SECRET_KEY = "S3cret-discovery-key-wJalrXUtnFEMI";

	@RegisterExtension
	static final LocalElastiCache group = LocalElastiCache.replicationGroup(2).user("app", RedisTestContexts.PASSWORD);

	@RegisterExtension
	static final LocalElastiCache cluster = LocalElastiCache.cluster(3, 1).user("app", RedisTestContexts.PASSWORD);

	@RegisterExtension
	final FakeAwsApi aws = FakeAwsApi.forEachTest();

	private final ApplicationContextRunner runner = RedisTestContexts.runner()
		.withConfiguration(AutoConfigurations.of(ElastiCacheSecureEndpointAutoConfiguration.class))
		.withBean(AwsCredentialsProvider.class,
				() -> StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", SECRET_KEY)))
		.withPropertyValues("elasticache.secure.cache-name=orders", "elasticache.secure.iam.region=us-east-1",
				"elasticache.secure.tls.bundle=test", "elasticache.secure.auth.username=app",
				"elasticache.secure.auth.password=" + RedisTestContexts.PASSWORD,
				"management.endpoints.web.exposure.include=elasticache");

	private void answerWithTheReplicationGroup(String mode) {
		List<RedisServerProcess> nodes = group.nodes();
		this.aws.answer("DescribeReplicationGroups",
				replicationGroupAt("orders", mode, group.endpoint(), group.readerEndpoint(),
						"localhost:" + nodes.get(0).port() + " us-east-1a primary",
						"localhost:" + nodes.get(1).port() + " us-east-1b replica",
						"localhost:" + nodes.get(2).port() + " us-east-1c replica"));
	}

	private void answerNoReplicationGroup() {
		this.aws.elastiCacheError("DescribeReplicationGroups", 404, "ReplicationGroupNotFoundFault",
				"ReplicationGroup orders not found.");
	}

	private static void writesAndReads(StringRedisTemplate template) {
		template.opsForValue().set("discovered", "yes");
		assertThat(template.opsForValue().get("discovered")).isEqualTo("yes");
	}

	@Test
	void replicationGroupFoundByNameWithAnEmptyEndpointIsConnectedToAndShown(CapturedOutput output) {
		answerWithTheReplicationGroup("required");
		// ${ELASTICACHE_ENDPOINT:} without the variable
		this.runner.withPropertyValues("elasticache.secure.endpoint=").run((context) -> {
			assertThat(context).hasNotFailed();
			ElastiCacheDescription cache = context.getBean(ElastiCacheDescription.class);
			assertThat(cache.endpoint()).isEqualTo(group.endpoint());
			assertThat(cache.reader().endpoint()).isEqualTo(group.readerEndpoint());
			assertThat(cache.topology()).isEqualTo(CacheTopology.REPLICATION_GROUP);
			assertThat(cache.region()).isEqualTo("us-east-1");
			writesAndReads(context.getBean(StringRedisTemplate.class));
			assertThat(output.getOut().split("ElastiCache cache found by its name: 'orders' in us-east-1", -1))
				.hasSize(2);
			Map<String, Object> state = context.getBean(ElastiCacheActuatorEndpoint.class).state();
			String json = JsonMapper.builder().build().writeValueAsString(state.get("cache"));
			assertThat(json).contains("\"name\":\"orders\"")
				.contains("\"endpoint\":\"" + group.endpoint() + "\"")
				.contains("\"readerEndpoint\":\"" + group.readerEndpoint() + "\"")
				.contains("\"readFrom\":\"replica-preferred\"")
				.contains("\"source\":\"elasticache:DescribeReplicationGroups\"")
				.contains("{\"endpoint\":\"localhost:" + group.nodes().get(2).port()
						+ "\",\"availabilityZone\":\"us-east-1c\",\"role\":\"replica\"}")
				.doesNotContain(RedisTestContexts.PASSWORD)
				.doesNotContain(SECRET_KEY);
		});
		assertThat(this.aws.actions()).containsExactly("DescribeReplicationGroups");
	}

	@Test
	void anExplicitEndpointWinsAndNoApiIsCalled() {
		this.runner.withPropertyValues("elasticache.secure.endpoint=" + group.endpoint()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ElastiCacheDescription.class).discovered()).isNull();
		});
		assertThat(this.aws.actions()).isEmpty();
	}

	@Test
	void clusterModeReplicationGroupIsReachedThroughItsConfigurationEndpoint() {
		this.aws.answer("DescribeReplicationGroups", clusterReplicationGroupAt("orders", cluster.endpoint()));
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ElastiCacheDescription.class).topology()).isEqualTo(CacheTopology.CLUSTER);
			writesAndReads(context.getBean(StringRedisTemplate.class));
		});
	}

	@Test
	void sameAzInClusterModeReadsFromEachShardsReplicaWithZonesFromDescribeCacheClusters(CapturedOutput output) {
		List<RedisServerProcess> nodes = cluster.nodes();
		List<String> described = new ArrayList<>();
		for (RedisServerProcess node : nodes) {
			described
				.add("localhost:" + node.port() + (RedisClusterProcess.isMaster(node) ? " us-east-1b" : " us-east-1a"));
		}
		this.aws.answer("DescribeReplicationGroups", clusterReplicationGroupAt("orders", cluster.endpoint()))
			.answer("DescribeCacheClusters", cacheClustersAt("orders", described.toArray(String[]::new)));
		// Lettuce reads only from replicas that report a replication offset, as every
		// replica of a cache in use does: one replicated write per shard gives them one.
		nodes.stream().filter(RedisClusterProcess::isMaster).forEach((node) -> node.adminCommand("FLUSHALL"));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> nodes.stream()
				.filter((node) -> !RedisClusterProcess.isMaster(node))
				.allMatch((node) -> !node.adminCommand("INFO", "replication").contains("master_repl_offset:0\r")));
		this.runner
			.withPropertyValues("elasticache.secure.read-from=same-az",
					"elasticache.secure.availability-zone=us-east-1a")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("Reads go first to the replicas in us-east-1a: [localhost:");
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				for (int i = 0; i < KEYS; i++) {
					template.opsForValue().set("zone-" + i, "a");
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> replicated(nodes));
				// The zones matched from DescribeCacheClusters by host and port: every
				// replica is in the application's zone, every master in another. Which
				// node serves a slot is Lettuce's choice: it leaves out a replica whose
				// offset its view has not seen or that the cluster suspects (fail?), and
				// keeps a slot's readers until the topology changes. So the servers'
				// counts are shown, not asserted; the replication group's test asserts
				// them, with cluster mode disabled.
				String sameZone = output.getOut()
					.lines()
					.filter((line) -> line.contains("Reads go first to the replicas in us-east-1a: "))
					.findFirst()
					.orElseThrow();
				for (RedisServerProcess node : nodes) {
					assertThat(sameZone.contains("localhost:" + node.port()))
						.as("node " + node.port() + " among the same-zone replicas")
						.isEqualTo(!RedisClusterProcess.isMaster(node));
				}
				nodes.forEach((node) -> node.adminCommand("CONFIG", "RESETSTAT"));
				for (int i = 0; i < KEYS; i++) {
					assertThat(template.opsForValue().get("zone-" + i)).isEqualTo("a");
				}
				System.out.println("same-az in cluster mode, reads by node (measured, not asserted): " + nodes.stream()
					.map((node) -> (RedisClusterProcess.isMaster(node) ? "master " : "replica ") + node.port() + "="
							+ node.commandCalls("get"))
					.toList());
			});
		assertThat(this.aws.actions()).containsExactly("DescribeReplicationGroups", "DescribeCacheClusters");
	}

	private static boolean replicated(List<RedisServerProcess> nodes) {
		long masters = 0;
		long replicas = 0;
		for (RedisServerProcess node : nodes) {
			long keys = Long.parseLong(node.adminCommand("DBSIZE"));
			if (RedisClusterProcess.isMaster(node)) {
				masters += keys;
			}
			else {
				replicas += keys;
			}
		}
		return masters >= KEYS && replicas == masters;
	}

	@Test
	void serverlessCacheIsFoundWhenNoReplicationGroupHasTheName() {
		answerNoReplicationGroup();
		this.aws.answer("DescribeServerlessCaches", serverlessCacheAt("orders", cluster.endpoint()));
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			ElastiCacheDescription cache = context.getBean(ElastiCacheDescription.class);
			assertThat(cache.topology()).isEqualTo(CacheTopology.SERVERLESS);
			assertThat(cache.endpoint()).isEqualTo(cluster.endpoint());
			writesAndReads(context.getBean(StringRedisTemplate.class));
		});
		assertThat(this.aws.actions()).containsExactly("DescribeReplicationGroups", "DescribeServerlessCaches");
	}

	@Test
	void aCacheWithoutRequiredTransitEncryptionIsRefusedNamingIt() {
		answerWithTheReplicationGroup("preferred");
		this.runner.run((context) -> {
			assertThat(context).getFailure().hasRootCauseInstanceOf(CacheDiscoveryException.class);
			FailureAnalysis analysis = new CacheDiscoveryFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'orders'")
				.contains("elasticache.secure.cache-name")
				.contains("mode is preferred");
			assertThat(analysis.getAction()).contains("TransitEncryptionMode=required");
		});
	}

	@Test
	void deniedAccessNamesTheIamAction() {
		answerNoReplicationGroup();
		this.aws.elastiCacheError("DescribeServerlessCaches", 403, "AccessDenied", "not authorized");
		this.runner.run((context) -> {
			FailureAnalysis analysis = new CacheDiscoveryFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'orders'").contains("elasticache:DescribeServerlessCaches");
			assertThat(analysis.getAction()).contains("Allow the IAM action 'elasticache:DescribeServerlessCaches'");
		});
	}

	@Test
	void withoutTheSdkModulesTheStartStopsNamingThem() {
		this.runner.withClassLoader(new FilteredClassLoader(ElastiCacheClient.class)).run((context) -> {
			assertThat(context).getFailure().hasRootCauseInstanceOf(ElastiCacheConfigurationException.class);
			FailureAnalysis analysis = new ElastiCacheConfigurationFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'orders'").contains("software.amazon.awssdk:elasticache");
			assertThat(analysis.getAction()).contains("elasticache.secure.endpoint");
		});
		assertThat(this.aws.actions()).isEmpty();
	}

}
