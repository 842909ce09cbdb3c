package io.github.elasticachesecure.logging;

import java.net.ConnectException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.RedisConnectionFailureException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server errors are described by their code and the starter's words, wherever they sit in
 * the chain of causes; failures on this side keep their type and message.
 */
class FailureDescriptionTests {

	private static final String SECRET = "S3cret-echoed-by-the-server";

	@Test
	void aKnownCodeIsNamedAndTheServersTextLeftOut() {
		String description = FailureDescription
			.of(new RedisCommandExecutionException("WRONGPASS invalid username-password pair '" + SECRET + "'"));
		assertThat(description).startsWith("the server answered with an error WRONGPASS: the user name and password")
			.doesNotContain(SECRET)
			.doesNotContain("invalid username-password pair");
	}

	@Test
	void aServerErrorInsideAConnectionFailureIsDescribedTheSameWay() {
		RedisConnectionException connection = new RedisConnectionException("Unable to connect to localhost:6379",
				new RedisCommandExecutionException("NOAUTH HELLO must be called with the client's " + SECRET));
		assertThat(FailureDescription.of(new RedisConnectionFailureException("Unable to connect", connection)))
			.isEqualTo("the server answered with an error NOAUTH: the server requires authentication (its text is "
					+ "left out: it can echo the command's arguments)");
	}

	@Test
	void anUnknownFirstWordIsTheServersTextAndLeftOut() {
		assertThat(FailureDescription.of(new RedisCommandExecutionException(SECRET + " is not a command")))
			.isEqualTo("the server answered with an error (its text is left out: it can echo the command's arguments)");
		assertThat(FailureDescription.of(new RedisCommandExecutionException((String) null)))
			.startsWith("the server answered with an error (");
	}

	@Test
	void aFailureOnThisSideKeepsItsTypeAndMessage() {
		assertThat(FailureDescription
			.of(new RedisConnectionException("Unable to connect", new ConnectException("Connection refused"))))
			.isEqualTo("ConnectException: Connection refused");
	}

}
