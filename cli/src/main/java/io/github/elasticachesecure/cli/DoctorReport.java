package io.github.elasticachesecure.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The results of a doctor run, printed as text for people or as JSON for scripts.
 *
 * @param endpoint the endpoint as parsed, or {@code null} when {@code --endpoint} is
 * invalid (then it is not repeated: it may hold a password)
 * @param steps the results, in the order the steps ran
 */
record DoctorReport(@Nullable String endpoint, List<StepResult> steps) {

	/**
	 * Return the worst verdict of the steps (a skipped step counts as nothing).
	 * @return {@code FAIL}, {@code WARN} or {@code PASS}
	 */
	Verdict verdict() {
		if (count(Verdict.FAIL) > 0) {
			return Verdict.FAIL;
		}
		return (count(Verdict.WARN) > 0) ? Verdict.WARN : Verdict.PASS;
	}

	private long count(Verdict verdict) {
		return this.steps.stream().filter((step) -> step.verdict() == verdict).count();
	}

	void printText(PrintWriter out) {
		out.println("elasticache-secure doctor " + ((this.endpoint != null) ? this.endpoint : "(invalid endpoint)"));
		int width = this.steps.stream().mapToInt((step) -> step.step().length()).max().orElse(0);
		for (StepResult step : this.steps) {
			out.printf("%-4s  %-" + width + "s  %s%n", step.verdict(), step.step(), step.summary());
			if (step.fix() != null) {
				out.printf("      %-" + width + "s  fix: %s%n", "", step.fix());
			}
		}
		out.println(this.verdict() + ": " + count(Verdict.FAIL) + " failed, " + count(Verdict.WARN) + " warning(s), "
				+ count(Verdict.SKIP) + " skipped");
		out.flush();
	}

	void printJson(PrintWriter out) {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("endpoint", this.endpoint);
		document.put("verdict", verdict());
		document.put("steps", this.steps.stream().map(DoctorReport::toMap).toList());
		out.println(
				JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(document));
		out.flush();
	}

	private static Map<String, Object> toMap(StepResult step) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("step", step.step());
		map.put("verdict", step.verdict());
		map.put("summary", step.summary());
		map.put("details", step.details());
		if (step.fix() != null) {
			map.put("fix", step.fix());
		}
		return map;
	}

}
