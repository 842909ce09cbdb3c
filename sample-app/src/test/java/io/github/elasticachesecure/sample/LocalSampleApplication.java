package io.github.elasticachesecure.sample;

import java.time.Duration;
import java.util.LinkedHashMap;

import io.github.elasticachesecure.testkit.LocalElastiCache;
import io.github.elasticachesecure.testkit.TestPki;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;

/**
 * Runs the sample against a local TLS {@code redis-server} that it starts itself, with
 * certificates generated for the run, so no AWS account is needed:
 * {@code ./mvnw -pl sample-app -am spring-boot:test-run}.
 */
public final class LocalSampleApplication {

	private static final Log logger = LogFactory.getLog(LocalSampleApplication.class);

	private LocalSampleApplication() {
	}

	public static void main(String[] args) {
		// A certificate that outlives a long local session, so the health check shows no
		// expiry warning.
		LocalElastiCache cache = LocalElastiCache.standalone()
			.user("sample-app")
			.serverCertificate(TestPki.get().localhostValidFor(Duration.ofDays(90)))
			.start();
		logger.info("Started a local TLS redis-server on " + cache.endpoint() + ", trusting its generated CA "
				+ cache.caCertificateFile());
		SpringApplication application = SampleApplication.application();
		application.addInitializers((context) -> {
			// The same properties as for a real cache, plus an SSL bundle that trusts the
			// local CA: ElastiCache's own certificates need none.
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("localElastiCache", new LinkedHashMap<>(cache.connectionProperties())));
			context.addApplicationListener((ContextClosedEvent event) -> cache.close());
		});
		try {
			application.run(args);
		}
		catch (RuntimeException ex) {
			cache.close();
			throw ex;
		}
	}

}
