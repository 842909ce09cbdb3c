package io.github.elasticachesecure.audit;

import java.time.Duration;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;

/**
 * How the control-plane clients are built, for the audit and the discovery alike: the
 * SDK's {@code url-connection-client} (the JDK's {@code HttpURLConnection}, no connection
 * pool or event loop kept for a few calls at startup) and the SDK's standard endpoint
 * resolution ({@code AWS_ENDPOINT_URL_ELASTICACHE}, {@code AWS_ENDPOINT_URL}, the
 * {@code aws.endpointUrl*} system properties and profile settings).
 */
final class AwsClients {

	private AwsClients() {
	}

	static SdkHttpClient httpClient(Duration timeout) {
		return UrlConnectionHttpClient.builder()
			.connectionTimeout(min(timeout, Duration.ofSeconds(5)))
			.socketTimeout(timeout)
			.build();
	}

	static ElastiCacheClient elastiCache(SdkHttpClient httpClient, Region region, AwsCredentialsProvider credentials,
			ClientOverrideConfiguration overrides) {
		return ElastiCacheClient.builder()
			.httpClient(httpClient)
			.region(region)
			.credentialsProvider(credentials)
			.overrideConfiguration(overrides)
			.build();
	}

	/**
	 * The given overrides with one retry unless they set a retry strategy: a throttled
	 * call is reported, and the caller's deadline bounds all.
	 */
	static ClientOverrideConfiguration overrides(ClientOverrideConfiguration given) {
		ClientOverrideConfiguration.Builder builder = given.toBuilder();
		if (given.retryStrategy().isEmpty()) {
			builder.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(2).build());
		}
		return builder.build();
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) < 0) ? a : b;
	}

}
