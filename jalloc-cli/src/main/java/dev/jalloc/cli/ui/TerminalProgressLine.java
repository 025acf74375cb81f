package dev.jalloc.cli.ui;

import java.io.PrintStream;

/** {@link ProgressLine} on a terminal: {@code '\r'}, the text, spaces over what remains of the line before. */
final class TerminalProgressLine implements ProgressLine {
    private static final long UPDATE_INTERVAL_NANOS = 100_000_000L;

    private final PrintStream terminal;
    /** The line on the terminal now; empty when none. */
    private String shown = "";
    private long shownAt;

    TerminalProgressLine(PrintStream terminal) {
        this.terminal = terminal;
    }

    @Override
    public synchronized void show(String text) {
        String line = text.length() > COLUMNS ? text.substring(0, COLUMNS) : text;
        if (!line.equals(shown)) {
            terminal.print("\r" + line + " ".repeat(Math.max(0, shown.length() - line.length())) + "\r" + line);
            terminal.flush();
            shown = line;
            shownAt = System.nanoTime();
        }
    }

    @Override
    public synchronized void update(String text) {
        if (shown.isEmpty() || System.nanoTime() - shownAt >= UPDATE_INTERVAL_NANOS) {
            show(text);
        }
    }

    @Override
    public synchronized void clear() {
        if (!shown.isEmpty()) {
            terminal.print("\r" + " ".repeat(shown.length()) + "\r");
            terminal.flush();
            shown = "";
        }
    }
}
