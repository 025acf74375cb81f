package dev.jalloc.internal.hardened;

import dev.jalloc.heap.Hardening;
import dev.jalloc.internal.heap.SizeClasses;
import java.util.OptionalInt;

/**
 * What a hardening level turns on, in numbers: the one place that maps {@link Hardening} to protections (the table
 * in its javadoc says the same).
 *
 * @param zeroOnFree        freed slots zeroed, freed large payloads zeroed or purged: every free byte reads zero
 * @param canaries          8 bytes after each slot's usable bytes, checked at free
 * @param checkReuse        a slot handed out again must still be zero (needs {@code zeroOnFree})
 * @param shuffle           each refill of a size class's cache is shuffled: slots are handed out in random order
 * @param slotRandom        entries of the slot quarantine's random part, per size class
 * @param slotRing          entries of its FIFO part, per size class: a slot comes back after this many frees of its
 *                          class at least
 * @param slotBytes         the most bytes it holds, shared evenly by the classes (which cuts the lengths of the
 *                          largest)
 * @param largeRandom       entries of the large quarantine's random part
 * @param largeRing         entries of its FIFO part
 * @param largeBytes        the most bytes it holds (zeroed below 1 MiB, purged from it)
 * @param guardedFrom       requests from this size get a mapping of their own between guard pages
 * @param randomSpans       a new slab, pool or large span takes one of the few best-fitting free spans at random
 * @param guardSlabInterval every how many new slabs and pools one ends directly before a guard page; 0 for none
 * @param checkedLifetimes  each segment handed out dies at its free
 */
record Policy(boolean zeroOnFree, boolean canaries, boolean checkReuse, boolean shuffle, int slotRandom,
        int slotRing, long slotBytes, int largeRandom, int largeRing, long largeBytes, long guardedFrom,
        boolean randomSpans, int guardSlabInterval, boolean checkedLifetimes) {

    /** No request is guarded. */
    static final long NEVER = Long.MAX_VALUE;

    /** A request of n bytes takes a slot of at least n + CANARY bytes where canaries are on. */
    static final int CANARY = 8;

    /**
     * {@return what {@code level} turns on}
     *
     * @param guardSlabInterval the builder's interval, if it set one; else the level's: every slab and pool at
     *                          {@code STANDARD} and {@code FULL}, none below
     */
    static Policy of(Hardening level, boolean checkedLifetimes, OptionalInt guardSlabInterval) {
        int guards = guardSlabInterval.orElse(level == Hardening.STANDARD || level == Hardening.FULL ? 1 : 0);
        return switch (level) {
            case NONE -> new Policy(false, false, false, false, 0, 0, 0, 0, 0, 0, NEVER, false, guards,
                    checkedLifetimes);
            case LIGHT -> new Policy(true, true, false, false, 0, 0, 0, 0, 0, 0, NEVER, false, guards,
                    checkedLifetimes);
            case STANDARD -> new Policy(true, true, true, true, 8, 8, 8L << 20, 8, 8, 64L << 20, 128 << 10,
                    true, guards, checkedLifetimes);
            case FULL -> new Policy(true, true, true, true, 128, 128, 64L << 20, 32, 32, 256L << 20,
                    SizeClasses.MEDIUM_MAX + 1, true, guards, true);
        };
    }
}
