package io.github.elasticachesecure.logging;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter on a Logback context of its own: TRACE stays off for Lettuce's encoder and
 * DEBUG for the SigV4 signers and the HTTP clients' header and wire dumps whatever their
 * levels, across resets, and ahead of a filter that accepts everything; Lettuce's ERROR
 * for a re-authentication that met a closing connection is dropped; nothing else changes.
 */
class CredentialDumpFilterTests {

	private final LoggerContext context = new LoggerContext();

	private final Logger encoder = this.context.getLogger("io.lettuce.core.protocol.CommandEncoder");

	@Test
	void encoderTraceIsOffWhateverItsLevelWhileOtherLevelsStayAsConfigured() {
		CredentialDumpFilter.install(this.context);
		this.context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.TRACE);
		this.encoder.setLevel(Level.TRACE);
		assertThat(this.encoder.isTraceEnabled()).isFalse();
		assertThat(this.encoder.isDebugEnabled()).isTrue();
		assertThat(this.context.getLogger("io.lettuce.core.protocol.CommandHandler").isTraceEnabled()).isTrue();
		this.encoder.setLevel(Level.INFO);
		assertThat(this.encoder.isDebugEnabled()).isFalse();
	}

	@Test
	void signerDebugIsOffWhateverItsLevel() {
		CredentialDumpFilter.install(this.context);
		Logger signer = this.context
			.getLogger("software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner");
		signer.setLevel(Level.TRACE);
		assertThat(signer.isTraceEnabled()).isFalse();
		assertThat(signer.isDebugEnabled()).isFalse();
		assertThat(signer.isInfoEnabled()).isTrue();
	}

	@Test
	void headerAndWireDumpsOfTheHttpClientsAndTheDeprecatedSignerAreOffWhateverTheirLevelWhileTheSdksRequestLoggerStays() {
		CredentialDumpFilter.install(this.context);
		this.context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.TRACE);
		for (String name : List.of("sun.net.www.protocol.http.HttpURLConnection",
				"software.amazon.awssdk.auth.signer.internal.AbstractAws4Signer", "org.apache.http.wire",
				"org.apache.http.headers", "org.apache.hc.client5.http.wire", "org.apache.hc.client5.http.headers")) {
			Logger dump = this.context.getLogger(name);
			dump.setLevel(Level.TRACE);
			assertThat(dump.isTraceEnabled()).as(name).isFalse();
			assertThat(dump.isDebugEnabled()).as(name).isFalse();
			assertThat(dump.isInfoEnabled()).as(name).isTrue();
		}
		for (String name : List.of("software.amazon.awssdk.request", "org.apache.http.wirelike",
				"org.apache.http.impl.conn", "sun.net.www.protocol.http.HttpURLConnectionLike")) {
			assertThat(this.context.getLogger(name).isTraceEnabled()).as(name).isTrue();
		}
	}

	@Test
	void comesBackAfterAResetOfTheContext() {
		CredentialDumpFilter.install(this.context);
		this.context.reset();
		this.encoder.setLevel(Level.TRACE);
		assertThat(this.encoder.isTraceEnabled()).isFalse();
		this.context.reset();
		this.encoder.setLevel(Level.TRACE);
		assertThat(this.encoder.isTraceEnabled()).isFalse();
	}

	@Test
	void staysAheadOfAFilterThatAcceptsEverything() {
		this.context.addTurboFilter(new AcceptAll());
		CredentialDumpFilter.install(this.context);
		this.context.addTurboFilter(new AcceptAll());
		assertThat(this.encoder.isTraceEnabled()).isFalse();
		assertThat(this.context.getLogger("other").isTraceEnabled()).isTrue();
	}

	@Test
	void installingTwiceAddsNothing() {
		CredentialDumpFilter.install(this.context);
		CredentialDumpFilter.install(this.context);
		assertThat(this.context.getTurboFilterList()).hasSize(1);
		assertThat(this.context.getCopyOfListenerList()).hasSize(1);
	}

	@Test
	void aStoppedContextLosesItUntilInstalledAgain() {
		// Spring Boot's logging initialisation stops the context, which drops every
		// listener: the starter's application listener installs the filter again once
		// Boot has configured logging.
		CredentialDumpFilter.install(this.context);
		this.context.start();
		this.context.stop();
		this.context.reset();
		this.encoder.setLevel(Level.TRACE);
		assertThat(this.encoder.isTraceEnabled()).isTrue();
		CredentialDumpFilter.install(this.context);
		assertThat(this.encoder.isTraceEnabled()).isFalse();
	}

	@Test
	void lettucesErrorForAReauthenticationThatMetAClosingConnectionIsDroppedAndEveryOtherErrorKept() {
		CredentialDumpFilter.install(this.context);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		this.context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
		Logger reauthentication = this.context.getLogger("io.lettuce.core.RedisAuthenticationHandler");
		// As Netty's adapter passes it on: the throwable as the last argument, or as the
		// throwable itself.
		reauthentication.error("Re-authentication failed {}.", "0x1", new RedisException("Connection is closed"));
		reauthentication.error("Re-authentication failed 0x2.", new RedisException("Connection closed"));
		reauthentication.error("Re-authentication failed {}.", "0x3",
				new RedisCommandExecutionException("WRONGPASS invalid username-password pair"));
		reauthentication.error("Re-authentication failed {}.", "0x4", new RedisCommandTimeoutException("timeout"));
		this.context.getLogger("other").error("Failed", new RedisException("Connection is closed"));
		assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
			.containsExactly("Re-authentication failed 0x3.", "Re-authentication failed 0x4.", "Failed");
	}

	static final class AcceptAll extends TurboFilter {

		AcceptAll() {
			start();
		}

		@Override
		public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
				Throwable t) {
			return FilterReply.ACCEPT;
		}

	}

}
