package dev.jalloc.internal.heap;

/**
 * One decay's walk over a heap's free spans, for {@link PageStore}: it purges, within a budget of pages, the pages
 * that were free at the previous decay too, and marks every page free now, for the next.
 *
 * <pre>
 *   old   one bit per page: free at the previous decay      (only these are purged)
 *   now   one bit per page: free now                        (the next decay's old)
 * </pre>
 * Not thread-safe: the page store runs it under its own confinement.
 */
final class DecayWalk {
    private final BestFitRegion space;
    /** Pages free at the last decay, and pages free now. */
    final long[] old;
    final long[] now;
    /** Pages it may still purge. */
    long budget;
    /** Pages freed since the last decay, and old ones skipped for want of budget. */
    long young;
    long skipped;

    DecayWalk(BestFitRegion space, long[] old, long[] now, long budget) {
        this.space = space;
        this.old = old;
        this.now = now;
        this.budget = budget;
    }

    /** Purges what the budget allows of the old pages of the free span at {@code start}, marks it all free. */
    void span(long start, long size) {
        long to = start + size;
        long run = -1;
        for (long p = start; p < to; p++) {
            now[(int) (p >>> 6)] |= 1L << p;
            boolean wasFree = (p >>> 6) < old.length && (old[(int) (p >>> 6)] & (1L << p)) != 0;
            if (wasFree && (run < 0 ? 0 : p - run) < budget) {
                if (run < 0) {
                    run = p;
                }
                continue;
            }
            if (run >= 0) {
                purge(run, p);
                run = -1;
            }
            if (wasFree) {
                skipped++;
            } else {
                young++;
            }
        }
        if (run >= 0) {
            purge(run, to);
        }
    }

    private void purge(long from, long to) {
        budget -= Math.min(budget, space.purgeFree(from, to) >>> PageStore.PAGE_SHIFT);
    }
}
