package dev.jalloc.cli.plot;

import dev.jalloc.cli.plot.Figure.Better;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * mtbench's CSV ({@code ./jalloc mtbench --csv}): a header naming at least {@code bench, contender, threads, status,
 * metric, unit, peak_rss_mib}, one row per run. Each run gives two measurements with the keys {@code bench},
 * {@code contender} and {@code threads}: {@code speed} (the {@code metric} column, in {@code unit}: ops/s or
 * frees/s higher is better, ns/op lower) and {@code peak_rss} (the child JVM's peak RSS, whole process; in bytes).
 * A run whose status is not {@code ok} (skipped, failed) has no values: its bars are drawn as missing. mtbench
 * runs once per cell, so there is no error.
 */
final class MtbenchCsv {
    private static final List<String> NEEDED = List.of("bench", "contender", "threads", "status", "metric", "unit",
            "peak_rss_mib");
    private static final Metric PEAK_RSS = new Metric("peak_rss", "peak RSS of the child JVM (whole process)",
            "bytes", Quantity.BYTES, Better.LOWER);

    private MtbenchCsv() {
    }

    /** {@return the rows of {@code text} as measurements}; {@code file} names it in messages */
    static List<Measurement> parse(String file, String text) throws PlotFormatException {
        List<Csv.Row> rows = Csv.parse(file, text);
        List<String> header = rows.getFirst().fields();
        for (String column : NEEDED) {
            if (!header.contains(column)) {
                throw new PlotFormatException(file, rows.getFirst().line(), "no column '" + column + "' (expected: "
                        + "mtbench's CSV, with " + String.join(", ", NEEDED) + ")");
            }
        }
        Map<String, String> units = new HashMap<>();
        for (Csv.Row row : rows.subList(1, rows.size())) {
            List<String> f = row.fields();
            if (f.size() == header.size() && !f.get(header.indexOf("unit")).isEmpty()) {
                units.putIfAbsent(f.get(header.indexOf("bench")), f.get(header.indexOf("unit")));
            }
        }
        List<Measurement> measurements = new ArrayList<>();
        for (Csv.Row row : rows.subList(1, rows.size())) {
            List<String> f = row.fields();
            if (f.size() != header.size()) {
                throw new PlotFormatException(file, row.line(), f.size() + " fields (expected: " + header.size()
                        + ", as the header has)");
            }
            SequencedMap<String, String> keys = new LinkedHashMap<>();
            keys.put("bench", f.get(header.indexOf("bench")));
            keys.put("contender", f.get(header.indexOf("contender")));
            keys.put("threads", f.get(header.indexOf("threads")));
            boolean ok = f.get(header.indexOf("status")).equals("ok");
            // A skipped run has no unit: it takes its benchmark's, so that its missing bar joins the same panel.
            String unit = units.getOrDefault(keys.get("bench"), f.get(header.indexOf("unit")));
            Metric speed = new Metric("speed", "", unit, Quantity.NUMBER, Metric.better(unit));
            double value = ok ? Source.number(file, row.line(), "metric", f.get(header.indexOf("metric")))
                    : Double.NaN;
            String rss = f.get(header.indexOf("peak_rss_mib"));
            double bytes = ok && !rss.isEmpty() ? Source.number(file, row.line(), "peak_rss_mib", rss) * 1024 * 1024
                    : Double.NaN;
            measurements.add(new Measurement(keys, speed, value, Double.NaN));
            measurements.add(new Measurement(keys, PEAK_RSS, bytes, Double.NaN));
        }
        return measurements;
    }
}
