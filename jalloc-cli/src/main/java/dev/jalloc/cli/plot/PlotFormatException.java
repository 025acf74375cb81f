package dev.jalloc.cli.plot;

/**
 * A results file that cannot be read as the table it claims to be, or a set of them that does not make one chart:
 * the message names the file and the line where it can, in the project's format
 * ({@code heap.csv:4: Score: 'fast' (expected: a number)}). The command prints it and exits 1.
 */
public final class PlotFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A problem at line {@code line} (from 1) of {@code file}. */
    PlotFormatException(String file, long line, String problem) {
        super(file + ":" + line + ": " + problem);
    }

    /** A problem with no one line to blame. */
    PlotFormatException(String problem) {
        super(problem);
    }
}
