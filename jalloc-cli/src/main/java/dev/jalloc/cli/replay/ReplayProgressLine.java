package dev.jalloc.cli.replay;

import dev.jalloc.cli.ui.ProgressLine;

/**
 * {@code jalloc replay}'s progress line: the rows of the table made so far as a bar and a count, the trace and
 * allocator of the row being made, and its pass.
 * <pre>
 *   replay [###.......] 3/12 amptjp-bal.rep, jemalloc: timed pass 2/5
 *   replay [..........] 0/12 warming up: mimalloc, pass 1/2
 * </pre>
 * A row begins with its checked pass: each one is shown; the passes within a row are shown at most ten times a
 * second.
 */
final class ReplayProgressLine implements ReplayProgress {
    private static final int BAR = 10;
    private static final int TRACE_NAME = 24;

    private final ProgressLine line;
    private final int rows;
    /** The row being made, from 1; 0 while warming up. */
    private int row;

    /** A progress line on {@code line} over a table of {@code rows} rows. */
    ReplayProgressLine(ProgressLine line, int rows) {
        this.line = line;
        this.rows = rows;
    }

    /** The warm-up begins, on {@code allocators} allocators. */
    synchronized void warmingUp(int allocators) {
        line.show(prefix(0) + "warming up on " + allocators + (allocators == 1 ? " allocator" : " allocators"));
    }

    @Override
    public synchronized void passStarting(String trace, String allocator, int pass, int passes) {
        if (pass == 0) {
            row++;
            line.show(prefix(0) + shorten(trace) + ", " + allocator + ": checked pass");
        } else if (row == 0) {
            line.update(prefix(0) + "warming up: " + allocator + ", pass " + pass + "/" + passes);
        } else {
            line.update(prefix(pass / (passes + 1.0)) + shorten(trace) + ", " + allocator + ": timed pass " + pass
                    + "/" + passes);
        }
    }

    /** Erases the line (before the command prints a line of its own, and at its end). */
    void clear() {
        line.clear();
    }

    /** {@code replay [###.......] 3/12 }, the current row {@code rowDone} done */
    private String prefix(double rowDone) {
        double done = row == 0 ? 0 : (row - 1 + rowDone) / rows;
        return "replay " + ProgressLine.bar(done, BAR) + " " + row + "/" + rows + " ";
    }

    private static String shorten(String trace) {
        return trace.length() <= TRACE_NAME ? trace : "..." + trace.substring(trace.length() - TRACE_NAME + 3);
    }
}
