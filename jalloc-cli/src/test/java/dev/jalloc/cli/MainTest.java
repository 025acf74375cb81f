package dev.jalloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The {@code jalloc} command: usage, errors, and a demo that shows every growth mode at work. */
class MainTest {

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpAndUnknownCommands() {
        Run help = run("help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("demo"));
        assertTrue(help.out().contains("  replay       replay malloc-lab traces on jalloc and its peers"), help.out());
        assertTrue(help.out().contains("  plot         draw benchmark results as an SVG bar chart"), help.out());
        Run none = run();
        assertEquals(0, none.status());
        Run bad = run("frobnicate");
        assertEquals(2, bad.status());
        assertEquals("jalloc: unknown command 'frobnicate'\ntry 'jalloc --help'\n", bad.err());
    }

    @Test
    void plotIsInTheTreeAndItsCompletion() {
        Run help = run("plot", "--help");
        assertEquals(0, help.status(), help.err());
        assertTrue(help.out().startsWith("Usage: jalloc plot"), help.out());
        Run bad = run("plot", "--out");
        assertEquals(2, bad.status());
        assertEquals("jalloc plot: --out needs a value\ntry 'jalloc plot --help'\n", bad.err());
        String completion = run("completion").out();
        assertTrue(completion.contains("plot"), "completion knows plot");
        assertTrue(completion.contains("--scale") && completion.contains("\"linear\" \"log\" \"auto\""), "and its values");
    }

    @Test
    void sizeClassesPrintsTheTable() {
        Run classes = run("sizeclasses");
        assertEquals(0, classes.status());
        String out = classes.out();
        assertTrue(out.startsWith("class     size    kind      span  slots     tail max waste"), out);
        assertTrue(out.contains("    0       16   small      4096    256        0"), out);
        assertTrue(out.contains("large: above 32768 bytes"), out);
        assertTrue(run("help").out().contains("sizeclasses"));
    }

    @Test
    void theDemoShowsEveryGrowthModeAtWork() {
        Run demo = run("demo");
        assertEquals(0, demo.status());
        String out = demo.out();
        for (String expected : new String[] {
                "1. Fixed, over memory you own", "arena full: cannot push 8192 bytes",
                "2. Fixed, one OS block", "3. Chained", "a block of its own", "spares reused",
                "4. Virtual", "64 GiB", "addresses never move", "purged above retainBytes",
                "5. Virtual + chained", "next reservation", "6. Temps, and checked mode",
                "IllegalStateException", "temp closed out of order", "7. Scratch arenas", "Scratch.release(): 0 B",
                "8. Shared", "pos = 640000", "9. Large pages", "10. Vectors", "add() x 64,000,000",
                "still works after 64000x growth and sees the write: -1", "trimToSize(): pages given back",
                "11. A vector on an arena's tail", "holds this arena's tail", "still reads (99999, -99999)",
                "12. The heap", "heap.stats(): ", "1 large, 1 huge", "everything freed, heap.trim(): 0 blocks live, committed 0 B",
                "13. Best fit", "2 blocks live, 2 free blocks", "at the freed block's address",
                "14. A sub-lifetime", "10,000 blocks on the tail", "now throws IllegalStateException",
                "15. Threads", "0 live, 200,000 remote frees",
                "16. A leak report", "3 blocks (43 KiB) still live", "2 blocks, 40 KiB, allocated at",
                "HeapDemo.leakTwice(HeapDemo.java:", "HeapDemo.leaks(HeapDemo.java:", "closing the heap logs its report",
                "17. The heap's picture", "pages committed of", "S/s slab", "jalloc-demo-heap.html",
                "Examples: real programs on jalloc", "docs/EXAMPLES.md", "./jalloc bench SqliteBench",
                "Done in"}) {
            assertTrue(out.contains(expected), "demo output lacks '" + expected + "':\n" + out);
        }
        assertFalse(out.contains("unexpected"), out);
    }
}
