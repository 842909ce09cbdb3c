package io.github.elasticachesecure.logging;

import java.nio.channels.ClosedChannelException;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which re-authentication failures {@link ReauthenticationRace} takes for the race with a
 * closing connection.
 */
class ReauthenticationRaceTests {

	@Test
	void aClosedChannelOrLettucesClosedConnectionIsTheRace() {
		assertThat(ReauthenticationRace.isClosingConnection(new ClosedChannelException())).isTrue();
		assertThat(ReauthenticationRace.isClosingConnection(new RedisException("Connection is closed"))).isTrue();
		assertThat(ReauthenticationRace.isClosingConnection(new RedisException("Connection closed"))).isTrue();
	}

	@Test
	void anyOtherFailureIsReal() {
		assertThat(ReauthenticationRace.isClosingConnection(null)).isFalse();
		assertThat(ReauthenticationRace.isClosingConnection(new RedisException("WRONGPASS invalid username-password")))
			.isFalse();
		assertThat(ReauthenticationRace.isClosingConnection(new RedisCommandTimeoutException("Connection closed")))
			.isFalse();
		assertThat(ReauthenticationRace.isClosingConnection(new IllegalStateException("Connection is closed")))
			.isFalse();
	}

}
