package dev.jalloc.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading traces: a legal one in full, and one test per kind of mistake, each naming the file and line. */
class TraceParserTest {
    @TempDir
    Path dir;

    @Test
    void aLegalTraceIsReadInFull() throws IOException {
        Trace trace = TraceParser.parse(Traces.write(dir, "legal.rep",
                "20000\r", "3", "7", "1  ", "a 0 16\r", "", "a 1\t0", "  r 0 32  ", "f 0", "", "a 0 8", "f 1",
                "f 0", ""));
        assertEquals("legal.rep", trace.name());
        assertEquals(dir.resolve("legal.rep").toString(), trace.source());
        assertEquals(20000, trace.suggestedHeapSize());
        assertEquals(3, trace.idCount());
        assertEquals(1, trace.weight());
        assertEquals(7, trace.opCount());
        assertEquals(1, trace.maxId());
        assertEquals(32, trace.maxByteSize());
        byte[] kinds = {Trace.ALLOC, Trace.ALLOC, Trace.REALLOC, Trace.FREE, Trace.ALLOC, Trace.FREE, Trace.FREE};
        int[] ids = {0, 1, 0, 0, 0, 1, 0};
        int[] sizes = {16, 0, 32, -1, 8, -1, -1};
        int[] lines = {5, 7, 8, 9, 11, 12, 13};
        for (int op = 0; op < trace.opCount(); op++) {
            assertEquals(kinds[op], trace.kind(op), "kind of op " + op);
            assertEquals(ids[op], trace.id(op), "id of op " + op);
            assertEquals(sizes[op], trace.byteSize(op), "size of op " + op);
            assertEquals(lines[op], trace.line(op), "line of op " + op);
        }
        assertEquals(trace.source() + ":8", trace.where(2));
    }

    @Test
    void anEmptyTraceIsLegal() throws IOException {
        Trace trace = TraceParser.parse("empty", "empty", new StringReader("0\n0\n0\n0\n"));
        assertEquals(0, trace.opCount());
        assertEquals(-1, trace.maxId());
    }

    static List<Arguments> mistakes() {
        String header = "0\n5\n%d\n1\n";
        return List.of(
                Arguments.of("", 1, "missing header line: suggested heap size (a trace starts with four lines: "
                        + "suggested heap size, number of ids, number of ops, weight)"),
                Arguments.of("0\n5\n", 3, "missing header line: number of ops (a trace starts with four lines: "
                        + "suggested heap size, number of ids, number of ops, weight)"),
                Arguments.of("0\nfive\n1\n1\n", 2, "number of ids: 'five' (expected: one integer in "
                        + "[0, 2147483647]) (a trace starts with four lines: suggested heap size, number of ids, "
                        + "number of ops, weight)"),
                Arguments.of("-1\n5\n1\n1\n", 1, "suggested heap size: '-1' (expected: one integer in "
                        + "[0, 9223372036854775807]) (a trace starts with four lines: suggested heap size, "
                        + "number of ids, number of ops, weight)"),
                Arguments.of("0\n5\n1 2\n1\n", 3, "number of ops: '1 2' (expected: one integer in "
                        + "[0, 2147483647]) (a trace starts with four lines: suggested heap size, number of ids, "
                        + "number of ops, weight)"),
                Arguments.of(header.formatted(1) + "m 0 8\n", 5,
                        "unknown op 'm' (expected: a ID BYTES, f ID or r ID BYTES)"),
                Arguments.of(header.formatted(1) + "a 0\n", 5, "'a 0' has 1 operand (expected: a ID BYTES)"),
                Arguments.of(header.formatted(2) + "a 0 8\nf 0 8\n", 6, "'f 0 8' has 2 operands (expected: f ID)"),
                Arguments.of(header.formatted(1) + "r\n", 5, "'r' has 0 operands (expected: r ID BYTES)"),
                Arguments.of(header.formatted(1) + "a x 8\n", 5,
                        "id: 'x' (expected: an integer in [0, 5), as the header declares 5 ids)"),
                Arguments.of(header.formatted(1) + "a -1 8\n", 5,
                        "id: '-1' (expected: an integer in [0, 5), as the header declares 5 ids)"),
                Arguments.of(header.formatted(1) + "a 5 8\n", 5,
                        "id: '5' (expected: an integer in [0, 5), as the header declares 5 ids)"),
                Arguments.of(header.formatted(1) + "a 0 8.5\n", 5,
                        "bytes: '8.5' (expected: an integer in [0, 1073741824])"),
                Arguments.of(header.formatted(1) + "a 0 1073741825\n", 5,
                        "bytes: '1073741825' (expected: an integer in [0, 1073741824])"),
                Arguments.of(header.formatted(3) + "a 3 8\nf 3\nr 3 16\n", 7,
                        "realloc of id 3, which is not allocated (freed at line 6)"),
                Arguments.of(header.formatted(2) + "a 3 8\na 3 16\n", 6,
                        "alloc of id 3, which is already allocated (at line 5)"),
                Arguments.of(header.formatted(1) + "f 3\n", 5, "free of id 3, which is not allocated"),
                Arguments.of(header.formatted(3) + "a 3 8\nf 3\nf 3\n", 7,
                        "free of id 3, which is not allocated (freed at line 6)"),
                Arguments.of(header.formatted(1) + "r 2 8\n", 5, "realloc of id 2, which is not allocated"),
                Arguments.of(header.formatted(1) + "a 0 8\n\nf 0\n", 7, "op 2, but the header says 1 ops (line 3)"),
                Arguments.of(header.formatted(3) + "a 0 8\nf 0\n", 3, "the header says 3 ops, but the trace has 2"));
    }

    @ParameterizedTest(name = "line {1}: {2}")
    @MethodSource("mistakes")
    void everyMistakeIsReportedWithItsFileAndLine(String text, int line, String problem) throws IOException {
        Path file = Files.writeString(dir.resolve("bad.rep"), text);
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceParser.parse(file));
        assertEquals(file + ":" + line + ": " + problem, e.getMessage());
        assertEquals(file.toString(), e.source());
        assertEquals(line, e.line());
    }

    @Test
    void theIssuesExampleMessage() {
        Path file = Traces.write(dir, "realloc-bal.rep", "0", "4", "13", "1",
                "a 0 8", "a 1 8", "a 2 8", "a 3 8", "f 0", "f 1", "f 2", "r 3 16", "f 3", "a 0 8", "a 1 8", "a 2 8",
                "f 3");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceParser.parse(file));
        assertEquals(file + ":17: free of id 3, which is not allocated (freed at line 13)", e.getMessage());
    }
}
