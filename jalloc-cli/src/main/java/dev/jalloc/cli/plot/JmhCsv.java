package dev.jalloc.cli.plot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

/**
 * JMH's CSV result file ({@code -rf csv}): a header {@code "Benchmark","Mode","Threads","Samples","Score",
 * "Score Error (99.9%)","Unit"} then one {@code "Param: NAME"} column per parameter of any benchmark of the run
 * (empty where a benchmark has no such parameter). Each row becomes a measurement with the keys {@code benchmark}
 * (the class's simple name and the method: {@code HeapBench.pair}; a secondary result such as
 * {@code :gc.alloc.rate} keeps its suffix), one per parameter the row has, {@code threads} and {@code mode}. The
 * error is NaN where JMH printed NaN (a single sample).
 */
final class JmhCsv {
    static final List<String> COLUMNS = List.of("Benchmark", "Mode", "Threads", "Samples", "Score",
            "Score Error (99.9%)", "Unit");
    private static final String PARAM = "Param: ";

    private JmhCsv() {
    }

    /** {@return the rows of {@code text} as measurements}; {@code file} names it in messages */
    static List<Measurement> parse(String file, String text) throws PlotFormatException {
        List<Csv.Row> rows = Csv.parse(file, text);
        List<String> header = rows.getFirst().fields();
        if (header.size() < COLUMNS.size() || !header.subList(0, COLUMNS.size()).equals(COLUMNS)) {
            throw new PlotFormatException(file, rows.getFirst().line(), "header " + header + " (expected: JMH's "
                    + "columns " + COLUMNS + ", then its parameters)");
        }
        List<String> params = new ArrayList<>();
        for (String column : header.subList(COLUMNS.size(), header.size())) {
            if (!column.startsWith(PARAM) || column.length() == PARAM.length()) {
                throw new PlotFormatException(file, rows.getFirst().line(), "column '" + column + "' (expected: "
                        + "'Param: NAME' after JMH's columns)");
            }
            params.add(column.substring(PARAM.length()));
        }
        if (rows.size() < 2) {
            throw new PlotFormatException(file, rows.getFirst().line(), "a header and no result");
        }
        List<Measurement> measurements = new ArrayList<>();
        for (Csv.Row row : rows.subList(1, rows.size())) {
            List<String> f = row.fields();
            if (f.size() != header.size()) {
                throw new PlotFormatException(file, row.line(), f.size() + " fields (expected: " + header.size()
                        + ", as the header has)");
            }
            SequencedMap<String, String> keys = new LinkedHashMap<>();
            keys.put("benchmark", shortName(f.get(0)));
            for (int p = 0; p < params.size(); p++) {
                String value = f.get(COLUMNS.size() + p);
                if (!value.isEmpty()) {
                    keys.put(params.get(p), value);
                }
            }
            keys.put("threads", f.get(2));
            keys.put("mode", f.get(1));
            double score = Source.number(file, row.line(), "Score", f.get(4));
            double error = Source.number(file, row.line(), "Score Error (99.9%)", f.get(5));
            if (Double.isNaN(score)) {
                throw new PlotFormatException(file, row.line(), "Score: 'NaN' (expected: a number)");
            }
            if (error < 0) {
                throw new PlotFormatException(file, row.line(), "Score Error (99.9%): '" + f.get(5)
                        + "' (expected: a number >= 0, or NaN)");
            }
            if (f.get(6).isBlank()) {
                throw new PlotFormatException(file, row.line(), "Unit: '' (expected: JMH's unit, such as ns/op)");
            }
            measurements.add(new Measurement(keys, Metric.score(f.get(6)), score, error));
        }
        return measurements;
    }

    /** {@return {@code dev.jalloc.bench.HeapBench.pair} as {@code HeapBench.pair} (a suffix after ':' kept)} */
    static String shortName(String benchmark) {
        int colon = benchmark.indexOf(':');
        String name = colon < 0 ? benchmark : benchmark.substring(0, colon);
        String suffix = colon < 0 ? "" : benchmark.substring(colon);
        int method = name.lastIndexOf('.');
        int type = method <= 0 ? -1 : name.lastIndexOf('.', method - 1);
        return name.substring(type + 1) + suffix;
    }
}
