package io.github.elasticachesecure.testkit;

import java.util.Objects;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * AWS credentials that only an {@link IamFront} accepts: an access key id and its secret
 * key, generated (or chosen), never valid at AWS. The application signs its IAM tokens
 * with them and the front checks the signature. <pre>{@code
 * &#64;Bean
 * AwsCredentialsProvider awsCredentialsProvider() {
 *     return front.credentials().awsCredentialsProvider();
 * }
 * }</pre>
 *
 * @param accessKeyId the access key id, for example {@code AKIATESTKIT…}
 * @param secretAccessKey its secret key (never printed)
 */
public record TestAwsCredentials(String accessKeyId, String secretAccessKey) {

	public TestAwsCredentials {
		Objects.requireNonNull(accessKeyId, "'accessKeyId' must not be null");
		Objects.requireNonNull(secretAccessKey, "'secretAccessKey' must not be null");
	}

	/**
	 * @return new random credentials, an access key id starting with {@code AKIATESTKIT}
	 * and a 40-character secret
	 */
	public static TestAwsCredentials generate() {
		return new TestAwsCredentials("AKIATESTKIT" + RedisServerProcess.randomPassword().substring(0, 9).toUpperCase(),
				RedisServerProcess.randomPassword() + RedisServerProcess.randomPassword().substring(0, 8));
	}

	/**
	 * The credentials as the AWS SDK's static provider. The kit depends on the SDK's
	 * {@code auth} module optionally: an application in IAM mode has it already (the
	 * starter needs it), and this is the only method that uses it.
	 * @return a provider of these credentials
	 */
	public AwsCredentialsProvider awsCredentialsProvider() {
		return StaticCredentialsProvider.create(AwsBasicCredentials.create(this.accessKeyId, this.secretAccessKey));
	}

	/** Nothing secret: the secret key is left out. */
	@Override
	public String toString() {
		return "TestAwsCredentials[accessKeyId=" + this.accessKeyId + "]";
	}

}
