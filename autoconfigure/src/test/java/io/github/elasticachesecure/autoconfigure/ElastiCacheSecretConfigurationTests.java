package io.github.elasticachesecure.autoconfigure;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.elasticachesecure.autoconfigure.guard.ElastiCacheSecureGuardAutoConfiguration;
import io.github.elasticachesecure.autoconfigure.health.ElastiCacheSecureHealthAutoConfiguration;
import io.github.elasticachesecure.cache.ElastiCacheConfigurationException;
import io.github.elasticachesecure.secret.CredentialsSource;
import io.github.elasticachesecure.secret.RotatingCredentialsProvider;
import io.github.elasticachesecure.secret.SecretCredentials;
import io.lettuce.core.ClientOptions.ReauthenticateBehavior;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.validation.ObjectError;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Validation and conditions of {@code elasticache.secure.auth.secret} that are decided
 * before the secret is read (reading it is in {@link SecretRotationIntegrationTests}),
 * and the application's own {@link CredentialsSource} bean.
 */
class ElastiCacheSecretConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ElastiCacheSecureAutoConfiguration.class,
				ElastiCacheSecureGuardAutoConfiguration.class, ElastiCacheSecureHealthAutoConfiguration.class,
				DataRedisAutoConfiguration.class, SslAutoConfiguration.class))
		.withPropertyValues("elasticache.secure.endpoint=localhost:1", "elasticache.secure.guard.probe-timeout=300ms");

	@Test
	void aPasswordBesideASecretIsRefusedWithoutPrintingIt() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.auth.secret=app/redis",
					"elasticache.secure.auth.password=S3cret-pw")
			.run((context) -> {
				BindValidationException failure = StartupFailures.find(context, BindValidationException.class);
				assertThat(failure.getValidationErrors().getAllErrors()).singleElement()
					.extracting(ObjectError::getDefaultMessage)
					.asString()
					.contains("'elasticache.secure.auth.password' and 'elasticache.secure.auth.secret' are both set")
					.contains("Remove 'elasticache.secure.auth.password'");
				assertThat(failure.getMessage().contains("S3cret")).as("password in the message").isFalse();
			});
	}

	@Test
	void aSecretOutsidePasswordModeIsRefused() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.auth.secret=app/redis", "elasticache.secure.auth.mode=iam",
					"elasticache.secure.auth.username=app-user")
			.run((context) -> assertThat(
					StartupFailures.find(context, BindValidationException.class).getValidationErrors().getAllErrors())
				.singleElement()
				.extracting(ObjectError::getDefaultMessage)
				.asString()
				.contains("'elasticache.secure.auth.mode=iam' sends no password")
				.contains("Remove 'elasticache.secure.auth.secret'"));
	}

	@Test
	void aRefreshIntervalThatIsNotPositiveIsRefusedNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.auth.secret=app/redis",
					"elasticache.secure.auth.secret-refresh-interval=0s")
			.run((context) -> assertThat(StartupFailures.find(context, BindValidationException.class).getMessage())
				.contains("'elasticache.secure.auth.secret-refresh-interval' must be positive"));
	}

	@Test
	void aSecretWithoutTheSecretsManagerClientIsRefusedWithTheDependencyToAdd() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("software.amazon.awssdk.services.secretsmanager"))
			.withPropertyValues("elasticache.secure.auth.secret=app/redis")
			.run((context) -> assertThat(StartupFailures.find(context, ElastiCacheConfigurationException.class))
				.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("elasticache.secure.auth.secret"))
				.extracting(ElastiCacheConfigurationException::getAction)
				.asString()
				.contains("software.amazon.awssdk:secretsmanager"));
	}

	@Test
	void withoutASecretThePasswordStaysStaticAndNoProviderIsWired() {
		this.contextRunner
			.withPropertyValues("elasticache.secure.auth.username=app", "elasticache.secure.auth.password=S3cret-pw")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanProvider(RotatingCredentialsProvider.class).getIfAvailable()).isNull();
				assertThat(context.getBeanProvider(SecretStatusSource.class).getIfAvailable()).isNull();
				LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
				assertThat(factory.getClientConfiguration().getRedisCredentialsProviderFactory()).isEmpty();
				assertThat(
						factory.getClientConfiguration().getClientOptions().orElseThrow().getReauthenticateBehaviour())
					.isEqualTo(ReauthenticateBehavior.DEFAULT);
			});
	}

	@Test
	void anApplicationsCredentialsSourceIsStreamedWithReauthenticationWithoutAwsObjects() {
		AtomicInteger reads = new AtomicInteger();
		this.contextRunner
			.withBean(CredentialsSource.class,
					() -> () -> SecretCredentials.of("vault-user", "from-vault", "v" + reads.incrementAndGet()))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RotatingCredentialsProvider provider = context.getBean(RotatingCredentialsProvider.class);
				LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
				assertThat(factory.getClientConfiguration()
					.getRedisCredentialsProviderFactory()
					.orElseThrow()
					.createCredentialsProvider(factory.getStandaloneConfiguration())).isSameAs(provider);
				assertThat(
						factory.getClientConfiguration().getClientOptions().orElseThrow().getReauthenticateBehaviour())
					.isEqualTo(ReauthenticateBehavior.ON_NEW_CREDENTIALS);
				assertThat(provider.resolveCredentials().block().getUsername()).isEqualTo("vault-user");
				assertThat(context.getBean(SecretStatusSource.class).get().source())
					.isEqualTo("the application's CredentialsSource bean");
				assertThat(reads).hasValue(1);
				assertThat(context.getBeanFactory().containsSingleton("elastiCacheAwsCredentialsProvider")).isFalse();
				assertThat(context.getBeanFactory().containsSingleton("elastiCacheAwsRegionProvider")).isFalse();
			});
	}

	@Test
	void aPasswordBesideACredentialsSourceIsRefused() {
		this.contextRunner.withBean(CredentialsSource.class, () -> () -> SecretCredentials.of(null, "from-vault", "v1"))
			.withPropertyValues("elasticache.secure.auth.password=S3cret-pw")
			.run((context) -> assertThat(StartupFailures.find(context, ElastiCacheConfigurationException.class))
				.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("S3cret").doesNotContain("from-vault"))
				.extracting(ElastiCacheConfigurationException::getProperty)
				.isEqualTo("elasticache.secure.auth.password"));
	}

	@Test
	void aCredentialsSourceThatFailsAtStartStopsItNamingTheBean() {
		this.contextRunner.withBean(CredentialsSource.class, () -> () -> {
			throw new IllegalStateException("vault sealed");
		})
			.run((context) -> assertThat(StartupFailures.find(context, ElastiCacheConfigurationException.class))
				.hasMessageContaining(
						"No password could be read at startup from the application's CredentialsSource bean")
				.hasMessageContaining("vault sealed"));
	}

}
