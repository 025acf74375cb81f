package dev.jalloc.internal.heap;

import dev.jalloc.internal.util.Bitmaps;
import dev.jalloc.internal.util.Bits;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * A hardened heap's guard pages after slabs and pools: every {@code interval}-th new slab or pool ends directly
 * before a guard, so that a linear overflow off its end (by native code, or through a raw address) faults at once.
 * A guard is one OS page (one heap page; four or sixteen where the OS page is 16 or 64 KiB), an allocated block of
 * its own in the page map, decommitted ({@link dev.jalloc.internal.memory.Region#guard}): reserved address space,
 * neither charged nor free, and never handed out, freed, merged, purged, recommitted or grown into.
 *
 * <pre>
 *   pages  [slab][G][pool.......][G][ free ....][G][large......][slab] ... [fresh: never handed out ...
 *          G: a guard (its pages marked GUARD in the page map)              every new guard is carved here
 *
 *   a guarded span of n pages goes, in this order of preference,
 *     reuse  the last n pages of a free span that ends at a guard: of the WALK best-fitting free spans (the best
 *            fit and its successors in the free tree), one of the first CHOICES that end at a guard, at random
 *            where placement is random, else the best fitting
 *     carve  at fresh, rounded up so that the span ends on an OS page, with a new guard directly after it
 *     none   where best fit puts it, without a guard: the process's budget of guards is spent, or the region
 *            cannot grow so far
 * </pre>
 * A span freed before its guard leaves a free span of its size there, which a later span of that size fits best:
 * a heap whose live set stays bounded reuses its guards and makes few new ones as it churns.
 *
 * <p><b>Why only fresh pages.</b> A segment over a payload is a slice of the region's, and a program may keep one after
 * the free: a Java access through it to a page made inaccessible would crash the JVM. Pages at and above
 * {@code fresh} were never handed out, so no segment, live or stale, ever covered them; and a guard is never handed
 * out afterwards.
 *
 * <p><b>Why a budget.</b> Each guard splits the region's mapping: a guard costs up to two of the process's mappings,
 * and Linux allows 65,530 by default ({@code vm.max_map_count}), beyond which every {@code mmap} and
 * {@code mprotect} fails, the JVM's own included (which can end it). The guards of all heaps of the process share a
 * budget of {@value #BUDGET} (at most half that limit); once it is spent, new slabs and pools go without new guards
 * (the ones there keep being reused) and a warning is logged once. A closed heap gives its guards back. Not
 * thread-safe: the heap guards it.
 */
final class SlabGuards {
    /** The most guards all heaps of the process hold at once: each costs up to two mappings. */
    static final long BUDGET = 16_384;
    /** Best-fitting free spans a placement looks at for one that ends at a guard, before it carves a new guard. */
    private static final int WALK = 16;
    /** Of those that end at a guard, how many a random placement chooses among. */
    private static final int CHOICES = 4;
    private static final AtomicLong PROCESS_GUARDS = new AtomicLong();
    private static final System.Logger LOG = System.getLogger("dev.jalloc.heap");
    private static volatile boolean budgetLogged;

    private final BestFitRegion space;
    private final BestFit fit;
    private final int interval;
    /** Heap pages per guard: one OS page. */
    private final long guardPages;
    /** Chooses among the free spans before guards; null: the best fitting. */
    private final RandomGenerator random;
    private int sinceGuard;
    /** Pages at and above it were never handed out. */
    private long fresh;
    /** One bit per page: a guard starts here. */
    private long[] guardBits = new long[1];
    private long guards;
    /** Scratch of {@link #reuse}: the best-fitting free spans, and the ends of those that end at a guard. */
    private final long[] fitStarts = new long[WALK];
    private final long[] fitSizes = new long[WALK];
    private final long[] guardsAfter = new long[CHOICES];

    /**
     * @param interval   every how many new slabs and pools one gets a guard, at least 1
     * @param guardPages heap pages per guard: the OS page in heap pages
     * @param random     chooses among the free spans before guards; null for the best fitting
     */
    SlabGuards(BestFitRegion space, int interval, long guardPages, RandomGenerator random) {
        this.space = space;
        this.fit = space.fit();
        this.interval = interval;
        this.guardPages = guardPages;
        this.random = random;
    }

    /** {@return whether the next new slab or pool is one that gets a guard: every {@code interval}-th} */
    boolean due() {
        if (++sinceGuard < interval) {
            return false;
        }
        sinceGuard = 0;
        return true;
    }

    /** Notes that the pages below {@code end} were handed out (a span allocated or grown): they never become guards. */
    void handedOut(long end) {
        fresh = Math.max(fresh, end);
    }

    /** {@return whether a guard starts at page {@code p}} */
    boolean isGuard(long p) {
        return p >= 0 && p < (long) guardBits.length << 6 && Bitmaps.get(guardBits, p);
    }

    /** {@return the heap pages of each guard} */
    long guardPages() {
        return guardPages;
    }

    /** {@return the guards this heap holds} */
    long count() {
        return guards;
    }

    /**
     * {@return the first page of a committed span of {@code n} pages that ends directly before a guard, or -1 if
     * there is none to be had (the budget is spent, the region full): the caller places the span without one}
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses memory or the guard; nothing changed
     */
    long place(long n) {
        long p = reuse(n);
        return p >= 0 ? p : carve(n);
    }

    /** {@return a span of {@code n} pages before a guard already there, or -1 if no free span looked at ends at one} */
    private long reuse(long n) {
        int found = fit.smallestFitting(n, fitStarts, fitSizes);
        int before = 0;
        for (int i = 0; i < found && before < CHOICES; i++) {
            if (isGuard(fitStarts[i] + fitSizes[i])) {
                guardsAfter[before++] = fitStarts[i] + fitSizes[i];
            }
        }
        if (before == 0) {
            return -1;
        }
        long g = guardsAfter[random != null ? random.nextInt(before) : 0];
        space.allocateAt(g - n, n);   // inside the blocks: no growth
        return g - n;
    }

    /** {@return a span of {@code n} pages carved at {@code fresh} with a new guard after it, or -1} */
    private long carve(long n) {
        if (PROCESS_GUARDS.incrementAndGet() > BUDGET) {
            PROCESS_GUARDS.decrementAndGet();
            logBudgetSpent();
            return -1;
        }
        long s = Bits.alignUp(fresh + n, guardPages) - n;
        long g = s + n;
        boolean placed = false;
        try {
            placed = space.allocateAt(s, n) && guardAfter(s, g);
        } finally {
            if (!placed) {
                PROCESS_GUARDS.decrementAndGet();
            }
        }
        if (!placed) {
            return -1;
        }
        guardBits = cover(guardBits, g);
        Bitmaps.set(guardBits, g);
        guards++;
        fresh = g + guardPages;
        return s;
    }

    /**
     * Makes the fresh pages at {@code g} a guard, after the span just placed at {@code s}. {@return false if the
     * region cannot grow so far} The span is freed again if the guard could not be made.
     */
    private boolean guardAfter(long s, long g) {
        boolean allocated = false;
        boolean guarded = false;
        try {
            allocated = space.allocateAt(g, guardPages);
            if (allocated) {
                space.guard(g, g + guardPages);
                guarded = true;
            }
        } finally {
            if (allocated && !guarded) {
                space.free(g);   // still accessible: the OS refused to decommit it
            }
            if (!guarded) {
                space.free(s);
            }
        }
        return guarded;
    }

    private static long[] cover(long[] bits, long p) {
        int words = (int) (p >>> 6) + 1;
        return words <= bits.length ? bits : Arrays.copyOf(bits, Math.max(words, bits.length + (bits.length >> 1)));
    }

    private static void logBudgetSpent() {
        if (!budgetLogged) {
            budgetLogged = true;
            LOG.log(System.Logger.Level.WARNING, "the process holds " + BUDGET + " guard pages after slabs, its "
                    + "budget (each costs up to two of the kernel's mappings): new slabs and pools go without one");
        }
    }

    /**
     * Checks that every guard is an allocated block of {@link #guardPages()} pages below {@code fresh}, and the count.
     *
     * @throws IllegalStateException naming the first violation
     */
    void check() {
        long found = 0;
        for (long g = Bitmaps.nextSet(guardBits, 0, (long) guardBits.length << 6); g < (long) guardBits.length << 6;
                g = Bitmaps.nextSet(guardBits, g + 1, (long) guardBits.length << 6)) {
            found++;
            if (!fit.isAllocated(g) || fit.sizeOf(g) != guardPages || g + guardPages > fresh) {
                throw new IllegalStateException("heap: the guard at page " + g + " is not an allocated block of "
                        + guardPages + " pages below the fresh pages at " + fresh);
            }
        }
        if (found != guards) {
            throw new IllegalStateException("heap: " + found + " guards marked, " + guards + " counted");
        }
    }

    /** Gives this heap's guards back to the process's budget, once: the region goes, and its guards with it. */
    void release() {
        PROCESS_GUARDS.addAndGet(-guards);
        guards = 0;
    }
}
