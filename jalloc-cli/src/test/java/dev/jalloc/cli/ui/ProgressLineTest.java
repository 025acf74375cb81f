package dev.jalloc.cli.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress line's bytes: rewritten in place, padded over a longer line, cut at 79 columns, erased. */
class ProgressLineTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream terminal = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String written() {
        String text = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        return text;
    }

    @Test
    void aLineIsRewrittenInPlaceAndErased() {
        ProgressLine line = ProgressLine.on(terminal);
        line.show("replay 1/2 long.rep");
        assertEquals("\rreplay 1/2 long.rep\rreplay 1/2 long.rep", written());
        line.show("replay 2/2 x");
        assertEquals("\rreplay 2/2 x       \rreplay 2/2 x", written(), "spaces over the longer line's end");
        line.show("replay 2/2 x");
        assertEquals("", written(), "the line shown is not written again");
        line.clear();
        assertEquals("\r            \r", written());
        line.clear();
        assertEquals("", written(), "nothing to erase");
        line.update("first since the clear");
        assertEquals("\rfirst since the clear\rfirst since the clear", written(), "an update after a clear shows");
    }

    @Test
    void aLineIsCutAtSeventyNineColumns() {
        ProgressLine line = ProgressLine.on(terminal);
        line.show("x".repeat(200));
        assertEquals("\r" + "x".repeat(79) + "\r" + "x".repeat(79), written());
    }

    @Test
    void offShowsNothing() {
        ProgressLine.OFF.show("a");
        ProgressLine.OFF.update("b");
        ProgressLine.OFF.clear();
        assertEquals("", written());
    }

    @Test
    void theBar() {
        assertEquals("[..........]", ProgressLine.bar(0, 10));
        assertEquals("[###.......]", ProgressLine.bar(0.3, 10));
        assertEquals("[##########]", ProgressLine.bar(1, 10));
        assertEquals("[##########]", ProgressLine.bar(1.5, 10));
    }

    @Test
    void aStreamOtherThanStdoutOrStderrIsNoTerminal() {
        assertFalse(Terminal.isTerminal(terminal));
    }
}
