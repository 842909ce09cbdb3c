package io.github.elasticachesecure.testkit;

/**
 * The image of this project's own container tests: system property {@code testkit.image}
 * (set by the build from the Maven property of the same name), else environment variable
 * {@code TESTKIT_IMAGE}, else the image that {@code .ci/docker-engine} builds from the
 * local redis-server.
 */
final class TestImages {

	private TestImages() {
	}

	static String image() {
		String image = System.getProperty("testkit.image", System.getenv("TESTKIT_IMAGE"));
		return (image != null && !image.isBlank()) ? image : "local/redis-tls:7";
	}

}
