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
import java.util.random.RandomGenerator;

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
 * A hardened heap's store may place spans at random among the few best-fitting free spans ({@link
 * BestFit#allocateAmong}), and end every few new slabs and pools before a guard page ({@link SlabGuards}): an
 * allocated block that is never handed out, not charged, and not in use.
 *
 * <p>Decay, by time and by reuse. Free spans stay charged while they are no more than {@value #DECAY_MIN} bytes (and an
 * eighth of the footprint), and no more than the heap will likely use again: the most pages it had in use at once
 * within the reuse window ({@link #WINDOW_MILLIS}, 8 seconds unless set: {@value #PEAK_SLOTS} slots, each the peak of
 * pages in use during it) less the pages in use now. Beyond that, at most once per {@value
 * #DECAY_INTERVAL_NANOS} ns, pages that were free already at the previous such decay are purged, down to what may be
 * kept; the ones freed since are kept for the next: a page freed and taken again within an interval is never purged
 * and faulted back in (purging every free page each time made the rptest benchmark spend most of its time in page
 * faults), a program whose live set falls and grows back within the window (a replay pass, a request burst, a
 * cache rebuilt) finds its pages still there (purging them after 50 ms made a recorded trace of jq run 5x slower
 * than glibc), and pages a program really stopped using go back one window later. Not thread-safe.
 *
 * <pre>
 *   inUsePeaks[k]   the most pages in use during slot k (a ring; the current slot is peakSlot)
 *   keep            max(DECAY_MIN, footprint / 8, max over the ring - pages in use now)     free pages kept charged
 *   freeAtLastDecay one bit per page: free at the last decay; only those are purged at the next
 * </pre>
 */
final class PageStore {
    /** Purges by decay and trims, at {@code DEBUG}: slow paths only. */
    private static final System.Logger LOG = System.getLogger("dev.jalloc.heap");
    static final int PAGE_SHIFT = 12;
    static final long PAGE = 1L << PAGE_SHIFT;
    /** Requests from this size on get a mapping of their own. */
    static final long HUGE_MIN = 16L << 20;
    private static final long DECAY_MIN = 1L << 20;
    private static final long DECAY_INTERVAL_NANOS = 50_000_000;
    private static final int PEAK_SLOTS = 8;
    /**
     * The reuse window: system property {@code jalloc.heap.decayMillis}, read once (default 8 seconds; jemalloc's
     * dirty pages decay over 10 by default). The tests run with 1 second.
     */
    static final long WINDOW_MILLIS = Math.max(PEAK_SLOTS, Long.getLong("jalloc.heap.decayMillis", 8_000));
    private static final long PEAK_SLOT_NANOS = WINDOW_MILLIS * 1_000_000 / PEAK_SLOTS;
    /** The prefix grows by a quarter of itself, between one page and this. */
    private static final long COMMIT_CHUNK = 16 << 10;
    /**
     * Free spans a random placement chooses among: the best fit and the next three larger (a hardened heap's new
     * slab, pool or large span is not where the previous ones predict, at the cost of splitting a slightly larger
     * free span now and then).
     */
    private static final int PLACEMENT_CANDIDATES = 4;

    private final Os os;
    private final Region region;
    private final BestFitRegion space;
    private final BestFit fit;
    private final MemorySegment mem;
    /** Chooses among the best-fitting free spans; null: best fit, the lowest address among equals. */
    private final RandomGenerator placement;
    /** The guards after slabs and pools; null where there are none. */
    private final SlabGuards guards;
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
    private final long[] inUsePeaks = new long[PEAK_SLOTS];
    private int peakSlot;
    private long peakSlotStart = System.nanoTime();
    private long purges;
    /** The most {@link #footprint()} seen after a step that can grow it (a span, a recommit, a huge mapping). */
    private long peakFootprint;

    /** @throws OutOfNativeMemoryError if the region cannot hold one heap page */
    PageStore(Os os, Region region) {
        this(os, region, null, 0);
    }

    /**
     * @param placement          chooses among the best-fitting free spans; null for plain best fit
     * @param guardSlabInterval  every how many new slabs and pools one ends before a guard page; 0 for none (a
     *                           region of its own only: see {@link Region#guard})
     * @throws OutOfNativeMemoryError if the region cannot hold one heap page
     */
    PageStore(Os os, Region region, RandomGenerator placement, int guardSlabInterval) {
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
        this.placement = placement;
        this.guards = guardSlabInterval == 0 ? null
                : new SlabGuards(space, guardSlabInterval, Math.max(1, region.osPageSize() >>> PAGE_SHIFT), placement);
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
        long p = placement == null ? space.allocate(n, alignPages)
                : space.allocateAmong(n, alignPages, PLACEMENT_CANDIDATES, placement);
        noteInUse();
        if (p < 0) {
            throw new OutOfNativeMemoryError("heap full: no span of " + n + " pages" + (alignPages > 1 ? " aligned to "
                    + alignPages + " pages" : "") + " in its region of " + Bits.bytes(region.reservedBytes()) + " ("
                    + fit.freeUnits() + " pages free in " + fit.freeBlocks() + " spans)");
        }
        if (guards != null) {
            guards.handedOut(p + n);
        }
        notePeak();
        return p;
    }

    /** Raises the current slot's peak of pages in use to the pages in use now. */
    private void noteInUse() {
        long inUse = inUse();
        if (inUse > inUsePeaks[peakSlot]) {
            inUsePeaks[peakSlot] = inUse;
        }
    }

    /**
     * {@return the first page of a committed span of {@code n} pages for a new slab or pool}: every
     * {@code guardSlabInterval}-th directly before a guard page ({@link SlabGuards}), the others where
     * {@link #allocate} puts them (so too a due one when no guard can be had)
     *
     * @throws OutOfNativeMemoryError if the region has no room or the OS refuses; nothing changed
     */
    long allocateSlab(long n) {
        long p = guards != null && guards.due() ? guards.place(n) : -1;
        if (p < 0) {
            return allocate(n, 1);
        }
        noteInUse();
        notePeak();
        return p;
    }

    /** {@return the heap pages of the guard starting at page {@code p}, or 0 if none starts there} */
    long guardAt(long p) {
        return guards != null && guards.isGuard(p) ? guards.guardPages() : 0;
    }

    /** {@return the heap pages of all guards} */
    long guardPages() {
        return guards == null ? 0 : guards.count() * guards.guardPages();
    }

    /** {@return the pages of the span starting at {@code p}} */
    long pages(long p) {
        return fit.sizeOf(p);
    }

    /** Hands out pages {@code [p, p + n)}: zeroed where they were handed out before if {@code zero}. */
    void handOut(long p, long n, boolean zero) {
        space.handOut(mem, p, p + n, zero);
        notePeak();
    }

    private void notePeak() {
        peakFootprint = Math.max(peakFootprint, footprint());
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
        notePeak();
        if (guards != null) {
            guards.handedOut(p + n);
        }
        if (n < old) {
            dirtyFreePages += old - n;
            decay();
        }
        return true;
    }

    /**
     * Once more free pages are charged than may be kept (see the class comment), purges free pages that were free at
     * the previous decay too, down to what may be kept, and remembers which are free now.
     */
    private void decay() {
        long floor = Math.max(DECAY_MIN, footprint() / 8) >>> PAGE_SHIFT;
        if (dirtyFreePages <= floor) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastPurge < DECAY_INTERVAL_NANOS) {
            return;
        }
        long inUse = inUse();
        long keep = Math.max(floor, recentPeak(now, inUse) - inUse);
        if (dirtyFreePages <= keep) {
            return;
        }
        lastPurge = now;
        long before = footprint();
        DecayWalk walk = new DecayWalk(space, freeAtLastDecay, new long[(int) ((fit.limit() + 63) >>> 6)],
                dirtyFreePages - keep);
        fit.forEachFree(walk::span);
        freeAtLastDecay = walk.now;
        // Charged now: the pages freed since the last decay, and the old ones the budget left (at most what may be
        // kept: some of those the walk skipped were purged already).
        dirtyFreePages = walk.young + Math.min(keep, walk.skipped);
        purges++;
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "heap decay purged {0} of free pages (footprint {1}, {2} pages in "
                    + "use, {3} free pages kept)", Bits.bytes(before - footprint()), Bits.bytes(footprint()), inUse,
                    keep);
        }
    }

    /** {@return pages in spans: handed out, or cached by the heap above (guards are not in use)} */
    private long inUse() {
        return fit.limit() - fit.freeUnits() - guardPages();
    }

    /** Moves the reuse window on to {@code now}. {@return the most pages in use at once within it} */
    private long recentPeak(long now, long inUse) {
        long slots = (now - peakSlotStart) / PEAK_SLOT_NANOS;
        if (slots > 0) {
            for (long k = 0; k < Math.min(slots, PEAK_SLOTS); k++) {
                peakSlot = (peakSlot + 1) % PEAK_SLOTS;
                inUsePeaks[peakSlot] = inUse;
            }
            peakSlotStart += slots * PEAK_SLOT_NANOS;
        }
        long peak = inUse;
        for (long p : inUsePeaks) {
            peak = Math.max(peak, p);
        }
        return peak;
    }

    /** Purges every free page and gives the free tail back: the OS gets all the memory no span uses. */
    void trim() {
        long before = footprint();
        space.purgeAllFree();
        dirtyFreePages = 0;
        freeAtLastDecay = new long[0];
        purges++;
        LOG.log(System.Logger.Level.DEBUG, "heap trim: footprint {0} -> {1}", Bits.bytes(before),
                Bits.bytes(footprint()));
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
        huge.put(r.address(), Mapping.of(r, region.isShared(), "a heap's huge allocation", null));
        notePeak();
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

    /** {@return the free spans of the prefix, as {start page, pages} in address order} */
    java.util.List<long[]> freeSpans() {
        java.util.List<long[]> spans = new ArrayList<>();
        fit.forEachFree((start, size) -> spans.add(new long[] {start, size}));
        spans.sort(java.util.Comparator.comparingLong(s -> s[0]));
        return spans;
    }

    /** {@return whether page {@code p} of the prefix is purged} */
    boolean isPurged(long p) {
        return space.isPurged(p);
    }

    /** {@return the most bytes {@link #footprint()} has been so far} */
    long peakFootprint() {
        return Math.max(peakFootprint, footprint());
    }

    /** {@return the bytes of purged pages inside the committed prefix} */
    long purgedBytes() {
        return space.purgedBytes();
    }

    /** {@return the bytes in RAM: the committed prefix's resident pages and the huge mappings'; -1 if unknown} */
    long residentBytes() {
        long bytes = region.residentBytes();
        for (Mapping m : huge.values()) {
            long r = m.reservation().residentBytes(0, m.reservation().committedBytes());
            if (bytes < 0 || r < 0) {
                return -1;
            }
            bytes += r;
        }
        return bytes;
    }

    /** {@return the memory system calls made for this heap: its region's (an arena's, for a tail) and huge ones} */
    long osCalls() {
        return region.usage().osCalls() + hugeUsage.osCalls();
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
        if (guards != null) {
            guards.check();
        }
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
        if (guards != null) {
            guards.release();
        }
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
