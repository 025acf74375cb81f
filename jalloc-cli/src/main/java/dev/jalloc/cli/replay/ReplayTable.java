package dev.jalloc.cli.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The output: one row per (trace, allocator), and one per trace for its noise pass (allocator
 * {@code (none)}), in the columns the issues fix, as a plain table (text left, numbers right) or as CSV
 * (RFC 4180, a header row first). Both print the same values: seconds to the nanosecond, kops_per_s to a tenth,
 * the two utilizations to three decimals; {@code -} (empty in CSV) for what a row does not have: a utilization
 * whose denominator did not grow, the noise pass's time, footprint and utilizations, the footprint of an
 * allocator that counts none (hardened_malloc), a resident memory that cannot be read.
 */
final class ReplayTable {
    static final List<String> COLUMNS = List.of("trace", "allocator", "ops", "seconds", "kops_per_s",
            "peak_live_bytes", "peak_footprint_bytes", "utilization", "peak_rss_bytes", "rss_utilization");

    private ReplayTable() {
    }

    /** {@return the CSV header line, without the line end} */
    static String csvHeader() {
        return String.join(",", COLUMNS);
    }

    /** {@return {@code result} as a CSV line, without the line end} */
    static String csvRow(ReplayResult result) {
        List<String> cells = cells(result, "");
        cells.replaceAll(ReplayTable::csvQuoted);
        return String.join(",", cells);
    }

    /** {@return the rows as a plain table, header first, every line ended} */
    static String plain(List<ReplayResult> results) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(COLUMNS);
        for (ReplayResult result : results) {
            rows.add(cells(result, "-"));
        }
        int[] widths = new int[COLUMNS.size()];
        for (List<String> row : rows) {
            for (int c = 0; c < widths.length; c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < widths.length; c++) {
                String cell = row.get(c);
                String pad = " ".repeat(widths[c] - cell.length());
                line.append(c == 0 ? "" : "  ").append(c < 2 ? cell + pad : pad + cell);
            }
            table.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return table.toString();
    }

    private static List<String> cells(ReplayResult r, String noValue) {
        return new ArrayList<>(List.of(r.trace(), r.allocator(), Long.toString(r.ops()),
                decimals(r.seconds(), 9, noValue), decimals(r.kopsPerSecond(), 1, noValue),
                Long.toString(r.peakLiveBytes()), count(r.peakFootprintBytes(), noValue),
                decimals(r.utilization(), 3, noValue), count(r.peakRssBytes(), noValue),
                decimals(r.rssUtilization(), 3, noValue)));
    }

    private static String decimals(double value, int digits, String noValue) {
        return Double.isNaN(value) ? noValue : String.format(Locale.ROOT, "%." + digits + "f", value);
    }

    private static String count(long bytes, String noValue) {
        return bytes < 0 ? noValue : Long.toString(bytes);
    }

    private static String csvQuoted(String cell) {
        boolean quote = cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0
                || cell.indexOf('\r') >= 0;
        return quote ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
    }
}
