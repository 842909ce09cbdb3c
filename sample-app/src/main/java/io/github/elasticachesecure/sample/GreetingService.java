package io.github.elasticachesecure.sample;

import java.time.Instant;

import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * A deliberately "expensive" lookup whose results Spring Cache keeps in Redis.
 */
@Service
class GreetingService {

	@Cacheable("greetings")
	public String greet(String name) {
		return "Hello, " + name + " (computed at " + Instant.now() + ")";
	}

}
