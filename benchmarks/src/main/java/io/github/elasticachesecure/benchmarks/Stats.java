package io.github.elasticachesecure.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Order statistics over rounds, and a growable array of latency samples.
 */
final class Stats {

	private Stats() {
	}

	static double median(List<Double> values) {
		return quantile(values, 0.5);
	}

	static double min(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
	}

	static double max(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
	}

	static double quantile(List<Double> values, double q) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		double position = q * (sorted.length - 1);
		int lower = (int) Math.floor(position);
		int upper = (int) Math.ceil(position);
		return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
	}

	/** Round by round: {@code a[i] / b[i]}. */
	static List<Double> ratios(List<Double> a, List<Double> b) {
		List<Double> ratios = new ArrayList<>();
		for (int i = 0; i < a.size(); i++) {
			ratios.add(a.get(i) / b.get(i));
		}
		return ratios;
	}

	/** Round by round: {@code a[i] - b[i]}. */
	static List<Double> differences(List<Double> a, List<Double> b) {
		List<Double> differences = new ArrayList<>();
		for (int i = 0; i < a.size(); i++) {
			differences.add(a.get(i) - b.get(i));
		}
		return differences;
	}

	/** "median [min–max]" with the given format for each number. */
	static String spread(List<Double> values, String format) {
		return fmt(format, median(values)) + " [" + fmt(format, min(values)) + "–" + fmt(format, max(values)) + "]";
	}

	static String fmt(String format, double value) {
		return String.format(Locale.ROOT, format, value);
	}

	/** A growable array of nanosecond samples. */
	static final class Samples {

		private long[] values = new long[1 << 14];

		private int size;

		void add(long value) {
			if (this.size == this.values.length) {
				this.values = Arrays.copyOf(this.values, this.size * 2);
			}
			this.values[this.size++] = value;
		}

		void addAll(Samples other) {
			for (int i = 0; i < other.size; i++) {
				add(other.values[i]);
			}
		}

		int size() {
			return this.size;
		}

		/** Nearest-rank percentile, in nanoseconds. */
		double percentile(double p) {
			if (this.size == 0) {
				return Double.NaN;
			}
			long[] sorted = Arrays.copyOf(this.values, this.size);
			Arrays.sort(sorted);
			int rank = (int) Math.ceil(p / 100.0 * sorted.length);
			return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
		}

	}

}
