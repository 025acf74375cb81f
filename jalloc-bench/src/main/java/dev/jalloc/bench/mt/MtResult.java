package dev.jalloc.bench.mt;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one run reports: the line a child prints and the parent parses, one tab-separated {@code key=value}
 * per field after the word {@code MTRESULT}:
 *
 * <pre>
 *   MTRESULT  bench=larson  contender=jallocShared  threads=2  status=ok  metric=1.23e7  unit=ops/s  ops=...
 *             nanos=...  baseRssKiB=...  peakRssKiB=...  endRssKiB=...  committedPeakBytes=...  note=...  reason=...
 * </pre>
 *
 * @param status             {@code ok}, {@code skipped} (the contender cannot run it; reason says why) or
 *                           {@code failed} (an exception, a wrong block, a crash or a timeout; reason says which)
 * @param metric             ops per second or ns per op, in {@code unit}; 0 unless ok
 * @param committedPeakBytes jalloc's sampled peak of committed bytes, -1 for the other contenders
 * @param note               what else the benchmark observed (cache-*: lines shared by threads), or empty
 */
record MtResult(String bench, String contender, int threads, String status, double metric, String unit,
        long ops, long nanos, long baseRssKiB, long peakRssKiB, long endRssKiB, long committedPeakBytes,
        String note, String reason) {
    static final String PREFIX = "MTRESULT";

    static MtResult skipped(String bench, String contender, int threads, String reason) {
        return new MtResult(bench, contender, threads, "skipped", 0, "", 0, 0, -1, -1, -1, -1, "", reason);
    }

    static MtResult failed(String bench, String contender, int threads, String reason) {
        return new MtResult(bench, contender, threads, "failed", 0, "", 0, 0, -1, -1, -1, -1, "", reason);
    }

    boolean ok() {
        return status.equals("ok");
    }

    /** {@return the line a child prints} */
    String format() {
        return String.join("\t", PREFIX, "bench=" + bench, "contender=" + contender, "threads=" + threads,
                "status=" + status, "metric=" + metric, "unit=" + unit, "ops=" + ops, "nanos=" + nanos,
                "baseRssKiB=" + baseRssKiB, "peakRssKiB=" + peakRssKiB, "endRssKiB=" + endRssKiB,
                "committedPeakBytes=" + committedPeakBytes, "note=" + oneLine(note), "reason=" + oneLine(reason));
    }

    /** {@return the result in {@code line}, or null if it is not a result line} */
    static MtResult parse(String line) {
        if (!line.startsWith(PREFIX + "\t")) {
            return null;
        }
        Map<String, String> fields = new HashMap<>();
        for (String field : line.substring(PREFIX.length() + 1).split("\t")) {
            int eq = field.indexOf('=');
            fields.put(field.substring(0, eq), field.substring(eq + 1));
        }
        return new MtResult(fields.get("bench"), fields.get("contender"), Integer.parseInt(fields.get("threads")),
                fields.get("status"), Double.parseDouble(fields.get("metric")), fields.get("unit"),
                Long.parseLong(fields.get("ops")), Long.parseLong(fields.get("nanos")),
                Long.parseLong(fields.get("baseRssKiB")), Long.parseLong(fields.get("peakRssKiB")),
                Long.parseLong(fields.get("endRssKiB")), Long.parseLong(fields.get("committedPeakBytes")),
                fields.get("note"), fields.get("reason"));
    }

    /** {@return the metric for people: {@code 12.3 M ops/s}, {@code 1234.5 ns/op}} */
    String metricText() {
        if (unit.endsWith("/s")) {
            return String.format(Locale.ROOT, "%.2f M %s", metric / 1e6, unit);
        }
        return String.format(Locale.ROOT, "%.1f %s", metric, unit);
    }

    /** {@return {@code kiB} in MiB, one decimal, or "-" if unknown} */
    static String mib(long kiB) {
        return kiB < 0 ? "-" : String.format(Locale.ROOT, "%.1f", kiB / 1024.0);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
