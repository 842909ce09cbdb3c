package io.github.elasticachesecure.sample;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import io.github.elasticachesecure.testkit.RedisServerProcess;
import io.github.elasticachesecure.testkit.TestPki;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;

/**
 * Runs the sample against a local TLS {@code redis-server} that it starts itself, with certificates generated for the
 * run, so no AWS account is needed: {@code ./mvnw -pl sample-app -am spring-boot:test-run}.
 */
public final class LocalSampleApplication {

	private static final Log logger = LogFactory.getLog(LocalSampleApplication.class);

	private static final String USER = "sample-app";

	private LocalSampleApplication() {
	}

	public static void main(String[] args) {
		String password = randomPassword();
		// A certificate that outlives a long local session, so the health check shows no expiry warning.
		RedisServerProcess redis = RedisServerProcess.tls()
			.serverCertificate(TestPki.get().localhostValidFor(Duration.ofDays(90)))
			.aclUser(USER, password)
			.start();
		logger.info("Started a local TLS redis-server on " + redis.host() + ":" + redis.port()
				+ ", trusting its generated CA " + redis.caCertificatePem());
		SpringApplication application = new SpringApplication(SampleApplication.class);
		application.addInitializers((context) -> {
			context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("localRedis", localProperties(redis, password)));
			context.addApplicationListener((ContextClosedEvent event) -> redis.close());
		});
		try {
			application.run(args);
		}
		catch (RuntimeException ex) {
			redis.close();
			throw ex;
		}
	}

	/**
	 * The same three properties as for a real cache, plus an SSL bundle that trusts the local CA: ElastiCache's own
	 * certificates need none.
	 */
	private static Map<String, Object> localProperties(RedisServerProcess redis, String password) {
		return Map.of("elasticache.secure.endpoint", redis.host() + ":" + redis.port(),
				"elasticache.secure.auth.username", USER, "elasticache.secure.auth.password", password,
				"elasticache.secure.tls.bundle", "local", "spring.ssl.bundle.pem.local.truststore.certificate",
				"file:" + redis.caCertificatePem());
	}

	private static String randomPassword() {
		byte[] bytes = new byte[24];
		new SecureRandom().nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

}
