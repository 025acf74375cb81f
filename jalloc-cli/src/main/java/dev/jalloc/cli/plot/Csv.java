package dev.jalloc.cli.plot;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV, as JMH ({@code -rf csv}), mtbench ({@code --csv}) and {@code jalloc replay --csv} write it: fields
 * separated by commas, a field in double quotes when it holds a comma, a quote (doubled) or a line end, records
 * ended by LF or CRLF. A quote inside an unquoted field, or text after a closing quote, is refused.
 */
final class Csv {
    /** One record and the line (from 1) it starts on. */
    record Row(long line, List<String> fields) {
    }

    private Csv() {
    }

    /** {@return the records of {@code text}, empty lines skipped}; {@code file} names it in messages */
    static List<Row> parse(String file, String text) throws PlotFormatException {
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        long line = 1;
        long start = 1;
        boolean quoted = false;
        boolean afterQuote = false;
        boolean empty = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    if (!field.isEmpty() || afterQuote) {
                        throw new PlotFormatException(file, line, "a quote inside an unquoted field (expected: "
                                + "RFC 4180 CSV, a quoted field's quotes doubled)");
                    }
                    quoted = true;
                    empty = false;
                }
                case ',' -> {
                    fields.add(field.toString());
                    field.setLength(0);
                    afterQuote = false;
                    empty = false;
                }
                case '\r' -> {
                    if (i + 1 >= text.length() || text.charAt(i + 1) != '\n') {
                        throw new PlotFormatException(file, line, "a carriage return alone (expected: LF or CRLF "
                                + "line ends)");
                    }
                }
                case '\n' -> {
                    if (!empty || !field.isEmpty()) {
                        fields.add(field.toString());
                        rows.add(new Row(start, List.copyOf(fields)));
                    }
                    fields.clear();
                    field.setLength(0);
                    afterQuote = false;
                    empty = true;
                    start = ++line;
                }
                default -> {
                    if (afterQuote) {
                        throw new PlotFormatException(file, line, "text after a closing quote (expected: a comma "
                                + "or the line's end)");
                    }
                    field.append(c);
                    empty = false;
                }
            }
        }
        if (quoted) {
            throw new PlotFormatException(file, start, "a quoted field is not closed");
        }
        if (!empty || !field.isEmpty()) {
            fields.add(field.toString());
            rows.add(new Row(start, List.copyOf(fields)));
        }
        return rows;
    }
}
