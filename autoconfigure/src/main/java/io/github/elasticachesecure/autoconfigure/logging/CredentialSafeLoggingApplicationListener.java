package io.github.elasticachesecure.autoconfigure.logging;

import ch.qos.logback.classic.LoggerContext;
import io.github.elasticachesecure.logging.CredentialDumpFilter;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * Installs {@link CredentialDumpFilter} when Logback is the logging backend, right after
 * Spring Boot has (re)initialised logging: Boot's initialisation stops and resets the
 * Logback context, which drops every turbo filter and context listener. It runs after
 * {@link LoggingApplicationListener} when the environment is prepared, and again when the
 * application is prepared, after initializers that may have re-initialised logging
 * (Spring Cloud's bootstrap does when the configuration server changes
 * {@code logging.config}).
 */
class CredentialSafeLoggingApplicationListener implements GenericApplicationListener {

	static final String LOGBACK_CONTEXT_CLASS = "ch.qos.logback.classic.LoggerContext";

	private static final boolean LOGBACK_PRESENT = ClassUtils.isPresent(LOGBACK_CONTEXT_CLASS,
			CredentialSafeLoggingApplicationListener.class.getClassLoader());

	@Override
	public boolean supportsEventType(ResolvableType eventType) {
		Class<?> type = eventType.getRawClass();
		return type != null && (ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(type)
				|| ApplicationPreparedEvent.class.isAssignableFrom(type));
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (LOGBACK_PRESENT) {
			Logback.installFilter();
		}
	}

	@Override
	public int getOrder() {
		return LoggingApplicationListener.DEFAULT_ORDER + 1;
	}

	/**
	 * Touches Logback types only once Logback is known to be present.
	 */
	private static final class Logback {

		static void installFilter() {
			if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
				CredentialDumpFilter.install(context);
			}
		}

	}

}
