package io.github.elasticachesecure.logging;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.spi.TurboFilterList;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;

/**
 * Logback filter that keeps the debug dumps that carry credentials off, whatever the
 * level of any logger:
 * <ul>
 * <li>Lettuce's {@code CommandEncoder} at TRACE logs every byte it writes, and the bytes
 * of {@code AUTH} and {@code HELLO … AUTH} are the password or the IAM token. It asks
 * {@code isTraceEnabled()} once per new connection, so a level raised at runtime
 * ({@code /actuator/loggers}, a property from a config server) reaches every reconnect
 * and re-authentication.</li>
 * <li>The AWS SDK's SigV4 signers (the current one and the deprecated {@code Aws4Signer})
 * at DEBUG log the canonical request, whose query string or headers hold the session
 * token of temporary credentials, when they presign an IAM token or sign an API
 * call.</li>
 * <li>The JDK's {@code HttpURLConnection} (HTTP and HTTPS) at DEBUG logs the headers of
 * every request: the SigV4 {@code Authorization} header and {@code X-Amz-Security-Token}
 * of each call of the posture audit (the SDK's {@code url-connection-client}), the
 * container credentials' {@code Authorization} token and the IMDSv2 session token of
 * credential fetches. It logs through {@code System.Logger}, which reaches Logback
 * through Spring Boot's {@code java.util.logging} bridge.</li>
 * <li>The Apache HTTP clients' wire and header loggers (4.x
 * {@code org.apache.http.wire}/{@code headers}, 5.x
 * {@code org.apache.hc.client5.http.wire}/{@code headers}), which the SDK's Apache
 * clients log through, at DEBUG: the same headers, and the bodies, which carry the
 * credentials that STS and the credential endpoints return.</li>
 * </ul>
 * The JDK's and Apache's loggers serve every client in the JVM, the application's own
 * calls included: their DEBUG and TRACE lines are off for all of them, since a header
 * dump of an authenticated call always holds its credentials. The SDK's own request
 * loggers ({@code software.amazon.awssdk.request}) stay as configured: they name headers,
 * never their values.
 * <p>
 * A turbo filter is consulted by {@code isTraceEnabled()}/{@code isDebugEnabled()}
 * themselves: denying those levels for those loggers means the dumps are never even built
 * (the JDK's are built when its own level allows, and dropped here), while every other
 * line (the encoder's DEBUG line names the command type, never its arguments) and every
 * other logger stay as configured.
 * <p>
 * Chosen over replacing the encoder in the Netty pipeline (a {@code NettyCustomizer} in
 * {@code ClientResources}): that would miss every client built with its own
 * {@code ClientResources}, would copy Lettuce's encoder, and could not reach the SDK.
 * This filter covers every Lettuce client, signer and HTTP client in the JVM that log
 * through Logback, whoever built them. Every logging call passes through turbo filters,
 * so the check is a level identity comparison first and name comparisons only for DEBUG,
 * TRACE and ERROR.
 * <p>
 * It also drops Lettuce's {@code ERROR Re-authentication failed … Connection is closed}:
 * a new token pushed into a connection that is being closed at that moment (a pool
 * evicting it, the application closing it) is a normal race (see
 * {@link ReauthenticationRace}), and operators page on ERROR lines. Every other failed
 * re-authentication (a refused token on a live connection) keeps its ERROR line. Lettuce
 * logs through Netty's logger adapter, not through a message the starter could reword,
 * and publishes the same failure as a {@code ReauthenticationFailedEvent}, which the
 * starter's meter counts (races excluded).
 * <p>
 * {@link #install(LoggerContext)} puts it first in the chain (an earlier filter answering
 * ACCEPT could otherwise switch the dump back on) and registers a reset-resistant
 * listener that puts it back after each {@link LoggerContext#reset()} (Logback's
 * {@code scan} and JMX reconfiguration). A stop of the context removes that listener too,
 * as Spring Boot's logging initialisation does: Spring applications get it back from the
 * starter's application listener; others can declare it in {@code logback.xml} as
 * {@code <turboFilter class=
 * "io.github.elasticachesecure.logging.CredentialDumpFilter"/>}.
 */
public final class CredentialDumpFilter extends TurboFilter {

	/**
	 * The logger of Lettuce's {@code CommandEncoder}, which dumps the bytes it writes at
	 * TRACE.
	 */
	public static final String COMMAND_ENCODER_LOGGER = "io.lettuce.core.protocol.CommandEncoder";

	/**
	 * The logger of the AWS SDK's SigV4 signer, which logs the canonical request at
	 * DEBUG.
	 */
	public static final String SIGV4_SIGNER_LOGGER = "software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner";

	/**
	 * The logger of the AWS SDK's deprecated SigV4 signer ({@code Aws4Signer}), which
	 * logs the same at DEBUG.
	 */
	public static final String LEGACY_SIGV4_SIGNER_LOGGER = "software.amazon.awssdk.auth.signer.internal.AbstractAws4Signer";

	/**
	 * The logger of the JDK's {@code HttpURLConnection}, which logs every request's
	 * headers at DEBUG.
	 */
	public static final String JDK_HTTP_LOGGER = "sun.net.www.protocol.http.HttpURLConnection";

	/**
	 * The loggers whose DEBUG and TRACE lines carry credentials, with the loggers below
	 * them: the signers, the JDK's and the Apache clients' header and wire dumps.
	 */
	public static final List<String> CREDENTIAL_DUMP_LOGGERS = List.of(SIGV4_SIGNER_LOGGER, LEGACY_SIGV4_SIGNER_LOGGER,
			JDK_HTTP_LOGGER, "org.apache.http.wire", "org.apache.http.headers", "org.apache.hc.client5.http.wire",
			"org.apache.hc.client5.http.headers");

	/**
	 * The logger of Lettuce's re-authentication, which logs every failed
	 * re-authentication at ERROR.
	 */
	public static final String REAUTHENTICATION_LOGGER = "io.lettuce.core.RedisAuthenticationHandler";

	@Override
	public FilterReply decide(@Nullable Marker marker, Logger logger, Level level, @Nullable String format,
			@Nullable Object @Nullable [] params, @Nullable Throwable t) {
		if (level == Level.ERROR) {
			return (REAUTHENTICATION_LOGGER.equals(logger.getName())
					&& ReauthenticationRace.isClosingConnection(throwable(params, t))) ? FilterReply.DENY
							: FilterReply.NEUTRAL;
		}
		if (level == Level.TRACE) {
			String name = logger.getName();
			return (COMMAND_ENCODER_LOGGER.equals(name) || isCredentialDump(name)) ? FilterReply.DENY
					: FilterReply.NEUTRAL;
		}
		if (level == Level.DEBUG) {
			return isCredentialDump(logger.getName()) ? FilterReply.DENY : FilterReply.NEUTRAL;
		}
		return FilterReply.NEUTRAL;
	}

	private static boolean isCredentialDump(String name) {
		for (String dump : CREDENTIAL_DUMP_LOGGERS) {
			// Most names differ in their first characters, so this is cheap for every
			// other logger.
			if (name.startsWith(dump) && (name.length() == dump.length() || name.charAt(dump.length()) == '.')) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The throwable of a logging call: passed as such, or as the last argument of a
	 * parameterised message (SLF4J's convention, which Netty's logger adapter uses).
	 */
	private static @Nullable Throwable throwable(@Nullable Object @Nullable [] params, @Nullable Throwable t) {
		if (t != null || params == null || params.length == 0) {
			return t;
		}
		return (params[params.length - 1] instanceof Throwable last) ? last : null;
	}

	/**
	 * Installs the filter first in the context's chain, and a listener that installs it
	 * again after each reset of the context; does nothing for what is already in place.
	 * @param context the Logback context
	 */
	public static synchronized void install(LoggerContext context) {
		addFirst(context);
		if (context.getCopyOfListenerList().stream().noneMatch(ReinstallAfterReset.class::isInstance)) {
			context.addListener(new ReinstallAfterReset());
		}
	}

	private static void addFirst(LoggerContext context) {
		TurboFilterList filters = context.getTurboFilterList();
		if (filters.isEmpty() || !(filters.get(0) instanceof CredentialDumpFilter)) {
			CredentialDumpFilter filter = new CredentialDumpFilter();
			filter.setContext(context);
			filter.start();
			filters.add(0, filter);
		}
	}

	/**
	 * A reset clears the turbo filters and then notifies the listeners that survive it.
	 */
	private static final class ReinstallAfterReset implements LoggerContextListener {

		@Override
		public boolean isResetResistant() {
			return true;
		}

		@Override
		public void onReset(LoggerContext context) {
			synchronized (CredentialDumpFilter.class) {
				addFirst(context);
			}
		}

		@Override
		public void onStart(LoggerContext context) {
		}

		@Override
		public void onStop(LoggerContext context) {
		}

		@Override
		public void onLevelChange(Logger logger, Level level) {
		}

	}

}
