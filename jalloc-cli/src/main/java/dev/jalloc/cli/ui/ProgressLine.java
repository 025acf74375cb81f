package dev.jalloc.cli.ui;

import java.io.PrintStream;

/**
 * The progress line of a long command: one line on a terminal, rewritten in place ({@code '\r'}), at most
 * {@value #COLUMNS} columns, erased by {@link #clear()} before the command prints anything of its own. Or
 * {@link #OFF}, which shows nothing: a command asks {@link Terminal#isTerminal} (or its user) once, then calls
 * the same methods either way. Safe to call from several threads.
 */
public interface ProgressLine {
    /** The longest line shown: {@code '\r'} returns to the start of a line no wider than the terminal. */
    int COLUMNS = 79;

    /** Shows nothing. */
    ProgressLine OFF = new ProgressLine() {
        @Override
        public void show(String text) {
        }

        @Override
        public void update(String text) {
        }

        @Override
        public void clear() {
        }
    };

    /** {@return a progress line on {@code terminal}} */
    static ProgressLine on(PrintStream terminal) {
        return new TerminalProgressLine(terminal);
    }

    /** Shows {@code text} now, in place of the line shown (cut at {@value #COLUMNS} columns), unless it is shown. */
    void show(String text);

    /**
     * Shows {@code text} unless a line was shown less than a tenth of a second ago: for updates that may come
     * thousands of times a second, so that the terminal is not what the command waits for.
     */
    void update(String text);

    /** Erases the line shown, if any, leaving the cursor at the start of the empty line. */
    void clear();

    /** {@return {@code [####......]}: {@code fraction} (in [0, 1]) of {@code width} cells filled} */
    static String bar(double fraction, int width) {
        int filled = (int) Math.round(Math.clamp(fraction, 0.0, 1.0) * width);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }
}
