package io.github.elasticachesecure.logging;

import java.io.IOException;
import java.net.ConnectException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link Causes} walks a failure's chain of causes, at most 16 deep.
 */
class CausesTests {

	@Test
	void theMostSpecificCauseIsTheDeepestWithinSixteenSteps() {
		IllegalStateException root = new IllegalStateException("root");
		assertThat(Causes.mostSpecific(root)).isSameAs(root);
		Throwable fifteen = chain(root, 15);
		assertThat(Causes.mostSpecific(fifteen)).isSameAs(root);
		Throwable sixteen = chain(root, 16);
		assertThat(Causes.mostSpecific(sixteen)).isSameAs(root);
		Throwable seventeen = chain(root, 17);
		assertThat(Causes.mostSpecific(seventeen)).hasMessage("wrapper 0");
	}

	@Test
	void aCauseOfATypeIsFoundWithinSixteenLinks() {
		ConnectException connect = new ConnectException("refused");
		assertThat(Causes.find(connect, IOException.class)).isSameAs(connect);
		assertThat(Causes.find(chain(connect, 15), ConnectException.class)).isSameAs(connect);
		assertThat(Causes.find(chain(connect, 16), ConnectException.class)).isNull();
		assertThat(Causes.find(chain(connect, 3), IllegalArgumentException.class)).isNull();
	}

	@Test
	void aDescriptionNamesTheFailureAndItsDeepestCause() {
		assertThat(Causes.describe(new IllegalStateException("no route"))).isEqualTo("no route");
		assertThat(Causes.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
		assertThat(Causes.describe(new IllegalStateException("probe failed", new ConnectException("refused"))))
			.isEqualTo("probe failed (refused)");
		assertThat(Causes.describe(new IllegalStateException("probe failed", new ConnectException())))
			.isEqualTo("probe failed (ConnectException)");
	}

	private static Throwable chain(Throwable root, int wrappers) {
		Throwable ex = root;
		for (int i = 0; i < wrappers; i++) {
			ex = new RuntimeException("wrapper " + i, ex);
		}
		return ex;
	}

}
