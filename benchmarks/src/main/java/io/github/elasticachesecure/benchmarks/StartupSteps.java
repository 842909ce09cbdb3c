package io.github.elasticachesecure.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import org.springframework.boot.context.metrics.buffering.StartupTimeline.TimelineEvent;
import org.springframework.boot.json.JsonParserFactory;

/**
 * The startup steps of one start, as Spring's {@code BufferingApplicationStartup}
 * recorded them: read in the same JVM (section 4c) or from the {@code /actuator/startup}
 * answer of a fresh one (section 4b). A step's <em>self</em> time is its duration less
 * that of its child steps, so that the self times of a start add up without counting a
 * nested bean twice.
 */
final class StartupSteps {

	static final String BEAN_INSTANTIATE = "spring.beans.instantiate";

	static final String GUARD_TLS = "elasticache.guard.check-tls";

	static final String GUARD_AUTHENTICATION = "elasticache.guard.check-authentication";

	/**
	 * The starter's bean whose creation resolves the TLS engine (and loads BoringSSL for
	 * {@code auto}).
	 */
	static final String ENGINE_BEAN = "elastiCacheClientOptionsCustomizer";

	static final String FACTORY_BEAN = "redisConnectionFactory";

	private final List<Step> steps;

	private final Map<Long, Double> childMillis = new HashMap<>();

	private StartupSteps(List<Step> steps) {
		this.steps = steps;
		for (Step step : steps) {
			if (step.parentId() != null) {
				this.childMillis.merge(step.parentId(), step.millis(), Double::sum);
			}
		}
	}

	static StartupSteps of(List<TimelineEvent> events) {
		return new StartupSteps(events.stream()
			.map((event) -> new Step(event.getStartupStep().getId(), event.getStartupStep().getParentId(),
					event.getStartupStep().getName(),
					StreamSupport.stream(event.getStartupStep().getTags().spliterator(), false)
						.filter((tag) -> tag.getKey().equals("beanName"))
						.map((tag) -> tag.getValue())
						.findFirst()
						.orElse(null),
					event.getDuration().toNanos() / 1e6, event.getEndTime()))
			.toList());
	}

	/**
	 * Read the answer of {@code GET /actuator/startup}.
	 * @param json the endpoint's JSON
	 * @return the steps of its timeline
	 */
	@SuppressWarnings("unchecked")
	static StartupSteps parse(String json) {
		Map<String, Object> timeline = (Map<String, Object>) JsonParserFactory.getJsonParser()
			.parseMap(json)
			.get("timeline");
		List<Map<String, Object>> events = (List<Map<String, Object>>) timeline.get("events");
		return new StartupSteps(events.stream().map((event) -> {
			Map<String, Object> step = (Map<String, Object>) event.get("startupStep");
			Number parentId = (Number) step.get("parentId");
			String beanName = ((List<Map<String, Object>>) step.get("tags")).stream()
				.filter((tag) -> "beanName".equals(tag.get("key")))
				.map((tag) -> (String) tag.get("value"))
				.findFirst()
				.orElse(null);
			return new Step(((Number) step.get("id")).longValue(), (parentId != null) ? parentId.longValue() : null,
					(String) step.get("name"), beanName, Duration.parse((String) event.get("duration")).toNanos() / 1e6,
					Instant.parse((String) event.get("endTime")));
		}).toList());
	}

	/**
	 * The duration of the first step of that name for that bean, 0 when there is none.
	 */
	double millis(String name, String beanName) {
		return this.steps.stream()
			.filter((step) -> step.name().equals(name) && beanName.equals(step.beanName()))
			.mapToDouble(Step::millis)
			.findFirst()
			.orElse(0);
	}

	/** Self time of every bean's creation, by bean name. */
	Map<String, Double> beanSelfMillis() {
		Map<String, Double> beans = new HashMap<>();
		for (Step step : this.steps) {
			if (step.name().equals(BEAN_INSTANTIATE) && step.beanName() != null) {
				beans.merge(step.beanName(), step.millis() - this.childMillis.getOrDefault(step.id(), 0.0),
						Double::sum);
			}
		}
		return beans;
	}

	/** Whether the application's ready step has been recorded yet. */
	boolean recordedReady() {
		return this.steps.stream().anyMatch((step) -> step.name().equals("spring.boot.application.ready"));
	}

	/**
	 * When the application was ready (the end of {@code spring.boot.application.ready}).
	 */
	Instant ready() {
		return this.steps.stream()
			.filter((step) -> step.name().equals("spring.boot.application.ready"))
			.map(Step::end)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no spring.boot.application.ready step"));
	}

	private record Step(long id, Long parentId, String name, String beanName, double millis, Instant end) {
	}

}
