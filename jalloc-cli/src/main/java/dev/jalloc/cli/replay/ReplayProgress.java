package dev.jalloc.cli.replay;

/**
 * What a {@link ReplayEngine} says about its passes as they begin, for {@code jalloc replay}'s progress line
 * ({@link ReplayProgressLine}). Called on the thread that runs the pass, before the pass: never inside the
 * interval a timed pass measures.
 */
@FunctionalInterface
public interface ReplayProgress {
    /** Hears nothing. */
    ReplayProgress NONE = (trace, allocator, pass, passes) -> {
    };

    /**
     * A pass begins.
     *
     * @param trace the trace's name ({@code made-up} during the warm-up)
     * @param allocator the allocator's name
     * @param pass 0 for the checked pass, 1 to {@code passes} for the timed ones
     * @param passes the number of timed passes of this trace on this allocator
     */
    void passStarting(String trace, String allocator, int pass, int passes);
}
