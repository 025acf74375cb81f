package dev.jalloc.cli.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jalloc viz}: the demo, a trace at its peak and at a given op, the text twin, help and usage errors. */
class VizCommandTest {
    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = VizCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * {@return a trace: ids 0..199 allocated (sizes 16 B to 100 KiB), then the even ones freed; live bytes peak
     * after op 200}
     */
    static Path trace(Path dir, String name) throws IOException {
        StringBuilder ops = new StringBuilder();
        int n = 0;
        for (int id = 0; id < 200; id++, n++) {
            ops.append("a ").append(id).append(' ').append(16 << (id % 13)).append('\n');
        }
        for (int id = 0; id < 200; id += 2, n++) {
            ops.append("f ").append(id).append('\n');
        }
        return Files.writeString(dir.resolve(name), "0\n200\n" + n + "\n1\n" + ops, StandardCharsets.US_ASCII);
    }

    /** {@return the spans the page says it has, from the line the command prints} */
    static long spansWritten(String message) {
        Matcher m = Pattern.compile("\\((\\d+) runs, (\\d+) spans, \\d+ KiB\\)").matcher(message);
        assertTrue(m.find(), message);
        return Long.parseLong(m.group(2));
    }

    @Test
    void theDemoWritesAPage(@TempDir Path dir) throws IOException {
        Path page = dir.resolve("demo.html");
        Run demo = run("--demo", "--out", page.toString());
        assertEquals(0, demo.status(), demo.err());
        assertTrue(demo.out().startsWith("jalloc viz: wrote " + page.toAbsolutePath() + " ("), demo.out());
        String html = Files.readString(page);
        assertTrue(html.contains("<title>jalloc viz --demo: a shared heap"), "title");
        assertTrue(html.contains("\"shared\":true"));
        assertTrue(html.contains("\"huge\":[["), "huge mappings");
        for (int kind = 0; kind < 3; kind++) {   // SLAB, POOL, LARGE
            assertTrue(hasKind(html, kind), "kind " + kind);
        }
        // FREE or PURGED: which one depends on the heap's decay, which purges free pages in time
        assertTrue(hasKind(html, 4) || hasKind(html, 5), "free or purged pages");
        assertTrue(spansWritten(demo.out()) > 50);
        assertFalse(html.contains("http://") || html.contains("https://"));
    }

    @Test
    void aTraceIsDrawnAtItsPeakOrAtAnOp(@TempDir Path dir) throws IOException {
        Path trace = trace(dir, "steps.rep");
        Path page = dir.resolve("peak.html");
        Run peak = run("--trace", trace.toString(), "--out", page.toString());
        assertEquals(0, peak.status(), peak.err());
        assertEquals("", peak.err(), "no progress line off a terminal");
        String html = Files.readString(page);
        assertTrue(html.contains("<title>jalloc viz: steps.rep at op 200 of 300 (the peak of live bytes, "), html
                .substring(0, 1500));
        long atPeak = spansWritten(peak.out());

        Run end = run("--trace", trace.toString(), "--at", "300", "--out", page.toString());
        assertEquals(0, end.status(), end.err());
        assertTrue(Files.readString(page).contains("steps.rep at op 300 of 300</title>"));
        assertTrue(spansWritten(end.out()) < atPeak, "half the blocks freed: fewer spans");

        Run empty = run("--trace", trace.toString(), "--at", "0", "--shared", "--out", page.toString());
        assertEquals(0, empty.status(), empty.err());
        assertEquals(0, spansWritten(empty.out()));
        assertTrue(Files.readString(page).contains("at op 0 of 300, shared heap"));
    }

    @Test
    void textGoesToStdout(@TempDir Path dir) throws IOException {
        Path trace = trace(dir, "steps.rep");
        Run text = run("--trace", trace.toString(), "--at", "100", "--text");
        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().startsWith("jalloc viz: steps.rep at op 100 of 300\nheap at 0x"), text.out());
        assertTrue(text.out().contains("S/s slab  P/p pool"), text.out());
        assertTrue(text.out().contains("HeapStats[confined]"), text.out());
        Path page = dir.resolve("both.html");
        Run both = run("--demo", "--text", "--out", page.toString());
        assertEquals(0, both.status(), both.err());
        assertTrue(both.out().contains("HeapStats[shared]"));
        assertTrue(both.err().startsWith("jalloc viz: wrote "), "the message beside the text: " + both.err());
        assertTrue(Files.exists(page));
    }

    @Test
    void usageErrors(@TempDir Path dir) throws IOException {
        Path trace = trace(dir, "steps.rep");
        String page = dir.resolve("x.html").toString();
        assertUsage("give --demo or --trace FILE", "--out", page);
        assertUsage("--demo and --trace cannot go together", "--demo", "--trace", trace.toString(), "--out", page);
        assertUsage("--at goes with --trace", "--demo", "--at", "3", "--out", page);
        assertUsage("give --out PAGE.html, --text, or both", "--demo");
        assertUsage("--at: '-1' (expected: an integer from 0, an op count)", "--trace", trace.toString(), "--at",
                "-1", "--text");
        assertUsage("--at: '301' (expected: an integer in [0, 300], the trace's ops)", "--trace", trace.toString(),
                "--at", "301", "--text");
        assertUsage("--trace needs a value", "--text", "--trace");
        assertUsage("unknown option '--frobnicate'", "--demo", "--frobnicate");
        assertFalse(Files.exists(dir.resolve("x.html")), "nothing written");
    }

    @Test
    void traceErrors(@TempDir Path dir) throws IOException {
        Run missing = run("--trace", dir.resolve("none.rep").toString(), "--text");
        assertEquals(1, missing.status());
        assertEquals("jalloc viz: " + dir.resolve("none.rep") + ": no such file\n", missing.err());
        Path bad = Files.writeString(dir.resolve("bad.rep"), "0\n1\n1\n1\nf 0\n");
        Run malformed = run("--trace", bad.toString(), "--text");
        assertEquals(1, malformed.status());
        assertTrue(malformed.err().startsWith("jalloc viz: " + bad + ":5: "), malformed.err());
        Run unwritable = run("--demo", "--out", dir.resolve("no/such/dir/x.html").toString());
        assertEquals(1, unwritable.status());
        assertTrue(unwritable.err().contains(": cannot write: "), unwritable.err());
    }

    @Test
    void help() {
        Run help = run("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("Usage: jalloc viz [-h] [--demo] [--trace=FILE] [--at=OP] [--shared] "
                + "[--out=PAGE.html] [--text]"), help.out());
        for (String expected : new String[] {"draw a heap page by page", "--demo", "--trace=FILE", "--at=OP",
                "the peak of live bytes", "--out=PAGE.html", "--text", "colours: blue slab"}) {
            assertTrue(help.out().contains(expected), "help lacks '" + expected + "':\n" + help.out());
        }
    }

    private static boolean hasKind(String html, int kind) {
        return Pattern.compile("\\n?\\[\\d+,\\d+," + kind + ",").matcher(html).find();
    }

    private static void assertUsage(String problem, String... args) {
        Run r = run(args);
        assertEquals(2, r.status(), String.join(" ", args) + ": " + r.out());
        assertEquals("jalloc viz: " + problem + "\ntry 'jalloc viz --help'\n", r.err(), String.join(" ", args));
    }
}
