package io.github.elasticachesecure.cli;

import io.github.elasticachesecure.testkit.TestAwsCredentials;

/**
 * Static test credentials, given to the AWS default credentials chain through the system
 * properties it reads first, so that the real chain of the command runs and never reaches
 * for a real one.
 */
final class StaticAwsCredentials implements AutoCloseable {

	static final String ACCESS_KEY_ID = "AKIDEXAMPLECLI";

	static final String SECRET_KEY = "cli-test-secret-key-0b5d1e9f7a";

	/**
	 * The same credentials, for the test kit's checks of tokens signed with them.
	 */
	static final TestAwsCredentials TEST_CREDENTIALS = new TestAwsCredentials(ACCESS_KEY_ID, SECRET_KEY);

	private StaticAwsCredentials() {
		System.setProperty("aws.accessKeyId", ACCESS_KEY_ID);
		System.setProperty("aws.secretAccessKey", SECRET_KEY);
	}

	static StaticAwsCredentials install() {
		return new StaticAwsCredentials();
	}

	@Override
	public void close() {
		System.clearProperty("aws.accessKeyId");
		System.clearProperty("aws.secretAccessKey");
	}

}
