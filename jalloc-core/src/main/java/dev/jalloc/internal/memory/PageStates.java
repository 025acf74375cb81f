package dev.jalloc.internal.memory;

import dev.jalloc.OutOfNativeMemoryError;
import java.lang.foreign.MemorySegment;
import dev.jalloc.internal.util.Bitmaps;
import java.util.Arrays;

/**
 * The state of each OS page of a {@link Region}'s committed prefix, for allocators that free memory in the middle
 * (the heap, best fit): whether it is <em>purged</em> (a hole: the OS took it back, it reads as zero) and whether it
 * is <em>dirty</em> (handed out since it was last committed or purged, so it may hold old bytes).
 *
 * <pre>
 *   OS page     0     1     2     3     4     5   ...   (of the region's address space, from its first page)
 *   purged      0     0     1     1     0     0         a hole: recommitted before it is handed out again
 *   dirty       1     1     0     0     1     0         zeroing skips clean pages: fresh memory is zero already
 * </pre>
 * Offsets are bytes from the region's start; pages are OS pages of the address space, so a region that does not
 * start on a page boundary (a tail of an arena) never purges the page it shares with the arena: only pages lying
 * wholly inside a range are purged. Memory the region does not own (the caller's, a mapped file) is never purged.
 * Not thread-safe: the allocator guards it.
 */
public final class PageStates {
    private final Region region;
    private final long base;
    private final int shift;
    private final long page;
    private final long firstPage;
    private long[] purged = new long[1];
    private long[] dirty = new long[1];
    private long purgedPages;

    public PageStates(Region region) {
        this.region = region;
        this.base = region.address();
        this.page = region.osPageSize();
        this.shift = Long.numberOfTrailingZeros(page);
        this.firstPage = base >>> shift;
        markDirty(0, Math.min(region.cleanFrom(), region.reservedBytes()));
    }

    /** {@return the OS page size} */
    public long pageSize() {
        return page;
    }

    /** {@return the bytes of purged pages inside the prefix: committed bytes that the OS does not charge} */
    public long purgedBytes() {
        return purgedPages << shift;
    }

    private long pageOf(long offset) {
        return ((base + offset) >>> shift) - firstPage;
    }

    private void ensure(long pages) {
        int words = (int) ((pages + 63) >>> 6);
        if (words > purged.length) {
            int n = Math.max(words, purged.length + (purged.length >> 1));
            purged = Arrays.copyOf(purged, n);
            dirty = Arrays.copyOf(dirty, n);
        }
    }

    /**
     * Makes {@code [from, to)} usable: commits again the purged pages it touches (they read as zero afterwards).
     *
     * @throws OutOfNativeMemoryError if the OS refuses; the pages are as they were
     */
    public void ensureCommitted(long from, long to) {
        if (purgedPages == 0 || from >= to) {
            return;
        }
        long first = pageOf(from);
        long end = Math.min(pageOf(to - 1) + 1, (long) purged.length << 6);
        // Commit every run first and change the bits only when all succeeded: a refusal is undone by purging the
        // runs committed before it, which the unchanged bits still name.
        long[] committedUpTo = {first};
        try {
            forEachRun(purged, first, end, (run, runEnd) -> {
                region.recommit(offsetOf(run), (runEnd - run) << shift);
                committedUpTo[0] = runEnd;
            });
        } catch (OutOfNativeMemoryError e) {
            forEachRun(purged, first, committedUpTo[0],
                    (run, runEnd) -> region.purge(offsetOf(run), (runEnd - run) << shift));
            throw e;
        }
        forEachRun(purged, first, end, (run, runEnd) -> purgedPages -= runEnd - run);
        Bitmaps.clearRange(purged, first, end);
    }

    /** What to do with a run of pages. */
    @FunctionalInterface
    private interface RunAction {
        void run(long first, long end);
    }

    /** Calls {@code action} for every maximal run of set bits of {@code bits} in {@code [from, end)}. */
    private static void forEachRun(long[] bits, long from, long end, RunAction action) {
        for (long p = Bitmaps.nextSet(bits, from, end); p < end; ) {
            long runEnd = Bitmaps.nextClear(bits, p, end);
            action.run(p, runEnd);
            p = Bitmaps.nextSet(bits, runEnd, end);
        }
    }

    private long offsetOf(long pageIndex) {
        return ((firstPage + pageIndex) << shift) - base;
    }

    /** Marks {@code [from, to)} handed out: its pages may hold the caller's bytes from now on. */
    public void markDirty(long from, long to) {
        if (from >= to) {
            return;
        }
        long first = pageOf(from);
        long end = pageOf(to - 1) + 1;
        ensure(end);
        Bitmaps.setRange(dirty, first, end);
    }

    /**
     * Zeroes {@code [from, to)} of {@code mem} (a segment over the region from its start) where it lies on dirty
     * pages, and marks it dirty: fresh pages are zero already and are not written (a huge span of just-committed
     * memory costs nothing to "zero").
     */
    public void zeroDirty(MemorySegment mem, long from, long to) {
        if (from >= to) {
            return;
        }
        long first = pageOf(from);
        long end = pageOf(to - 1) + 1;
        ensure(end);
        forEachRun(dirty, first, end, (run, runEnd) -> {
            long a = Math.max(from, offsetOf(run));
            long b = Math.min(to, offsetOf(runEnd));
            mem.asSlice(a, b - a).fill((byte) 0);
        });
        markDirty(from, to);
    }

    /**
     * Purges the pages lying wholly inside the free range {@code [from, to)} that are not purged yet (none if the
     * region does not own its memory). {@return the bytes purged}
     */
    public long purgeFree(long from, long to) {
        long first = ((base + from + page - 1) >>> shift) - firstPage;
        long end = ((base + to) >>> shift) - firstPage;
        if (first >= end || !region.ownsMemory()) {
            return 0;
        }
        ensure(end);
        long done = 0;
        for (long p = Bitmaps.nextClear(purged, first, end); p < end; ) {
            long runEnd = Bitmaps.nextSet(purged, p, end);
            if (!region.purge(offsetOf(p), (runEnd - p) << shift)) {
                return done << shift;
            }
            Bitmaps.setRange(purged, p, runEnd);
            Bitmaps.clearRange(dirty, p, runEnd);
            purgedPages += runEnd - p;
            done += runEnd - p;
            p = Bitmaps.nextClear(purged, runEnd, end);
        }
        return done << shift;
    }

    /**
     * Forgets the holes at and above {@code keep}, which leave the prefix when it shrinks to {@code keep} (the region
     * purges what lies there, so it reads as zero: the pages are clean). Only for a region that owns its memory.
     * {@return their bytes}, which the region must not count again when it purges above {@code keep}
     */
    public long forgetAbove(long keep) {
        long from = Math.max(0, ((base + keep + page - 1) >>> shift) - firstPage);
        long capacity = (long) purged.length << 6;
        long[] n = {0};
        forEachRun(purged, from, capacity, (run, runEnd) -> n[0] += runEnd - run);
        Bitmaps.clearRange(purged, from, capacity);
        Bitmaps.clearRange(dirty, from, capacity);
        purgedPages -= n[0];
        return n[0] << shift;
    }

    /** {@return whether the OS page holding byte {@code offset} of the region is purged} */
    public boolean isPurged(long offset) {
        long p = pageOf(offset);
        return p >= 0 && p < (long) purged.length << 6 && Bitmaps.get(purged, p);
    }

    /**
     * {@return the offset of the first purged page, or -1 if there is none}: a region going back to an arena purges
     * from there up ({@link Region#purgeAbove}), so that the arena's committed prefix has no holes.
     */
    public long firstHole() {
        for (int w = 0; w < purged.length; w++) {
            if (purged[w] != 0) {
                return offsetOf(((long) w << 6) + Long.numberOfTrailingZeros(purged[w]));
            }
        }
        return -1;
    }
}
