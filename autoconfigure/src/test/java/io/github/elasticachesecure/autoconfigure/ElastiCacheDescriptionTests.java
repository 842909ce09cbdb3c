package io.github.elasticachesecure.autoconfigure;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.elasticachesecure.autoconfigure.metrics.ElastiCacheSecureMetricsAutoConfiguration;
import io.github.elasticachesecure.cache.CacheTopology;
import io.github.elasticachesecure.cache.ReadPreference;
import io.github.elasticachesecure.metrics.ElastiCacheMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link ElastiCacheDescription} is resolved through the auto-configuration: what the
 * host name gives away and what the properties override. No factory is created, so no
 * host here is ever connected to.
 */
@ExtendWith(OutputCaptureExtension.class)
class ElastiCacheDescriptionTests {

	private static final String HOST_SUFFIX = ".abc123.use1.cache.amazonaws.com:6379";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
				ElastiCacheSecureMetricsAutoConfiguration.class, SslAutoConfiguration.class))
		.withPropertyValues("elasticache.secure.auth.password=secret");

	@Test
	void topologyAndCacheNameAreDerivedFromElastiCacheHostNames() {
		assertDescribed("master.orders" + HOST_SUFFIX, CacheTopology.REPLICATION_GROUP, "orders");
		assertDescribed("replica.orders" + HOST_SUFFIX, CacheTopology.REPLICATION_GROUP, "orders");
		assertDescribed("clustercfg.orders" + HOST_SUFFIX, CacheTopology.CLUSTER, "orders");
		assertDescribed("sessions-x1y2z3.serverless.use1.cache.amazonaws.com:6379", CacheTopology.SERVERLESS,
				"sessions");
		assertDescribed("localhost:6379", CacheTopology.STANDALONE, null);
	}

	@Test
	void connectionDetailsFollowTheTopology() {
		this.contextRunner.withPropertyValues("elasticache.secure.endpoint=clustercfg.orders" + HOST_SUFFIX)
			.run((context) -> {
				DataRedisConnectionDetails details = context.getBean(DataRedisConnectionDetails.class);
				assertThat(details.getStandalone()).isNull();
				assertThat(details.getCluster()).isNotNull();
			});
		this.contextRunner.withPropertyValues("elasticache.secure.endpoint=master.orders" + HOST_SUFFIX)
			.run((context) -> {
				DataRedisConnectionDetails details = context.getBean(DataRedisConnectionDetails.class);
				assertThat(details.getCluster()).isNull();
				assertThat(details.getStandalone().getHost())
					.isEqualTo("master.orders.abc123.use1.cache.amazonaws.com");
			});
	}

	@Test
	void configuredTopologyAndCacheNameWinOverTheHostName() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.endpoint=master.orders" + HOST_SUFFIX,
					"elasticache.secure.topology=cluster", "elasticache.secure.cache-name=payments")
			.run((context) -> assertThat(context.getBean(ElastiCacheDescription.class))
				.isEqualTo(new ElastiCacheDescription("master.orders.abc123.use1.cache.amazonaws.com", 6379,
						CacheTopology.CLUSTER, "payments")));
	}

	@Test
	void derivationsAreLoggedOnceAlthoughIamAndMetricsUseThem(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("elasticache.secure.endpoint=sessions-x1y2z3.serverless.use1.cache.amazonaws.com:6379",
					"elasticache.secure.auth.mode=iam", "elasticache.secure.auth.password=",
					"elasticache.secure.auth.username=app", "elasticache.secure.iam.region=us-east-1")
			.withBean(AwsCredentialsProvider.class,
					() -> StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-secret")))
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ElastiCacheMetrics.class);
				assertThat(output).contains("on cache 'sessions' in us-east-1 (serverless)");
				assertThat(occurrences(output, "elasticache.secure.topology derived from the endpoint host name"))
					.isOne();
				assertThat(occurrences(output, "elasticache.secure.cache-name derived from the endpoint host name"))
					.isOne();
			});
	}

	@Test
	void readsGoToReplicasFirstWithAReaderAndToThePrimaryOnlyWithout() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.endpoint=master.orders" + HOST_SUFFIX,
					"elasticache.secure.reader-endpoint=replica.orders" + HOST_SUFFIX)
			.run((context) -> assertThat(context.getBean(ElastiCacheDescription.class).readFrom().preference())
				.isEqualTo(ReadPreference.REPLICA_PREFERRED));
		this.contextRunner.withPropertyValues("elasticache.secure.endpoint=master.orders" + HOST_SUFFIX)
			.run((context) -> assertThat(context.getBean(ElastiCacheDescription.class).readFrom().preference())
				.isNull());
	}

	private void assertDescribed(String endpoint, CacheTopology topology, String cacheName) {
		this.contextRunner.withPropertyValues("elasticache.secure.endpoint=" + endpoint).run((context) -> {
			ElastiCacheDescription description = context.getBean(ElastiCacheDescription.class);
			assertThat(description.topology()).as(endpoint).isEqualTo(topology);
			assertThat(description.cacheName()).as(endpoint).isEqualTo(cacheName);
			assertThat(description.endpoint()).isEqualTo(endpoint);
		});
	}

	private static int occurrences(CapturedOutput output, String text) {
		Matcher matcher = Pattern.compile(Pattern.quote(text)).matcher(output.toString());
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

}
