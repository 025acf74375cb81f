package dev.jalloc.cli.ui;

import java.io.PrintStream;

/** {@link ProgressLine} on a terminal: {@code '\r'}, the text, spaces over what remains of the line before. */
final class TerminalProgressLine implements ProgressLine {
    private static final long UPDATE_INTERVAL_NANOS = 100_000_000L;

    private final PrintStream terminal;
    /** The length of the line on the terminal now; 0 when none. */
    private int shown;
    private long shownAt;

    TerminalProgressLine(PrintStream terminal) {
        this.terminal = terminal;
    }

    @Override
    public synchronized void show(String text) {
        String line = text.length() > COLUMNS ? text.substring(0, COLUMNS) : text;
        terminal.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())) + "\r" + line);
        terminal.flush();
        shown = line.length();
        shownAt = System.nanoTime();
    }

    @Override
    public synchronized void update(String text) {
        if (shown == 0 || System.nanoTime() - shownAt >= UPDATE_INTERVAL_NANOS) {
            show(text);
        }
    }

    @Override
    public synchronized void clear() {
        if (shown > 0) {
            terminal.print("\r" + " ".repeat(shown) + "\r");
            terminal.flush();
            shown = 0;
        }
    }
}
