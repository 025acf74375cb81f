package dev.jalloc.internal.heap;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.internal.memory.Mapping;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.memory.Reservation;
import dev.jalloc.internal.memory.Usage;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one owner of a heap's memory: its page spans (a {@link BestFitRegion} of 4 KiB heap pages over the heap's
 * region), their commits, purges and decay, and the huge mappings, each with the lifetime of its segments; every
 * byte the heap holds from the OS is counted here.
 *
 * <pre>
 *   region (own reservation or an arena's tail)              huge mappings (one reservation each)
 *   [slab][pool........][large.....][free][slab] ...  | ... [ mapping: scope + reservation ]  address -> mapping
 *   heap page = 4 KiB whatever the OS page: commits, purges and recommits are whole OS pages (4, 16 or 64 KiB)
 * </pre>
 * Free spans stay charged until more than {@value #DECAY_MIN} bytes (and an eighth of the footprint) of them are;
 * then, at most once per {@value #DECAY_INTERVAL_NANOS} ns, the pages that were free already at the previous such
 * decay are purged, and the ones freed since are kept for the next: a page freed and taken again within an interval
 * is never purged and faulted back in (purging every free page each time made the rptest benchmark spend most of
 * its time in page faults), and a page left free is given back one or two intervals later. Not thread-safe.
 */
final class PageStore {
    static final int PAGE_SHIFT = 12;
    static final long PAGE = 1L << PAGE_SHIFT;
    /** Requests from this size on get a mapping of their own. */
    static final long HUGE_MIN = 16L << 20;
    private static final long DECAY_MIN = 1L << 20;
    private static final long DECAY_INTERVAL_NANOS = 50_000_000;
    /** The prefix grows by a quarter of itself, between one page and this. */
    private static final long COMMIT_CHUNK = 16 << 10;

    private final Os os;
    private final Region region;
    private final BestFitRegion space;
    private final BestFit fit;
    private final MemorySegment mem;
    private final Usage hugeUsage = new Usage();
    /**
     * Concurrent only because the thread that closes a shared arena under the heap releases these mappings while the
     * heap's own thread may still be allocating (a misuse race, which may then leak a mapping, but never hangs).
     */
    private final Map<Long, Mapping> huge = new ConcurrentHashMap<>();
    private long dirtyFreePages;
    /** One bit per page of the prefix: free at the last decay (a candidate for the next one). */
    private long[] freeAtLastDecay = new long[0];
    private long lastPurge = System.nanoTime() - DECAY_INTERVAL_NANOS;
    private long purges;

    /** @throws OutOfNativeMemoryError if the region cannot hold one heap page */
    PageStore(Os os, Region region) {
        if ((region.address() & (PAGE - 1)) != 0) {
            throw new IllegalArgumentException("heap region at " + Bits.hex(region.address()) + ": not page-aligned");
        }
        if (region.reservedBytes() < PAGE) {
            throw new OutOfNativeMemoryError("heap: a region of " + region.reservedBytes() + " bytes holds no "
                    + Bits.bytes(PAGE) + " page");
        }
        this.os = os;
        this.region = region;
        this.mem = region.segment();
        this.space = new BestFitRegion(region, PAGE_SHIFT, PAGE, COMMIT_CHUNK);
        this.fit = space.fit();
    }

    /** {@return the pages covered by spans: the committed prefix in heap pages} */
    long limitPages() {
        return fit.limit();
    }

    /** {@return the most pages the region holds} */
    long maxPages() {
        return space.maxUnits();
    }

    /**
     * {@return the first page of a committed span of {@code n} pages aligned to {@code alignPages} pages}
     *
     * @throws OutOfNativeMemoryError if the region has no room or the OS refuses; nothing changed
     */
    long allocate(long n, long alignPages) {
        long p = space.allocate(n, alignPages);
        if (p < 0) {
            throw new OutOfNativeMemoryError("heap full: no span of " + n + " pages" + (alignPages > 1 ? " aligned to "
                    + alignPages + " pages" : "") + " in its region of " + Bits.bytes(region.reservedBytes()) + " ("
                    + fit.freeUnits() + " pages free in " + fit.freeBlocks() + " spans)");
        }
        return p;
    }

    /** {@return the pages of the span starting at {@code p}} */
    long pages(long p) {
        return fit.sizeOf(p);
    }

    /** Hands out pages {@code [p, p + n)}: zeroed where they were handed out before if {@code zero}. */
    void handOut(long p, long n, boolean zero) {
        space.handOut(mem, p, p + n, zero);
    }

    /** Frees the span starting at {@code p}; a huge one is purged at once, others when decay says so. */
    void free(long p) {
        long n = fit.sizeOf(p);
        long merged = space.free(p);
        if (n << PAGE_SHIFT >= HUGE_MIN) {
            space.purgeFree(merged, merged + fit.freeSizeAt(merged));
            return;
        }
        dirtyFreePages += n;
        decay();
    }

    /**
     * Resizes the span at {@code p} to {@code n} pages where it is (growing into a free successor or the region's
     * tail). {@return whether it could}
     *
     * @throws OutOfNativeMemoryError if the OS refuses memory; the span is as it was
     */
    boolean resize(long p, long n) {
        long old = fit.sizeOf(p);
        if (!space.resize(p, n)) {
            return false;
        }
        if (n < old) {
            dirtyFreePages += old - n;
            decay();
        }
        return true;
    }

    /**
     * Once more than the threshold of free pages are still charged, purges the free pages that were free at the
     * previous decay too, and remembers which are free now.
     */
    private void decay() {
        if (dirtyFreePages << PAGE_SHIFT > Math.max(DECAY_MIN, footprint() / 8)) {
            long now = System.nanoTime();
            if (now - lastPurge >= DECAY_INTERVAL_NANOS) {
                lastPurge = now;
                long[] old = freeAtLastDecay;
                long[] free = new long[(int) ((fit.limit() + 63) >>> 6)];
                long[] young = {0};
                fit.forEachFree((start, size) -> young[0] += purgeOld(start, start + size, old, free));
                freeAtLastDecay = free;
                dirtyFreePages = young[0];
                purges++;
            }
        }
    }

    /**
     * Purges the pages of the free span {@code [from, to)} that {@code old} marks (free at the last decay), and marks
     * every page of it in {@code now}. {@return the pages kept: freed since the last decay}
     */
    private long purgeOld(long from, long to, long[] old, long[] now) {
        long young = 0;
        long run = -1;
        for (long p = from; p < to; p++) {
            now[(int) (p >>> 6)] |= 1L << p;
            boolean wasFree = (p >>> 6) < old.length && (old[(int) (p >>> 6)] & (1L << p)) != 0;
            if (wasFree) {
                if (run < 0) {
                    run = p;
                }
            } else {
                if (run >= 0) {
                    space.purgeFree(run, p);
                    run = -1;
                }
                young++;
            }
        }
        if (run >= 0) {
            space.purgeFree(run, to);
        }
        return young;
    }

    /** Purges every free page and gives the free tail back: the OS gets all the memory no span uses. */
    void trim() {
        space.purgeAllFree();
        dirtyFreePages = 0;
        freeAtLastDecay = new long[0];
        purges++;
    }

    // ---- huge mappings ----

    /**
     * {@return the address of a mapping of its own of at least {@code bytes} bytes aligned to {@code byteAlignment},
     * committed and zero}
     *
     * @throws OutOfNativeMemoryError if the OS refuses
     */
    long allocateHuge(long bytes, long byteAlignment) {
        long size = Bits.alignUp(bytes, Math.max(os.pageSize(), os.allocationGranularity()));
        Reservation r;
        if (byteAlignment <= os.pageSize()) {
            r = Reservation.reserveCommitted(os, size, hugeUsage, "a huge allocation");
        } else {
            r = Reservation.reserve(os, size, byteAlignment, hugeUsage, "a huge allocation");
            try {
                r.commit(0, size);
            } catch (OutOfNativeMemoryError e) {
                r.release();
                throw e;
            }
        }
        huge.put(r.address(), Mapping.of(r, region.isShared()));
        return r.address();
    }

    /** {@return the bytes of the huge mapping at {@code address}, or -1 if none starts there} */
    long hugeSize(long address) {
        Mapping m = huge.get(address);
        return m == null ? -1 : m.reservation().byteSize();
    }

    /** {@return a segment over the huge mapping at {@code address}, with the mapping's lifetime, or null if none} */
    MemorySegment hugeSegment(long address) {
        Mapping m = huge.get(address);
        return m == null ? null : m.segment();
    }

    /**
     * Takes the huge mapping at {@code address} out of the map, still mapped: the caller now owns it and releases it
     * with {@link Mapping#release()}. {@return it, or null if none starts there}
     */
    Mapping takeHuge(long address) {
        return huge.remove(address);
    }

    /** Puts back a huge mapping taken with {@link #takeHuge}. */
    void putHuge(long address, Mapping m) {
        huge.put(address, m);
    }

    /** Frees the huge mapping at {@code address}: its segments end, then it is unmapped. {@return false if none} */
    boolean freeHuge(long address) {
        Mapping m = huge.get(address);
        if (m == null) {
            return false;
        }
        m.release();
        huge.remove(address);
        return true;
    }

    // ---- accounting ----

    /** {@return what the heap holds from the OS: its committed pages not purged, and its huge mappings} */
    long footprint() {
        return space.committedBytes() + hugeUsage.committedBytes();
    }

    /** {@return the bytes of the committed prefix, purged pages included} */
    long prefixBytes() {
        return space.prefixBytes();
    }

    /** {@return the bytes of live huge mappings} */
    long hugeBytes() {
        return hugeUsage.committedBytes();
    }

    /** {@return free pages in spans} */
    long freePages() {
        return fit.freeUnits();
    }

    /** {@return how many times free pages were purged} */
    long purges() {
        return purges;
    }

    /** {@return {address, byteSize} of every huge mapping: for leak tests} */
    List<long[]> hugeRanges() {
        List<long[]> ranges = new ArrayList<>();
        for (Mapping m : huge.values()) {
            ranges.add(new long[] {m.reservation().address(), m.reservation().byteSize()});
        }
        return ranges;
    }

    void check() {
        space.check();
    }

    /**
     * Releases every huge mapping (their segments end first), then gives the region back. A mapping whose segment a
     * downcall is using right now stays mapped (its scope could not end), and its {@link IllegalStateException} is
     * thrown after the rest is released.
     */
    void release() {
        IllegalStateException failure = null;
        try {
            releaseHuge();
        } catch (IllegalStateException e) {
            failure = e;
        }
        space.release();
        if (failure != null) {
            throw failure;
        }
    }

    /** Releases every huge mapping, their segments first; goes on past one in use and throws its failure at the end. */
    void releaseHuge() {
        IllegalStateException failure = null;
        for (Mapping m : huge.values()) {
            try {
                m.release();
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        huge.clear();
        hugeUsage.forget();
        if (failure != null) {
            throw failure;
        }
    }
}
