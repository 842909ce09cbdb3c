package io.github.elasticachesecure.autoconfigure;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.elasticachesecure.autoconfigure.guard.ElastiCacheSecureGuardAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.health.ElastiCacheSecureHealthAutoConfiguration;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.iam.ElastiCacheIamCredentialsProvider;
import io.github.elasticachesecure.iam.IamTokenStatus;
import io.github.elasticachesecure.iam.IamTokenUnavailableException;
import io.github.elasticachesecure.testkit.SigV4Reference;
import io.github.elasticachesecure.testsupport.Threads;
import io.lettuce.core.ClientOptions.ReauthenticateBehavior;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.protocol.ProtocolVersion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.validation.ObjectError;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Conditions and validation of the IAM configuration. The AWS credentials and region come
 * from beans, so nothing here reaches for the network.
 */
@ExtendWith(OutputCaptureExtension.class)
class ElastiCacheIamConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
				ElastiCacheSecureGuardAutoConfiguration.class, ElastiCacheSecureHealthAutoConfiguration.class,
				DataRedisAutoConfiguration.class, SslAutoConfiguration.class))
		.withBean(AwsCredentialsProvider.class,
				() -> StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret-key")))
		.withPropertyValues("elasticache.secure.endpoint=localhost:1", "elasticache.secure.auth.mode=iam",
				"elasticache.secure.guard.probe-timeout=300ms");

	@Test
	void iamModeWiresStreamingCredentialsAndReauthentication() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.auth.username=app-user", "elasticache.secure.cache-name=My-Cache",
					"elasticache.secure.iam.region=eu-west-1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ElastiCacheIamCredentialsProvider provider = context.getBean(ElastiCacheIamCredentialsProvider.class);
				assertThat(provider.supportsStreaming()).isTrue();
				LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
				assertThat(factory.getClientConfiguration().getRedisCredentialsProviderFactory()).isPresent();
				assertThat(factory.getClientConfiguration()
					.getRedisCredentialsProviderFactory()
					.get()
					.createCredentialsProvider(factory.getStandaloneConfiguration())).isSameAs(provider);
				assertThat(
						factory.getClientConfiguration().getClientOptions().orElseThrow().getReauthenticateBehaviour())
					.isEqualTo(ReauthenticateBehavior.ON_NEW_CREDENTIALS);
				assertThat(factory.getStandaloneConfiguration().getUsername()).isEqualTo("app-user");
				assertThat(factory.getStandaloneConfiguration().getPassword().isPresent()).isFalse();
			});
	}

	// The IAM beans are defined in every mode (Spring AOT fixes conditions at build time)
	// and stand aside in password mode.
	@Test
	void passwordModeUsesNoIamProviderAndCreatesNoAwsObjects() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
					ElastiCacheSecureGuardAutoConfiguration.class, ElastiCacheSecureHealthAutoConfiguration.class,
					DataRedisAutoConfiguration.class, SslAutoConfiguration.class))
			.withPropertyValues("elasticache.secure.endpoint=localhost:1", "elasticache.secure.auth.username=app-user",
					"elasticache.secure.auth.password=S3cret-pw", "elasticache.secure.guard.probe-timeout=300ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanProvider(ElastiCacheIamCredentialsProvider.class).getIfAvailable()).isNull();
				assertThat(context.getBeanProvider(IamTokenStatusSource.class).getIfAvailable()).isNull();
				assertThat(context.getBean(LettuceConnectionFactory.class)
					.getClientConfiguration()
					.getRedisCredentialsProviderFactory()).isEmpty();
				assertThat(context.getBeanFactory().containsSingleton("elastiCacheAwsCredentialsProvider")).isFalse();
				assertThat(context.getBeanFactory().containsSingleton("elastiCacheAwsRegionProvider")).isFalse();
			});
	}

	@Test
	void resp2IsReportedBecausePubSubConnectionsCannotBeReauthenticated(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("elasticache.secure.auth.username=app-user", "elasticache.secure.cache-name=c1",
					"elasticache.secure.iam.region=us-east-1")
			.withBean(LettuceClientOptionsBuilderCustomizer.class,
					() -> (builder) -> builder.protocolVersion(ProtocolVersion.RESP2))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("Lettuce cannot re-authenticate pub/sub connections on RESP2");
			});
	}

	@Test
	void modeIsMatchedAsItIsBoundWhateverItsSpacingOrCase() {
		for (String mode : new String[] { "iam ", " IAM", "Iam" }) {
			this.contextRunner
				.withPropertyValues("elasticache.secure.auth.username=app-user", "elasticache.secure.cache-name=c1",
						"elasticache.secure.iam.region=us-east-1")
				// As a .properties line keeps it: TestPropertyValues would trim the
				// blank.
				.withInitializer((context) -> context.getEnvironment()
					.getPropertySources()
					.addFirst(new MapPropertySource("mode", Map.of("elasticache.secure.auth.mode", mode))))
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(context).as("'%s'", mode).hasSingleBean(ElastiCacheIamCredentialsProvider.class);
					assertThat(context.getBean(LettuceConnectionFactory.class)
						.getClientConfiguration()
						.getRedisCredentialsProviderFactory()).isPresent();
				});
		}
	}

	@Test
	void passwordBesideIamIsRefusedWithoutPrintingIt() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.auth.username=app-user", "elasticache.secure.cache-name=c1",
					"elasticache.secure.iam.region=us-east-1", "elasticache.secure.auth.password=S3cret-iam")
			.run((context) -> {
				BindValidationException failure = StartupFailures.find(context, BindValidationException.class);
				assertThat(failure.getValidationErrors().getAllErrors()).singleElement()
					.extracting(ObjectError::getDefaultMessage)
					.asString()
					.contains("'elasticache.secure.auth.password' is set")
					.contains("Remove 'elasticache.secure.auth.password'");
				assertThat(failure.getMessage().contains("S3cret")).as("secret in the message").isFalse();
			});
	}

	@Test
	void regionComesFromTheRegionProviderBean() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.auth.username=app-user", "elasticache.secure.cache-name=c1")
			.withBean(AwsRegionProvider.class, () -> () -> Region.AP_SOUTHEAST_2)
			.run((context) -> assertThat(context.getBean(ElastiCacheIamCredentialsProvider.class).toString())
				.contains("ap-southeast-2"));
	}

	@Test
	void missingUserIdIsRefused() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.cache-name=c1", "elasticache.secure.iam.region=us-east-1")
			.run((context) -> assertThat(StartupFailures.find(context, ElastiCacheConfigurationException.class))
				.extracting(ElastiCacheConfigurationException::getProperty)
				.isEqualTo("elasticache.secure.auth.username"));
	}

	@Test
	void cacheNameThatCannotBeDerivedIsRefused() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.auth.username=app-user", "elasticache.secure.iam.region=us-east-1")
			.run((context) -> assertThat(StartupFailures.find(context, ElastiCacheConfigurationException.class))
				.hasMessageContaining("cannot be derived from the endpoint 'localhost:1'")
				.extracting(ElastiCacheConfigurationException::getProperty)
				.isEqualTo("elasticache.secure.cache-name"));
	}

	@Test
	void invalidSettingsAreRefusedNamingTheProperty() {
		assertRefused("elasticache.secure.cache-name", "elasticache.secure.cache-name=1-starts-with-digit",
				"elasticache.secure.iam.region=us-east-1");
		assertRefused("elasticache.secure.iam.region", "elasticache.secure.cache-name=c1",
				"elasticache.secure.iam.region=not a region");
	}

	@Test
	void iamWithoutTheAwsSdkIsRefusedWithTheDependencyToAdd() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
					ElastiCacheSecureGuardAutoConfiguration.class, ElastiCacheSecureHealthAutoConfiguration.class,
					DataRedisAutoConfiguration.class, SslAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("software.amazon.awssdk"))
			.withPropertyValues("elasticache.secure.endpoint=localhost:1", "elasticache.secure.auth.mode=iam",
					"elasticache.secure.auth.username=app-user")
			.run((context) -> assertThat(StartupFailures.find(context, ElastiCacheConfigurationException.class))
				.hasMessageContaining("AWS SDK")
				.extracting(ElastiCacheConfigurationException::getAction)
				.asString()
				.contains("elasticache-secure-spring-boot-starter"));
	}

	@Test
	void userProviderIsUsed() {
		ElastiCacheIamCredentialsProvider[] created = new ElastiCacheIamCredentialsProvider[1];
		this.contextRunner
			.withPropertyValues("elasticache.secure.auth.username=app-user", "elasticache.secure.cache-name=c1",
					"elasticache.secure.iam.region=us-east-1")
			.withBean("userProvider", ElastiCacheIamCredentialsProvider.class, () -> {
				created[0] = ElastiCacheIamCredentialsProvider
					.builder(
							new io.github.elasticachesecure.iam.ElastiCacheIamTokenGenerator("c2", "app-user",
									"us-east-1", false),
							StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
					.build();
				return created[0];
			})
			.run((context) -> assertThat(context.getBean(ElastiCacheIamCredentialsProvider.class))
				.isSameAs(created[0]));
	}

	@Test
	void missingAwsCredentialsStopTheStartWithoutLeavingARefreshThread() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
					ElastiCacheSecureGuardAutoConfiguration.class, ElastiCacheSecureHealthAutoConfiguration.class,
					DataRedisAutoConfiguration.class, SslAutoConfiguration.class))
			.withBean(AwsCredentialsProvider.class, () -> () -> {
				throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
			})
			.withPropertyValues("elasticache.secure.endpoint=localhost:1", "elasticache.secure.auth.mode=iam",
					"elasticache.secure.auth.username=app-user", "elasticache.secure.cache-name=c1",
					"elasticache.secure.iam.region=us-east-1")
			.run((context) -> {
				ElastiCacheConfigurationException failure = StartupFailures.find(context,
						ElastiCacheConfigurationException.class);
				assertThat(failure).hasMessageContaining("No IAM token could be signed at startup")
					.hasMessageContaining("Unable to load credentials");
				assertThat(failure.getAction()).contains("elasticache.secure.iam.profile")
					.contains("AWS_ACCESS_KEY_ID");
			});
		assertThat(Threads.alive(IamProviderThreads::isProviderThread)).isEmpty();
	}

	@Test
	@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void hungAwsCredentialsSourceStopsTheStartAfterTheCredentialsTimeout() {
		CountDownLatch never = new CountDownLatch(1);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
					ElastiCacheSecureGuardAutoConfiguration.class, ElastiCacheSecureHealthAutoConfiguration.class,
					DataRedisAutoConfiguration.class, SslAutoConfiguration.class))
			.withBean(AwsCredentialsProvider.class, () -> () -> {
				// A credentials endpoint that accepts the connection and never answers.
				try {
					never.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				throw SdkClientException.create("interrupted");
			})
			.withPropertyValues("elasticache.secure.endpoint=localhost:1", "elasticache.secure.auth.mode=iam",
					"elasticache.secure.auth.username=app-user", "elasticache.secure.cache-name=c1",
					"elasticache.secure.iam.region=us-east-1", "elasticache.secure.iam.credentials-timeout=300ms")
			.run((context) -> {
				ElastiCacheConfigurationException failure = StartupFailures.find(context,
						ElastiCacheConfigurationException.class);
				assertThat(failure.getProperty()).isEqualTo("elasticache.secure.iam.credentials-timeout");
				assertThat(failure).hasMessageContaining("No IAM token could be signed at startup")
					.hasMessageContaining("did not answer within 300 ms");
				assertThat(failure.getAction()).contains("elasticache.secure.iam.credentials-timeout")
					.contains("now 300ms");
			});
		assertThat(Threads.alive(IamProviderThreads::isProviderThread)).isEmpty();
	}

	@Test
	void withoutACredentialsBeanTheSdkDefaultChainSignsAndIsClosedWithTheContext() {
		System.setProperty("aws.accessKeyId", "AKIDFROMSYSTEMPROPERTIES");
		System.setProperty("aws.secretAccessKey", "secret-from-system-properties");
		AtomicReference<ElastiCacheIamCredentialsProvider> provider = new AtomicReference<>();
		try {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
						ElastiCacheSecureGuardAutoConfiguration.class, ElastiCacheSecureHealthAutoConfiguration.class,
						DataRedisAutoConfiguration.class, SslAutoConfiguration.class))
				.withPropertyValues("elasticache.secure.endpoint=localhost:1", "elasticache.secure.auth.mode=iam",
						"elasticache.secure.auth.username=app-user", "elasticache.secure.cache-name=c1",
						"elasticache.secure.iam.region=us-east-1", "elasticache.secure.guard.probe-timeout=300ms")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(context.getBean(AwsCredentialsProvider.class))
						.isInstanceOf(DefaultCredentialsProvider.class);
					provider.set(context.getBean(ElastiCacheIamCredentialsProvider.class));
					assertThat(provider.get().status().tokenUsable()).isTrue();
					assertThat(Threads.alive(IamProviderThreads::isProviderThread)).as("refresh thread while running")
						.isNotEmpty();
					// The SDK chain shows no state once closed (system properties hold no
					// resources): its bean definition is what can be checked.
					assertThat(context.getSourceApplicationContext()
						.getBeanFactory()
						.getBeanDefinition("elastiCacheAwsCredentialsProvider")
						.getDestroyMethodName()).isEqualTo("close");
				});
		}
		finally {
			System.clearProperty("aws.accessKeyId");
			System.clearProperty("aws.secretAccessKey");
		}
		// Closing the context closed the IAM provider: its threads end and it hands out
		// no more credentials.
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(Threads.alive(IamProviderThreads::isProviderThread)).isEmpty());
		StepVerifier.create(provider.get().resolveCredentials())
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IamTokenUnavailableException.class)
				.hasMessageContaining("is closed"))
			.verify(Duration.ofSeconds(10));
		StepVerifier.create(provider.get().credentials()).expectComplete().verify(Duration.ofSeconds(10));
	}

	@Test
	void refreshIntervalIsTakenFromThePropertyAndDefaultsToFiveMinutes() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.auth.username=app-user", "elasticache.secure.cache-name=c1",
					"elasticache.secure.iam.region=us-east-1")
			.run((context) -> assertThat(scheduledRefreshInterval(context)).isCloseTo(Duration.ofMinutes(5),
					Duration.ofSeconds(1)));
		this.contextRunner
			.withPropertyValues("elasticache.secure.auth.username=app-user", "elasticache.secure.cache-name=c1",
					"elasticache.secure.iam.region=us-east-1", "elasticache.secure.iam.refresh-interval=7m")
			.run((context) -> assertThat(scheduledRefreshInterval(context)).isCloseTo(Duration.ofMinutes(7),
					Duration.ofSeconds(1)));
	}

	@Test
	@DisplayName("the configured re-authentication spread reaches the provider: a new token arrives at each connection at a moment of its own within it")
	void reauthenticationSpreadIsTakenFromTheProperty() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.auth.username=app-user", "elasticache.secure.cache-name=c1",
					"elasticache.secure.iam.region=us-east-1", "elasticache.secure.iam.reauthentication-spread=2s")
			.run((context) -> {
				Duration spread = arrivalSpread(context.getBean(ElastiCacheIamCredentialsProvider.class));
				// 20 uniform delays within 2 s all inside 200 ms of each other: odds
				// below
				// 1e-15.
				assertThat(spread).as("spread of the arrivals with a 2 s window").isGreaterThan(Duration.ofMillis(200));
				assertThat(spread).isLessThanOrEqualTo(Duration.ofSeconds(2));
			});
		this.contextRunner
			.withPropertyValues("elasticache.secure.auth.username=app-user", "elasticache.secure.cache-name=c1",
					"elasticache.secure.iam.region=us-east-1", "elasticache.secure.iam.reauthentication-spread=0s")
			.run((context) -> assertThat(arrivalSpread(context.getBean(ElastiCacheIamCredentialsProvider.class)))
				.as("spread of the arrivals without a window")
				.isLessThan(Duration.ofMillis(200)));
	}

	/**
	 * The time between the first and the last of 20 subscribers to receive a new token.
	 */
	private static Duration arrivalSpread(ElastiCacheIamCredentialsProvider provider) throws Exception {
		int subscribers = 20;
		long[] arrivals = new long[subscribers];
		CountDownLatch all = new CountDownLatch(subscribers);
		List<Disposable> subscriptions = new ArrayList<>();
		try {
			for (int i = 0; i < subscribers; i++) {
				int index = i;
				subscriptions.add(provider.credentials().subscribe((credentials) -> {
					arrivals[index] = System.nanoTime();
					all.countDown();
				}));
			}
			provider.refreshNow().get(10, TimeUnit.SECONDS);
			assertThat(all.await(10, TimeUnit.SECONDS)).as("every subscriber got the new token").isTrue();
			return Duration
				.ofNanos(Arrays.stream(arrivals).max().orElseThrow() - Arrays.stream(arrivals).min().orElseThrow());
		}
		finally {
			subscriptions.forEach(Disposable::dispose);
		}
	}

	@Test
	void theProfileNamedByThePropertySignsAndTheRegionComesFromTheSdkChain(@TempDir Path awsDirectory,
			CapturedOutput output) throws Exception {
		Path credentialsFile = Files.writeString(awsDirectory.resolve("credentials"), """
				[default]
				aws_access_key_id = AKIDDEFAULTPROFILE
				aws_secret_access_key = secret-of-the-default-profile

				[elasticache-app]
				aws_access_key_id = AKIDNAMEDPROFILE
				aws_secret_access_key = secret-of-the-named-profile
				""");
		// An empty config file: the SDK never reads the machine's ~/.aws.
		Path configFile = Files.writeString(awsDirectory.resolve("config"), "");
		Map<String, String> systemProperties = Map.of("aws.sharedCredentialsFile", credentialsFile.toString(),
				"aws.configFile", configFile.toString(), "aws.region", "eu-west-3");
		Map<String, String> saved = new HashMap<>();
		systemProperties.forEach((name, value) -> {
			String previous = System.getProperty(name);
			if (previous != null) {
				saved.put(name, previous);
			}
			System.setProperty(name, value);
		});
		try {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
						ElastiCacheSecureGuardAutoConfiguration.class, DataRedisAutoConfiguration.class,
						SslAutoConfiguration.class))
				.withPropertyValues("elasticache.secure.endpoint=localhost:1", "elasticache.secure.auth.mode=iam",
						"elasticache.secure.auth.username=app-user", "elasticache.secure.cache-name=c1",
						"elasticache.secure.iam.profile=elasticache-app",
						"elasticache.secure.guard.probe-timeout=300ms")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(output).contains(
							"elasticache.secure.iam.region taken from the AWS region provider " + "chain: eu-west-3");
					RedisCredentials credentials = context.getBean(ElastiCacheIamCredentialsProvider.class)
						.resolveCredentials()
						.block(Duration.ofSeconds(30));
					String token = new String(credentials.getPassword());
					Map<String, String> parameters = queryParameters(token);
					Instant signedAt = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX")
						.parse(parameters.get("X-Amz-Date"), Instant::from);
					Map<String, String> expected = SigV4Reference.presignedParameters("c1",
							Map.of("Action", "connect", "User", "app-user"), "eu-west-3", "elasticache", signedAt,
							"AKIDNAMEDPROFILE", "secret-of-the-named-profile", null, 900);
					assertThat(parameters.get("X-Amz-Credential")).startsWith("AKIDNAMEDPROFILE/")
						.contains("/eu-west-3/elasticache/");
					assertThat(expected.get("X-Amz-Signature").equals(parameters.get("X-Amz-Signature")))
						.as("signed with the named profile's secret key for eu-west-3")
						.isTrue();
				});
		}
		finally {
			systemProperties.keySet().forEach(System::clearProperty);
			saved.forEach(System::setProperty);
		}
	}

	/**
	 * The time between the last successful refresh and the next scheduled one (each read
	 * from the system clock).
	 */
	private static Duration scheduledRefreshInterval(ApplicationContext context) {
		IamTokenStatus status = context.getBean(ElastiCacheIamCredentialsProvider.class).status();
		assertThat(status.lastRefreshSuccess()).isNotNull();
		assertThat(status.nextRefreshAt()).isNotNull();
		return Duration.between(status.lastRefreshSuccess(), status.nextRefreshAt());
	}

	private static Map<String, String> queryParameters(String token) {
		Map<String, String> parameters = new HashMap<>();
		for (String pair : URI.create("https://" + token).getRawQuery().split("&")) {
			int equals = pair.indexOf('=');
			parameters.put(pair.substring(0, equals),
					URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		return parameters;
	}

	private void assertRefused(String property, String... settings) {
		this.contextRunner.withPropertyValues("elasticache.secure.auth.username=app-user")
			.withPropertyValues(settings)
			.run((context) -> {
				ElastiCacheConfigurationException failure = StartupFailures.find(context,
						ElastiCacheConfigurationException.class);
				assertThat(failure.getProperty()).isEqualTo(property);
				assertThat(failure.getMessage()).contains(property);
				assertThat(failure.getAction()).contains(property);
			});
	}

}
