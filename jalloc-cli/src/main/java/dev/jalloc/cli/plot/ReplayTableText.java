package dev.jalloc.cli.plot;

import dev.jalloc.cli.plot.Figure.Better;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * {@code jalloc replay}'s table as it prints it, plain (columns apart by spaces, {@code -} for no value) or
 * {@code --csv} (an empty field for no value), with the columns of any version: the header names them, and
 * {@code trace} and {@code allocator} must be among them. Each row gives one measurement per numeric column it
 * knows ({@link #METRICS}), with the keys {@code trace} and {@code allocator}; a {@code -} or empty cell is a value
 * not measured (the noise pass's time, a utilization whose footprint did not grow), never 0.
 */
final class ReplayTableText {
    /** The columns charted, as the replay names them, with what they are. */
    static final Map<String, Metric> METRICS = metrics(
            new Metric("kops_per_s", "throughput: thousands of trace ops a second (fastest timed pass)", "kops/s",
                    Quantity.NUMBER, Better.HIGHER),
            new Metric("seconds", "the fastest timed pass", "s", Quantity.NUMBER, Better.LOWER),
            new Metric("utilization", "utilization: peak live bytes / peak footprint (as each allocator counts it)",
                    "ratio", Quantity.RATIO, Better.HIGHER),
            new Metric("rss_utilization", "rss_utilization: peak live bytes / peak resident memory growth",
                    "ratio", Quantity.RATIO, Better.HIGHER),
            new Metric("peak_rss_bytes", "peak_rss_bytes: peak growth of anonymous resident memory", "bytes",
                    Quantity.BYTES, Better.LOWER),
            new Metric("peak_footprint_bytes", "peak_footprint_bytes: the allocator's committed bytes at their "
                    + "high-water, as it counts them", "bytes", Quantity.BYTES, Better.LOWER),
            new Metric("peak_live_bytes", "peak_live_bytes: what a perfect allocator would need", "bytes",
                    Quantity.BYTES, Better.NEITHER));

    private ReplayTableText() {
    }

    /** {@return the rows of {@code text} as measurements}; {@code file} names it in messages */
    static List<Measurement> parse(String file, String text) throws PlotFormatException {
        String first = text.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        boolean csv = first.contains(",");
        List<Csv.Row> rows = csv ? Csv.parse(file, text) : plainRows(text);
        List<String> header = rows.getFirst().fields();
        int trace = header.indexOf("trace");
        int allocator = header.indexOf("allocator");
        if (trace < 0 || allocator < 0) {
            throw new PlotFormatException(file, rows.getFirst().line(), "header " + header + " (expected: "
                    + "jalloc replay's columns, trace and allocator among them)");
        }
        List<Measurement> measurements = new ArrayList<>();
        for (Csv.Row row : rows.subList(1, rows.size())) {
            List<String> f = row.fields();
            if (f.size() != header.size()) {
                throw new PlotFormatException(file, row.line(), f.size() + " fields (expected: " + header.size()
                        + ", as the header has)");
            }
            SequencedMap<String, String> keys = new LinkedHashMap<>();
            keys.put("trace", f.get(trace));
            keys.put("allocator", f.get(allocator));
            for (int c = 0; c < header.size(); c++) {
                Metric metric = METRICS.get(header.get(c));
                if (metric == null) {
                    continue;
                }
                String cell = f.get(c);
                double value = cell.isEmpty() || cell.equals("-") ? Double.NaN
                        : Source.number(file, row.line(), header.get(c), cell);
                measurements.add(new Measurement(keys, metric, value, Double.NaN));
            }
        }
        if (measurements.isEmpty()) {
            throw new PlotFormatException(file, rows.getFirst().line(), "a header and no row");
        }
        return measurements;
    }

    private static List<Csv.Row> plainRows(String text) {
        List<Csv.Row> rows = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                rows.add(new Csv.Row(i + 1, Arrays.asList(lines.get(i).strip().split("\\s+"))));
            }
        }
        return rows;
    }

    private static Map<String, Metric> metrics(Metric... metrics) {
        Map<String, Metric> byName = new LinkedHashMap<>();
        for (Metric metric : metrics) {
            byName.put(metric.name(), metric);
        }
        return byName;
    }
}
