package io.github.elasticachesecure.sample;

import java.util.Map;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Counts visits per page in Redis, and serves a cached greeting.
 */
@RestController
class VisitController {

	private final StringRedisTemplate redis;

	private final GreetingService greetings;

	VisitController(StringRedisTemplate redis, GreetingService greetings) {
		this.redis = redis;
		this.greetings = greetings;
	}

	@PostMapping("/visits/{page}")
	Map<String, Object> visit(@PathVariable String page) {
		Long count = this.redis.opsForValue().increment(key(page));
		return Map.of("page", page, "visits", count);
	}

	@GetMapping("/visits/{page}")
	Map<String, Object> visits(@PathVariable String page) {
		String count = this.redis.opsForValue().get(key(page));
		return Map.of("page", page, "visits", (count != null) ? Long.parseLong(count) : 0L);
	}

	@GetMapping("/greetings/{name}")
	Map<String, Object> greeting(@PathVariable String name) {
		return Map.of("greeting", this.greetings.greet(name));
	}

	private static String key(String page) {
		return "sample:visits:" + page;
	}

}
