package io.github.elasticachesecure.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * What one doctor step found: a verdict, a one-line summary, details for scripts and,
 * unless it passed, the fix.
 *
 * @param step the step's name
 * @param verdict the verdict
 * @param summary what was found, in one line
 * @param details facts worth showing (protocol, certificate names, server version, ...),
 * in order
 * @param fix what to do about it, or {@code null} for a step that passed
 */
record StepResult(String step, Verdict verdict, String summary, Map<String, Object> details, @Nullable String fix) {

	static StepResult pass(String step, String summary) {
		return new StepResult(step, Verdict.PASS, summary, Map.of(), null);
	}

	static StepResult warn(String step, String summary, String fix) {
		return new StepResult(step, Verdict.WARN, summary, Map.of(), fix);
	}

	static StepResult fail(String step, String summary, String fix) {
		return new StepResult(step, Verdict.FAIL, summary, Map.of(), fix);
	}

	static StepResult skip(String step, String reason) {
		return new StepResult(step, Verdict.SKIP, reason, Map.of(), null);
	}

	/**
	 * Return this result with one more detail.
	 * @param name the detail's name
	 * @param value its value (never a secret)
	 * @return the result
	 */
	StepResult with(String name, Object value) {
		Map<String, Object> all = new LinkedHashMap<>(this.details);
		all.put(name, value);
		return new StepResult(this.step, this.verdict, this.summary, all, this.fix);
	}

	/**
	 * Return this result with every text passed through the given function.
	 * @param text the function, e.g. one that redacts secrets
	 * @return the result
	 */
	StepResult mapText(UnaryOperator<String> text) {
		Map<String, Object> mapped = new LinkedHashMap<>();
		this.details.forEach((name, value) -> mapped.put(name, mapText(value, text)));
		return new StepResult(this.step, this.verdict, text.apply(this.summary), mapped,
				(this.fix != null) ? text.apply(this.fix) : null);
	}

	private static Object mapText(Object value, UnaryOperator<String> text) {
		if (value instanceof List<?> list) {
			return list.stream().map((item) -> text.apply(String.valueOf(item))).toList();
		}
		// numbers and flags carry no secret
		return (value instanceof Number || value instanceof Boolean) ? value : text.apply(String.valueOf(value));
	}

}
