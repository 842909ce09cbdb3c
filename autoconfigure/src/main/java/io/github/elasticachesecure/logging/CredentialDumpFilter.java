package io.github.elasticachesecure.logging;

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
 * Logback filter that keeps the two debug dumps that carry credentials off, whatever the level of any logger:
 * <ul>
 * <li>Lettuce's {@code CommandEncoder} at TRACE logs every byte it writes, and the bytes of {@code AUTH} and
 * {@code HELLO … AUTH} are the password or the IAM token. It asks {@code isTraceEnabled()} once per new connection,
 * so a level raised at runtime ({@code /actuator/loggers}, a property from a config server) reaches every reconnect
 * and re-authentication.</li>
 * <li>The AWS SDK's SigV4 signer at DEBUG logs the canonical request, whose query string holds the session token of
 * temporary credentials when it presigns an IAM token.</li>
 * </ul>
 * A turbo filter is consulted by {@code isTraceEnabled()}/{@code isDebugEnabled()} themselves: denying those levels
 * for those two loggers means the dumps are never even built, while every other line (the encoder's DEBUG line
 * names the command type, never its arguments) and every other logger stay as configured.
 * <p>
 * Chosen over replacing the encoder in the Netty pipeline (a {@code NettyCustomizer} in {@code ClientResources}):
 * that would miss every client built with its own {@code ClientResources}, would copy Lettuce's encoder, and could
 * not reach the SDK. This filter covers every Lettuce client and every signer in the JVM that log through Logback,
 * whoever built them. Every logging call passes through turbo filters, so the check is a level identity comparison
 * first and a name comparison only for DEBUG, TRACE and ERROR.
 * <p>
 * It also drops Lettuce's {@code ERROR Re-authentication failed … Connection is closed}: a new token pushed into a
 * connection that is being closed at that moment (a pool evicting it, the application closing it) is a normal race
 * (see {@link ReauthenticationRace}), and operators page on ERROR lines. Every other failed re-authentication (a
 * refused token on a live connection) keeps its ERROR line. Lettuce logs through Netty's logger adapter, not through
 * a message the starter could reword, and publishes the same failure as a {@code ReauthenticationFailedEvent}, which
 * the starter's meter counts (races excluded).
 * <p>
 * {@link #install(LoggerContext)} puts it first in the chain (an earlier filter answering ACCEPT could otherwise
 * switch the dump back on) and registers a reset-resistant listener that puts it back after each
 * {@link LoggerContext#reset()} (Logback's {@code scan} and JMX reconfiguration). A stop of the context removes that
 * listener too, as Spring Boot's logging initialisation does: Spring applications get it back from the starter's
 * application listener; others can declare it in {@code logback.xml} as
 * {@code <turboFilter class="io.github.elasticachesecure.logging.CredentialDumpFilter"/>}.
 */
public final class CredentialDumpFilter extends TurboFilter {

	/** The logger of Lettuce's {@code CommandEncoder}, which dumps the bytes it writes at TRACE. */
	public static final String COMMAND_ENCODER_LOGGER = "io.lettuce.core.protocol.CommandEncoder";

	/** The logger of the AWS SDK's SigV4 signer, which logs the canonical request at DEBUG. */
	public static final String SIGV4_SIGNER_LOGGER = "software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner";

	/** The logger of Lettuce's re-authentication, which logs every failed re-authentication at ERROR. */
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
			return (COMMAND_ENCODER_LOGGER.equals(name) || SIGV4_SIGNER_LOGGER.equals(name)) ? FilterReply.DENY
					: FilterReply.NEUTRAL;
		}
		if (level == Level.DEBUG) {
			return SIGV4_SIGNER_LOGGER.equals(logger.getName()) ? FilterReply.DENY : FilterReply.NEUTRAL;
		}
		return FilterReply.NEUTRAL;
	}

	/**
	 * The throwable of a logging call: passed as such, or as the last argument of a parameterised message (SLF4J's
	 * convention, which Netty's logger adapter uses).
	 */
	private static @Nullable Throwable throwable(@Nullable Object @Nullable [] params, @Nullable Throwable t) {
		if (t != null || params == null || params.length == 0) {
			return t;
		}
		return (params[params.length - 1] instanceof Throwable last) ? last : null;
	}

	/**
	 * Installs the filter first in the context's chain, and a listener that installs it again after each reset of
	 * the context; does nothing for what is already in place.
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
