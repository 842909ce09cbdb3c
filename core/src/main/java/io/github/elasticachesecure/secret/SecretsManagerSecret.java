package io.github.elasticachesecure.secret;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * An AWS Secrets Manager secret as a {@link CredentialsSource}: each read is one
 * {@code GetSecretValue} of its current version ({@code AWSCURRENT}). The value is either
 * JSON with a {@code password} key and an optional {@code username} key (what Secrets
 * Manager's rotation of ElastiCache users writes) or, when it is no JSON object, a plain
 * string that is the password. The version is the secret's version id.
 * <p>
 * The application needs {@code secretsmanager:GetSecretValue} on the secret and, when a
 * customer-managed KMS key encrypts it, {@code kms:Decrypt} on that key.
 */
public final class SecretsManagerSecret implements CredentialsSource, AutoCloseable {

	/**
	 * The bound of one {@code GetSecretValue}, retries included: a read runs on the
	 * refresh thread, which must not hang.
	 */
	static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(10);

	private final SecretsManagerClient client;

	private final String secretId;

	private final @Nullable SdkHttpClient ownedHttpClient;

	/**
	 * Read the secret with the given client, which the caller keeps and closes.
	 * @param client the Secrets Manager client
	 * @param secretId the secret's name or ARN
	 */
	public SecretsManagerSecret(SecretsManagerClient client, String secretId) {
		this(client, secretId, null);
	}

	private SecretsManagerSecret(SecretsManagerClient client, String secretId, @Nullable SdkHttpClient httpClient) {
		this.client = Objects.requireNonNull(client, "'client' must not be null");
		this.secretId = Objects.requireNonNull(secretId, "'secretId' must not be null");
		this.ownedHttpClient = httpClient;
	}

	/**
	 * Read the secret with a client of its own, closed with {@link #close()}. The
	 * endpoint is the SDK's default for the region, or the one named by the SDK's
	 * standard settings ({@code AWS_ENDPOINT_URL_SECRETS_MANAGER},
	 * {@code AWS_ENDPOINT_URL} and their system properties).
	 * @param secretId the secret's name or ARN
	 * @param credentials the AWS credentials
	 * @param region the secret's region id
	 * @return the secret
	 */
	public static SecretsManagerSecret create(String secretId, AwsCredentialsProvider credentials, String region) {
		// The JDK's HttpURLConnection, as the posture audit: no Apache or Netty client
		// for
		// one call every few minutes.
		SdkHttpClient httpClient = UrlConnectionHttpClient.builder().build();
		SecretsManagerClient client = SecretsManagerClient.builder()
			.httpClient(httpClient)
			.credentialsProvider(credentials)
			.region(Region.of(region))
			.overrideConfiguration((override) -> override.apiCallTimeout(API_CALL_TIMEOUT))
			.build();
		return new SecretsManagerSecret(client, secretId, httpClient);
	}

	/**
	 * Return the region of a secret named by its ARN
	 * ({@code arn:<partition>:secretsmanager:<region>:<account>:secret:<name>}).
	 * @param secretId the secret's name or ARN
	 * @return the ARN's region, or {@code null} for a name
	 */
	public static @Nullable String regionOf(String secretId) {
		String[] parts = secretId.split(":", 6);
		return (parts.length == 6 && parts[0].equals("arn") && parts[2].equals("secretsmanager") && !parts[3].isEmpty())
				? parts[3] : null;
	}

	/**
	 * Return the secret's name or ARN.
	 * @return the secret id
	 */
	public String secretId() {
		return this.secretId;
	}

	@Override
	public SecretCredentials read() {
		GetSecretValueResponse response;
		try {
			response = this.client.getSecretValue((request) -> request.secretId(this.secretId));
		}
		catch (AwsServiceException ex) {
			String code = (ex.awsErrorDetails() != null && ex.awsErrorDetails().errorCode() != null)
					? ex.awsErrorDetails().errorCode() : "HTTP " + ex.statusCode();
			throw new SecretReadException(this.secretId, code, String.valueOf(ex.getMessage()), ex);
		}
		catch (SdkException ex) {
			throw new SecretReadException(this.secretId, ex.getClass().getSimpleName(), String.valueOf(ex.getMessage()),
					ex);
		}
		if (response.secretString() == null) {
			throw new SecretReadException(this.secretId, "NoSecretString",
					"the secret holds binary data; store the password as its string value", null);
		}
		return parse(this.secretId, response.versionId(), response.secretString());
	}

	/**
	 * The credentials in a secret's string: a JSON object's {@code password} and
	 * {@code username}, else the whole string as the password. Failures name keys, never
	 * values, and drop the JSON parser's own message, which may quote the text.
	 */
	static SecretCredentials parse(String secretId, String versionId, String value) {
		Map<String, JsonNode> json = jsonObject(value);
		if (json == null) {
			if (value.isEmpty()) {
				throw new SecretReadException(secretId, "InvalidSecretValue", "the secret's value is empty", null);
			}
			return SecretCredentials.of(null, value, versionId);
		}
		JsonNode password = json.get("password");
		if (password == null || !password.isString() || password.asString().isEmpty()) {
			throw new SecretReadException(secretId, "InvalidSecretValue",
					"the secret's value is JSON without a non-empty string 'password' key (keys: " + json.keySet()
							+ "); store {\"username\": \"...\", \"password\": \"...\"} or the password alone",
					null);
		}
		JsonNode username = json.get("username");
		if (username != null && !username.isNull() && !username.isString()) {
			throw new SecretReadException(secretId, "InvalidSecretValue", "the secret's 'username' key is not a string",
					null);
		}
		return SecretCredentials.of((username != null && username.isString()) ? username.asString() : null,
				password.asString(), versionId);
	}

	private static @Nullable Map<String, JsonNode> jsonObject(String value) {
		if (!value.stripLeading().startsWith("{")) {
			return null;
		}
		try {
			JsonNode node = JsonNode.parser().parse(value);
			return node.isObject() ? node.asObject() : null;
		}
		catch (RuntimeException ex) {
			// A password may start with '{'.
			return null;
		}
	}

	/**
	 * Close the client if this secret created it.
	 */
	@Override
	public void close() {
		if (this.ownedHttpClient != null) {
			this.client.close();
			this.ownedHttpClient.close();
		}
	}

	@Override
	public String toString() {
		return "SecretsManagerSecret[" + this.secretId + "]";
	}

}
