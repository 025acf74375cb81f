package dev.jalloc.bench.mt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tables of a set of runs: per benchmark a matrix (contender by thread count, speed and peak RSS in each
 * cell), then every run with every column, in markdown; and the same rows as CSV.
 *
 * <pre>
 *   ### larson: ops/s (higher is better), peak RSS
 *   | contender    | t=1                    | t=2                    |
 *   | jallocShared | 41.20 M ops/s, 61.3 MiB | 60.10 M ops/s, 66.0 MiB |
 * </pre>
 */
final class MtReport {
    private final List<MtResult> results;

    MtReport(List<MtResult> results) {
        this.results = List.copyOf(results);
    }

    /** {@return one matrix per benchmark, then the notes (skips and failures)} */
    String summary() {
        StringBuilder out = new StringBuilder();
        Map<String, List<MtResult>> byBench = new LinkedHashMap<>();
        for (MtResult r : results) {
            byBench.computeIfAbsent(r.bench(), b -> new ArrayList<>()).add(r);
        }
        Map<String, Set<String>> notes = new LinkedHashMap<>(); // note -> where it applies
        for (Map.Entry<String, List<MtResult>> entry : byBench.entrySet()) {
            List<MtResult> rows = entry.getValue();
            Set<Integer> threads = new TreeSet<>();
            Set<String> contenders = new LinkedHashSet<>();
            String unit = "";
            for (MtResult r : rows) {
                threads.add(r.threads());
                contenders.add(r.contender());
                if (r.ok()) {
                    unit = r.unit();
                }
            }
            String better = unit.isEmpty() ? "no run succeeded"
                    : unit + (unit.endsWith("/s") ? " (higher is better)" : " (lower is better)") + ", peak RSS";
            out.append("### ").append(entry.getKey()).append(": ").append(better).append("\n\n| contender |");
            for (int t : threads) {
                out.append(" t=").append(t).append(" |");
            }
            out.append("\n| --- |");
            out.append(" ---: |".repeat(threads.size()));
            out.append('\n');
            for (String contender : contenders) {
                out.append("| `").append(contender).append("` |");
                for (int t : threads) {
                    MtResult r = find(rows, contender, t);
                    out.append(' ').append(r == null ? "" : cell(r)).append(" |");
                    if (r != null && !r.ok()) {
                        String note = (r.status().equals("failed") ? "**FAILED** `" : "skipped `")
                                + contender + "`: " + r.reason();
                        notes.computeIfAbsent(note, n -> new LinkedHashSet<>()).add(r.bench() + " t=" + t);
                    }
                }
                out.append('\n');
            }
            out.append('\n');
        }
        for (Map.Entry<String, Set<String>> note : notes.entrySet()) {
            out.append("- ").append(note.getKey()).append(" (").append(String.join(", ", note.getValue()))
                    .append(")\n");
        }
        return out.toString();
    }

    /** {@return every run with every column, as a markdown table} */
    String details() {
        StringBuilder out = new StringBuilder("| bench | contender | threads | status | result | ops | seconds"
                + " | base RSS MiB | peak RSS MiB | end RSS MiB | jalloc committed peak MiB | note |\n"
                + "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (MtResult r : results) {
            out.append(String.format(Locale.ROOT, "| %s | `%s` | %d | %s | %s | %d | %.2f | %s | %s | %s | %s | %s |%n",
                    r.bench(), r.contender(), r.threads(), r.status(), r.ok() ? r.metricText() : "", r.ops(),
                    r.nanos() / 1e9, MtResult.mib(r.baseRssKiB()), MtResult.mib(r.peakRssKiB()),
                    MtResult.mib(r.endRssKiB()), r.committedPeakBytes() < 0 ? "-"
                            : MtResult.mib(r.committedPeakBytes() / 1024), r.note()));
        }
        return out.toString();
    }

    /** {@return every run as CSV, with a header line} */
    String csv() {
        StringBuilder out = new StringBuilder("bench,contender,threads,status,metric,unit,ops,seconds,"
                + "base_rss_mib,peak_rss_mib,end_rss_mib,jalloc_committed_peak_mib,note,reason\n");
        for (MtResult r : results) {
            out.append(String.format(Locale.ROOT, "%s,%s,%d,%s,%s,%s,%d,%.3f,%s,%s,%s,%s,\"%s\",\"%s\"%n",
                    r.bench(), r.contender(), r.threads(), r.status(),
                    r.ok() ? String.format(Locale.ROOT, "%.1f", r.metric()) : "", r.unit(), r.ops(),
                    r.nanos() / 1e9, csvMib(r.baseRssKiB()), csvMib(r.peakRssKiB()), csvMib(r.endRssKiB()),
                    r.committedPeakBytes() < 0 ? "" : csvMib(r.committedPeakBytes() / 1024),
                    r.note().replace("\"", "\"\""), r.reason().replace("\"", "\"\"")));
        }
        return out.toString();
    }

    private static String cell(MtResult r) {
        return switch (r.status()) {
            case "ok" -> r.metricText() + ", " + MtResult.mib(r.peakRssKiB()) + " MiB"
                    + (r.note().isEmpty() ? "" : "; " + r.note());
            case "skipped" -> "skipped";
            default -> "**FAILED**";
        };
    }

    private static String csvMib(long kiB) {
        return kiB < 0 ? "" : MtResult.mib(kiB);
    }

    private static MtResult find(List<MtResult> rows, String contender, int threads) {
        for (MtResult r : rows) {
            if (r.contender().equals(contender) && r.threads() == threads) {
                return r;
            }
        }
        return null;
    }
}
