package dev.jalloc.cli.plot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * One number read from a results file, with what tells it from the others: its keys (the benchmark, its JMH
 * parameters, the trace, the allocator, the thread count, the file it came from), what it measures, and its error.
 *
 * @param keys key to value, in the file's order of columns (the file's label last, under {@value #FILE})
 * @param metric what it measures
 * @param value the value; NaN when the file says it was not measured ({@code -}, empty, a skipped run)
 * @param error the half-width of its 99.9 % error interval (JMH); NaN when there is none
 */
record Measurement(SequencedMap<String, String> keys, Metric metric, double value, double error) {
    /** The key of the file's label. */
    static final String FILE = "file";

    Measurement {
        keys = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(keys));
        Objects.requireNonNull(metric, "metric");
    }

    /** {@return the value of {@code key}, the metric's name for {@code "metric"}, or "" if it has none} */
    String key(String key) {
        if (key.equals("metric")) {
            return metric.name();
        }
        return keys.getOrDefault(key, "");
    }

    /** {@return this measurement with {@code key} set to {@code text}, added last if new} */
    Measurement with(String key, String text) {
        SequencedMap<String, String> more = new LinkedHashMap<>(keys);
        more.put(key, text);
        return new Measurement(more, metric, value, error);
    }
}
