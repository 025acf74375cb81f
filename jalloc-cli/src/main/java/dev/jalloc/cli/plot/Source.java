package dev.jalloc.cli.plot;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * One results file, read: what kind it is ({@link Format}, told by its first line), and its measurements.
 *
 * @param name the file's name, as messages and captions give it
 * @param format its kind
 * @param measurements every value it holds, in its order
 */
record Source(String name, Format format, List<Measurement> measurements) {
    Source {
        measurements = List.copyOf(measurements);
    }

    /**
     * The kinds of results file {@code jalloc plot} reads, and how each is charted unless the options say
     * otherwise: one panel per value of the chart keys (and unit), one colour per value of the series key.
     */
    enum Format {
        /** JMH's CSV ({@code -rf csv}): a panel per benchmark, a colour per {@code contender} parameter. */
        JMH(List.of("benchmark"), "contender", List.of("score")),
        /** mtbench's CSV ({@code --csv}): a panel per benchmark, a colour per contender, groups by threads. */
        MTBENCH(List.of("bench", "metric"), "contender", List.of("speed")),
        /**
         * {@code jalloc replay}'s table, plain or {@code --csv}: a panel per column, a colour per allocator, groups
         * by trace.
         */
        REPLAY(List.of("metric"), "allocator", List.of("kops_per_s", "utilization", "rss_utilization",
                "peak_rss_bytes"));

        private final List<String> chartKeys;
        private final String seriesKey;
        private final List<String> metrics;

        Format(List<String> chartKeys, String seriesKey, List<String> metrics) {
            this.chartKeys = chartKeys;
            this.seriesKey = seriesKey;
            this.metrics = metrics;
        }

        /** {@return the keys a panel is made for each value of, by default} */
        List<String> chartKeys() {
            return chartKeys;
        }

        /** {@return the key whose values are the series (the colours), by default} */
        String seriesKey() {
            return seriesKey;
        }

        /** {@return the metrics charted by default (those the file has)} */
        List<String> metrics() {
            return metrics;
        }
    }

    /** {@return {@code file} read}, telling its kind by its first line */
    static Source read(Path file) throws IOException, PlotFormatException {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PlotFormatException(file + ": no such file");
        } catch (MalformedInputException e) {
            throw new PlotFormatException(name, 1, "not UTF-8 text (expected: a CSV or a replay table)");
        }
        return parse(name, text);
    }

    /** {@return the results in {@code text}}, telling their kind by the first line; {@code name} names the file */
    static Source parse(String name, String text) throws PlotFormatException {
        String first = text.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
        if (first.startsWith("\"Benchmark\",") || first.startsWith("Benchmark,")) {
            return new Source(name, Format.JMH, JmhCsv.parse(name, text));
        }
        if (first.startsWith("bench,contender,")) {
            return new Source(name, Format.MTBENCH, MtbenchCsv.parse(name, text));
        }
        if (first.startsWith("trace,allocator,") || first.matches("trace\\s+allocator\\s.*")) {
            return new Source(name, Format.REPLAY, ReplayTableText.parse(name, text));
        }
        String shown = first.length() > 60 ? first.substring(0, 60) + "..." : first;
        throw new PlotFormatException(name, 1, (first.isEmpty() ? "empty" : "'" + shown + "'") + " (expected: "
                + "JMH's CSV (-rf csv), mtbench's CSV (--csv) or jalloc replay's table, plain or --csv)");
    }

    /** {@return {@code text} as a number, NaN for "NaN"}; else a message naming the column */
    static double number(String file, long line, String column, String text) throws PlotFormatException {
        String t = text.strip();
        if (t.equals("NaN")) {
            return Double.NaN;
        }
        if (!t.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
            throw new PlotFormatException(file, line, column + ": '" + text + "' (expected: a number)");
        }
        double value = Double.parseDouble(t);
        if (Double.isInfinite(value)) {
            throw new PlotFormatException(file, line, column + ": '" + text + "' (expected: a finite number)");
        }
        return value;
    }
}
