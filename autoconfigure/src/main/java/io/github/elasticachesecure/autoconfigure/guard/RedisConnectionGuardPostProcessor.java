package io.github.elasticachesecure.autoconfigure.guard;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.elasticachesecure.guard.RedisConnectionGuard;
import io.github.elasticachesecure.guard.StartupGuardReport;
import io.github.elasticachesecure.tls.TlsProbeResult;
import io.github.elasticachesecure.tls.WireCheck;
import io.lettuce.core.resource.ClientResources;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.core.metrics.StartupStep;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Runs the {@link RedisConnectionGuard} on each {@link RedisConnectionFactory} as the
 * container initializes it: the configuration checks and the TLS probes before its
 * initialization (before {@code LettuceConnectionFactory.afterPropertiesSet()} starts it,
 * and with eager initialization connects), the startup PING after it. So a refused
 * factory never opens a connection, whatever connects early (eager initialization, cache
 * warm-up in {@code @PostConstruct}), and a failure surfaces as the cause of Spring's
 * bean creation failure, which the starter's failure analyzers find.
 * <p>
 * The guard and the report are looked up when the first factory appears (in this context
 * or an ancestor), not when this post-processor is created, so they are configured by
 * then. {@link RedisConnectionGuardInitializer} adds it to every Spring Boot context
 * before any bean exists, so that a factory created early (one a post-processor depends
 * on) is checked too; the auto-configuration registers it in contexts that no initializer
 * prepared.
 * <p>
 * It also replaces every {@link ClientResources} bean with a copy whose channels carry
 * the {@link WireCheck}, which holds back each connection's first byte until its live TLS
 * session passed.
 * <p>
 * Each check of a factory the container creates is a step of the context's
 * {@link ApplicationStartup} ({@value #CHECK_TLS_STEP} and
 * {@value #CHECK_AUTHENTICATION_STEP}, tagged with the bean name), so what the guard
 * costs at startup shows in {@code /actuator/startup} or a flight recording, inside the
 * factory's own {@code spring.beans.instantiate} step.
 */
final class RedisConnectionGuardPostProcessor
		implements DestructionAwareBeanPostProcessor, BeanFactoryAware, PriorityOrdered {

	static final String BEAN_NAME = "io.github.elasticachesecure.autoconfigure.redisConnectionGuardPostProcessor";

	static final String CHECK_TLS_STEP = "elasticache.guard.check-tls";

	static final String CHECK_AUTHENTICATION_STEP = "elasticache.guard.check-authentication";

	private final Set<String> checked = ConcurrentHashMap.newKeySet();

	private final Set<String> awaitingPing = ConcurrentHashMap.newKeySet();

	// the guarded copies of client resources beans, shut down with the originals they
	// share everything with
	private final Map<String, ClientResources> guardedCopies = new ConcurrentHashMap<>();

	private @Nullable ListableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ListableBeanFactory) beanFactory;
	}

	@Override
	public int getOrder() {
		// before any other post-processor could make a factory connect (the initializer
		// adds it before all of them)
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (!(bean instanceof RedisConnectionFactory factory)) {
			return bean;
		}
		RedisConnectionGuard guard = guard();
		if (guard != null) {
			this.checked.add(beanName);
			List<TlsProbeResult> results = step(CHECK_TLS_STEP, beanName, () -> guard.checkTls(beanName, factory));
			record(results);
			if (results.stream().allMatch(TlsProbeResult::isSecure)) {
				this.awaitingPing.add(beanName);
			}
		}
		return bean;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof ClientResources resources) {
			return guardedResources(resources, beanName);
		}
		RedisConnectionGuard guard = (this.awaitingPing.remove(beanName)) ? guard() : null;
		if (bean instanceof RedisConnectionFactory factory && guard != null) {
			try {
				step(CHECK_AUTHENTICATION_STEP, beanName, () -> {
					guard.checkAuthentication(beanName, factory);
					return null;
				});
			}
			catch (RuntimeException ex) {
				// The container destroys only beans whose initialization completed: stop
				// this one's client here.
				destroy(factory);
				throw ex;
			}
		}
		return bean;
	}

	/**
	 * Every client resources bean, the application's own included, is replaced by a copy
	 * whose channels carry the {@link WireCheck}; the guard refuses factories built on
	 * any other.
	 */
	private ClientResources guardedResources(ClientResources resources, String beanName) {
		WireCheck wireCheck = (this.beanFactory != null)
				? this.beanFactory.getBeanProvider(WireCheck.class).getIfAvailable() : null;
		if (wireCheck == null || wireCheck.guards(resources)) {
			return resources;
		}
		ClientResources guarded = wireCheck.guard(resources);
		this.guardedCopies.put(beanName, guarded);
		return guarded;
	}

	@Override
	public boolean requiresDestruction(Object bean) {
		return bean instanceof ClientResources;
	}

	@Override
	public void postProcessBeforeDestruction(Object bean, String beanName) {
		ClientResources copy = this.guardedCopies.remove(beanName);
		if (copy != null) {
			// It owns nothing but its latency event publisher: the original's shutdown
			// ends the shared parts.
			copy.shutdown(0, 0, TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Check the factories that never passed through this post-processor before their
	 * initialization: ready-made singletons, and the products of a {@code FactoryBean}
	 * that declares no object type. Called by {@link ConnectionFactoryBeanCheck} once
	 * every singleton exists, since a post-processor added by the initializer is not
	 * itself a bean that the container would call then.
	 */
	void checkFactoriesNotSeenBefore() {
		RedisConnectionGuard guard = guard();
		ListableBeanFactory beanFactory = this.beanFactory;
		if (guard == null || beanFactory == null) {
			return;
		}
		for (String beanName : beanFactory.getBeanNamesForType(RedisConnectionFactory.class, false, false)) {
			RedisConnectionFactory factory = beanFactory.getBean(beanName, RedisConnectionFactory.class);
			if (this.checked.add(beanName)) {
				record(guard.check(beanName, factory));
			}
		}
	}

	private <T> T step(String name, String beanName, Supplier<T> check) {
		ApplicationStartup startup = (this.beanFactory instanceof ConfigurableBeanFactory configurable)
				? configurable.getApplicationStartup() : ApplicationStartup.DEFAULT;
		StartupStep step = startup.start(name).tag("beanName", beanName);
		try {
			return check.get();
		}
		finally {
			step.end();
		}
	}

	private @Nullable RedisConnectionGuard guard() {
		return (this.beanFactory != null)
				? this.beanFactory.getBeanProvider(RedisConnectionGuard.class).getIfAvailable() : null;
	}

	private void record(List<TlsProbeResult> results) {
		if (this.beanFactory != null) {
			// the results stay available to the health indicator and the metrics
			this.beanFactory.getBeanProvider(StartupGuardReport.class).ifAvailable((report) -> report.add(results));
		}
	}

	private static void destroy(RedisConnectionFactory factory) {
		if (factory instanceof DisposableBean disposable) {
			try {
				disposable.destroy();
			}
			catch (Exception ex) {
				// the original failure is the one to report
			}
		}
	}

}
