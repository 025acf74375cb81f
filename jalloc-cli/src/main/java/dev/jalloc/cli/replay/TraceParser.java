package dev.jalloc.cli.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Reads CS:APP malloc-lab traces, strictly: anything the replay could not perform as written is a
 * {@link TraceFormatException} naming the file and line, found before any allocator runs.
 *
 * <pre>
 *   line 1   suggested heap size     an integer >= 0 (ignored by replay)
 *   line 2   number of ids           ids are in [0, this)
 *   line 3   number of ops           must equal the number of op lines that follow
 *   line 4   weight                  an integer >= 0 (ignored by replay)
 *   then one op a line:
 *            a ID BYTES              alloc: ID must not be live
 *            f ID                    free: ID must be live
 *            r ID BYTES              realloc: ID must be live; keeps min(old, BYTES) bytes
 * </pre>
 * Numbers are decimal digits only (no sign). BYTES is in [0, {@value Trace#MAX_BYTE_SIZE}]; a size of 0 is legal
 * (see the package doc for how it is replayed). Tokens are separated by blanks or tabs; leading and trailing
 * blanks and a CR before the line feed are ignored, and so are empty lines after the header. An id may be
 * allocated again once freed. Ids still live at the end are legal: the replay frees them after the last op.
 */
public final class TraceParser {
    /** Compiled once: {@code String.split} with a class would compile it again for every line of a long trace. */
    private static final Pattern BLANKS = Pattern.compile("[ \t]+");

    private static final String[] HEADER = {"suggested heap size", "number of ids", "number of ops", "weight"};
    private static final String HEADER_HINT =
            " (a trace starts with four lines: suggested heap size, number of ids, number of ops, weight)";

    private TraceParser() {
    }

    /**
     * {@return the trace in {@code file}}
     *
     * @param file a malloc-lab trace; messages name it as given
     * @throws TraceFormatException if it is not a legal trace
     * @throws IOException if it cannot be read
     */
    public static Trace parse(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            Path fileName = file.getFileName();
            return parse(file.toString(), fileName == null ? file.toString() : fileName.toString(), in);
        }
    }

    /**
     * {@return the trace read from {@code in}}
     *
     * @param source the file as messages name it
     * @param name the trace's name in the table
     * @param in the trace's text
     * @throws TraceFormatException if it is not a legal trace
     * @throws IOException if {@code in} fails
     */
    public static Trace parse(String source, String name, Reader in) throws IOException {
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
        long[] header = new long[HEADER.length];
        int lineNo = 0;
        for (int field = 0; field < HEADER.length; field++) {
            String line = lines.readLine();
            lineNo++;
            if (line == null) {
                throw new TraceFormatException(source, lineNo, "missing header line: " + HEADER[field] + HEADER_HINT);
            }
            long max = field == 0 || field == 3 ? Long.MAX_VALUE : Integer.MAX_VALUE;
            header[field] = number(line.strip(), max);
            if (header[field] < 0) {
                throw new TraceFormatException(source, lineNo, HEADER[field] + ": '" + line.strip()
                        + "' (expected: one integer in [0, " + max + "])" + HEADER_HINT);
            }
        }
        int idCount = (int) header[1];
        int declaredOps = (int) header[2];
        Ops ops = new Ops(Math.min(declaredOps, 1 << 16));
        // Per id: 0 = never seen, +line = live since that line, -line = freed at that line.
        int[] state = new int[Math.min(idCount, 1 << 12)];
        String line;
        while ((line = lines.readLine()) != null) {
            lineNo++;
            String text = line.strip();
            if (text.isEmpty()) {
                continue;
            }
            if (ops.count == declaredOps) {
                throw new TraceFormatException(source, lineNo, "op " + (ops.count + 1) + ", but the header says "
                        + declaredOps + " ops (line 3)");
            }
            String[] tokens = BLANKS.split(text);
            byte kind;
            String usage;
            switch (tokens[0]) {
                case "a" -> { kind = Trace.ALLOC; usage = "a ID BYTES"; }
                case "f" -> { kind = Trace.FREE; usage = "f ID"; }
                case "r" -> { kind = Trace.REALLOC; usage = "r ID BYTES"; }
                default -> throw new TraceFormatException(source, lineNo, "unknown op '" + tokens[0]
                        + "' (expected: a ID BYTES, f ID or r ID BYTES)");
            }
            int operands = kind == Trace.FREE ? 1 : 2;
            if (tokens.length != operands + 1) {
                throw new TraceFormatException(source, lineNo, "'" + text + "' has " + (tokens.length - 1)
                        + (tokens.length == 2 ? " operand" : " operands") + " (expected: " + usage + ")");
            }
            long id = number(tokens[1], idCount - 1L);
            if (id < 0) {
                throw new TraceFormatException(source, lineNo, "id: '" + tokens[1] + "' (expected: an integer in [0, "
                        + idCount + "), as the header declares " + idCount + " ids)");
            }
            int byteSize = -1;
            if (kind != Trace.FREE) {
                byteSize = (int) number(tokens[2], Trace.MAX_BYTE_SIZE);
                if (byteSize < 0) {
                    throw new TraceFormatException(source, lineNo, "bytes: '" + tokens[2]
                            + "' (expected: an integer in [0, " + Trace.MAX_BYTE_SIZE + "])");
                }
            }
            if (id >= state.length) {
                state = Arrays.copyOf(state, (int) Math.min(idCount, Math.max(id + 1, 2L * state.length)));
            }
            int i = (int) id;
            if (kind == Trace.ALLOC && state[i] > 0) {
                throw new TraceFormatException(source, lineNo, "alloc of id " + id
                        + ", which is already allocated (at line " + state[i] + ")");
            }
            if (kind != Trace.ALLOC && state[i] <= 0) {
                throw new TraceFormatException(source, lineNo, (kind == Trace.FREE ? "free" : "realloc") + " of id "
                        + id + ", which is not allocated" + (state[i] < 0 ? " (freed at line " + -state[i] + ")" : ""));
            }
            state[i] = kind == Trace.FREE ? -lineNo : kind == Trace.ALLOC ? lineNo : state[i];
            ops.add(kind, i, byteSize, lineNo);
        }
        if (ops.count != declaredOps) {
            throw new TraceFormatException(source, 3, "the header says " + declaredOps + " ops, but the trace has "
                    + ops.count);
        }
        return new Trace(name, source, header[0], idCount, header[3], Arrays.copyOf(ops.kinds, ops.count),
                Arrays.copyOf(ops.ids, ops.count), Arrays.copyOf(ops.byteSizes, ops.count),
                Arrays.copyOf(ops.lines, ops.count));
    }

    /** {@return the decimal number {@code token} spells if it is in [0, max], else -1} */
    static long number(String token, long max) {
        if (token.isEmpty() || token.length() > 18) {
            return -1;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        long value = Long.parseLong(token);
        return value <= max ? value : -1;
    }

    /** Growable parallel arrays of the ops read so far. */
    private static final class Ops {
        byte[] kinds;
        int[] ids;
        int[] byteSizes;
        int[] lines;
        int count;

        Ops(int capacity) {
            kinds = new byte[capacity];
            ids = new int[capacity];
            byteSizes = new int[capacity];
            lines = new int[capacity];
        }

        void add(byte kind, int id, int byteSize, int line) {
            if (count == kinds.length) {
                int capacity = Math.max(16, 2 * count);
                kinds = Arrays.copyOf(kinds, capacity);
                ids = Arrays.copyOf(ids, capacity);
                byteSizes = Arrays.copyOf(byteSizes, capacity);
                lines = Arrays.copyOf(lines, capacity);
            }
            kinds[count] = kind;
            ids[count] = id;
            byteSizes[count] = byteSize;
            lines[count] = line;
            count++;
        }
    }
}
