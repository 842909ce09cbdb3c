package io.github.elasticachesecure.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.cache.annotation.EnableCaching;

/**
 * A small web application whose Redis traffic goes through the ElastiCache secure
 * starter.
 */
@SpringBootApplication
@EnableCaching
public class SampleApplication {

	/** Enough for the sample's few hundred steps. */
	private static final int STARTUP_STEPS = 2048;

	public static void main(String[] args) {
		application().run(args);
	}

	/**
	 * The application as {@link #main} runs it. Its startup steps are kept for
	 * {@code /actuator/startup}, so that what the starter's guard costs at startup
	 * ({@code elasticache.guard.check-tls} and
	 * {@code elasticache.guard.check-authentication}) can be read there.
	 * @return the application, not yet run
	 */
	static SpringApplication application() {
		SpringApplication application = new SpringApplication(SampleApplication.class);
		application.setApplicationStartup(new BufferingApplicationStartup(STARTUP_STEPS));
		return application;
	}

}
