package dev.jalloc.internal.heap;

import static dev.jalloc.internal.heap.Spans.LARGE;
import static dev.jalloc.internal.heap.Spans.PAGE_SHIFT;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bitmaps;
import dev.jalloc.internal.util.Bits;
import java.lang.foreign.MemorySegment;
import dev.jalloc.heap.HeapPicture;
import dev.jalloc.heap.HeapStats;
import dev.jalloc.heap.SizeClassStats;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The general-purpose heap, in addresses: size classes in slabs and pools ({@link Spans}, cached in {@link Bins}),
 * large payloads in page spans and huge ones in mappings of their own ({@link PageStore}), statistics in
 * {@link HeapCounters}, the invariant check in {@link HeapChecker}. All metadata is out of band: the heap's pages
 * hold nothing but payloads, so a write past a payload (or through a stale segment) can corrupt another payload but
 * never the heap.
 *
 * <pre>
 *   request                         where                              free finds it by
 *   <= 32 KiB, alignment <= 16      a slot of its class (bin cache)     allocBits, then kind/cls of its page
 *   <= 32 KiB, alignment <= 4 KiB   a slot of a class that is a multiple of the alignment
 *   < 16 MiB, alignment <= 2 MiB    a span of whole pages                allocBits, kind[first page] == LARGE
 *   larger, or aligned more         a mapping of its own                 the huge map, by address
 * </pre>
 * Arguments are checked by the public edge; addresses are checked here, exactly. Not thread-safe: the public edge
 * confines it.
 */
public final class HeapEngine {
    /** Requests from this size on get a mapping of their own. */
    public static final long HUGE_MIN = PageStore.HUGE_MIN;
    /** Alignments above this get a mapping of their own rather than a span that would commit the padding. */
    static final long MAX_SPAN_ALIGNMENT = 2L << 20;
    private static final long PAGE = PageStore.PAGE;

    private final MemorySegment mem;
    private final long base;
    private final PageStore store;
    private final Spans spans;
    private final Bins bins;
    private final LargeCache largeCache = new LargeCache();
    private final HeapCounters counters = new HeapCounters();

    /**
     * @param region where the pages live: a reservation of the heap's own, or an arena's tail; page-aligned
     * @throws OutOfNativeMemoryError if the region cannot hold a page
     */
    public HeapEngine(Os os, Region region) {
        this(os, region, null, null, 0);
    }

    /**
     * @param region            where the pages live: a reservation of the heap's own, or an arena's tail;
     *                          page-aligned
     * @param shuffle           shuffles each refilled cache, so that slots go out in random order; null for none
     * @param placement         chooses a new slab's, pool's or large span's pages at random among the few
     *                          best-fitting free spans, and among the guards with room before them; null for best fit
     * @param guardSlabInterval every how many new slabs and pools one ends directly before a guard page; 0 for none
     *                          (a reservation of the heap's own only)
     * @throws OutOfNativeMemoryError if the region cannot hold a page
     */
    public HeapEngine(Os os, Region region, RandomGenerator shuffle, RandomGenerator placement,
            int guardSlabInterval) {
        this.mem = region.segment();
        this.base = region.address();
        this.store = new PageStore(os, region, placement, guardSlabInterval);
        this.spans = new Spans(store, counters);
        this.bins = new Bins(spans, counters, () -> largeCache.collect(this::releaseCached), shuffle);
        spans.cover(store.limitPages());
    }

    // ---- allocation ----

    /**
     * {@return the address of at least {@code byteSize} bytes aligned to {@code byteAlignment}, contents undefined}
     * Arguments are checked by the caller.
     *
     * @throws OutOfNativeMemoryError if the heap's region is full or the OS refuses memory
     */
    public long allocate(long byteSize, long byteAlignment) {
        if (byteSize <= SizeClasses.MEDIUM_MAX && byteAlignment <= SizeClasses.QUANTUM) {
            return base + slot(SizeClasses.index(byteSize));
        }
        return allocateSlow(byteSize, byteAlignment, Long.MAX_VALUE);
    }

    /** {@return as {@link #allocate}, with the payload's usable bytes zeroed (fresh pages are not written)} */
    public long allocateZeroed(long byteSize, long byteAlignment) {
        if (byteSize <= SizeClasses.MEDIUM_MAX && byteAlignment <= SizeClasses.QUANTUM) {
            int c = SizeClasses.index(byteSize);
            long off = slot(c);
            mem.asSlice(off, SizeClasses.size(c)).fill((byte) 0);
            return base + off;
        }
        return allocateSlow(byteSize, byteAlignment, 0);
    }

    private long slot(int c) {
        long off = bins.take(c);
        Bitmaps.set(spans.allocBits, off >>> 4);
        return off;
    }

    /** Allocates what is not a 16-byte-aligned slot, zeroing the usable bytes from {@code zeroFrom} on. */
    private long allocateSlow(long byteSize, long byteAlignment, long zeroFrom) {
        if (byteSize <= SizeClasses.MEDIUM_MAX && byteAlignment <= PAGE) {
            int c = SizeClasses.alignedIndex(byteSize, byteAlignment);
            if (c >= 0) {
                long off = slot(c);
                if (zeroFrom < SizeClasses.size(c)) {
                    mem.asSlice(off + zeroFrom, SizeClasses.size(c) - zeroFrom).fill((byte) 0);
                }
                return base + off;
            }
        }
        long bytes = Math.max(byteSize, 1);
        if (bytes >= HUGE_MIN || byteAlignment > MAX_SPAN_ALIGNMENT) {
            long address = store.allocateHuge(bytes, byteAlignment);   // fresh from the OS: zero already
            counters.hugeAllocated(store.hugeSize(address));
            return address;
        }
        long n = (bytes + PAGE - 1) >>> PAGE_SHIFT;
        long p = byteAlignment <= PAGE ? largeCache.take(n) : -1;
        if (p >= 0) {
            return base + reuseCached(p, n, zeroFrom);
        }
        p = spans.allocatePages(n, Math.max(1, byteAlignment >>> PAGE_SHIFT));
        bins.tick();   // after the allocation: a refused one changes nothing
        spans.kind[(int) p] = LARGE;
        long off = p << PAGE_SHIFT;
        Bitmaps.set(spans.allocBits, off >>> 4);
        long zeroPages = Math.min(n, zeroFrom >>> PAGE_SHIFT);
        store.handOut(p, zeroPages, false);
        if (zeroPages < n) {
            if ((zeroFrom & (PAGE - 1)) != 0) {
                long from = off + zeroFrom;
                mem.asSlice(from, PAGE - (zeroFrom & (PAGE - 1))).fill((byte) 0);
                store.handOut(p + zeroPages, 1, false);
                zeroPages++;
            }
            store.handOut(p + zeroPages, n - zeroPages, true);
        }
        counters.largeAllocated(n << PAGE_SHIFT);
        return base + off;
    }

    /** Hands out the cached large span at page {@code p} of {@code n} pages, zeroed from {@code zeroFrom} on. */
    private long reuseCached(long p, long n, long zeroFrom) {
        spans.kind[(int) p] = LARGE;
        long off = p << PAGE_SHIFT;
        Bitmaps.set(spans.allocBits, off >>> 4);
        if (zeroFrom < n << PAGE_SHIFT) {
            mem.asSlice(off + zeroFrom, (n << PAGE_SHIFT) - zeroFrom).fill((byte) 0);   // handed out before: dirty
        }
        counters.largeAllocated(n << PAGE_SHIFT);
        bins.tick();
        return off;
    }

    /** Gives the cached large span at page {@code p} back to the page spans. */
    private void releaseCached(long p) {
        spans.kind[(int) p] = Spans.FREE;
        store.free(p);
    }

    // ---- free ----

    /**
     * Frees the payload at {@code address}.
     *
     * @throws IllegalArgumentException if it is not the start of a payload this heap handed out and has not taken
     *                                  back: foreign, interior or already freed
     */
    public void free(long address) {
        long off = address - base;
        long[] allocBits = spans.allocBits;
        if (Long.compareUnsigned(off, spans.limitBytes) >= 0 || (off & 15) != 0
                || !Bitmaps.get(allocBits, off >>> 4)) {
            freeSlow(address, off);
            return;
        }
        Bitmaps.clear(allocBits, off >>> 4);
        int p = (int) (off >>> PAGE_SHIFT);
        if (spans.kind[p] == LARGE) {
            freeLarge(p);
            return;
        }
        bins.put(spans.cls[p], off);
    }

    private void freeSlow(long address, long off) {
        long size = store.hugeSize(address);
        if (size < 0) {
            throw new IllegalArgumentException(describeBadAddress(address, off, "free"));
        }
        store.freeHuge(address);
        counters.hugeFreed(size);
    }

    private String describeBadAddress(long address, long off, String what) {
        String why = Long.compareUnsigned(off, spans.limitBytes) >= 0 ? "not an address of this heap"
                : (off & 15) != 0 ? "not the start of a payload (misaligned)"
                : spans.kind[(int) (off >>> PAGE_SHIFT)] == Spans.FREE ? "in free pages (already freed?)"
                : spans.kind[(int) (off >>> PAGE_SHIFT)] == Spans.GUARD ? "in a guard page"
                : "not the start of an allocated payload (already freed, or inside one)";
        return what + ": " + Bits.hex(address) + " is " + why;
    }

    private void freeLarge(int p) {
        bins.tick();
        long n = store.pages(p);
        counters.largeFreed(n << PAGE_SHIFT);
        if (largeCache.put(p, n, store.footprint() / 8)) {
            spans.kind[p] = Spans.CACHED;
            return;
        }
        spans.kind[p] = Spans.FREE;
        store.free(p);
    }

    // ---- reallocate, usable size ----

    /**
     * {@return the address of at least {@code byteSize} bytes holding the payload's bytes (up to the smaller size),
     * the bytes beyond its old usable size zeroed if {@code zero}} In place when its class still fits (and is not
     * more than twice too big) or its page span can grow or shrink where it is; otherwise moved and the old payload
     * freed.
     *
     * @throws IllegalArgumentException if {@code address} is not an allocated payload of this heap
     * @throws OutOfNativeMemoryError   if there is no room; the old payload is then untouched
     */
    public long reallocate(long address, long byteSize, boolean zero) {
        long result = resizeOrMove(address, byteSize, zero);
        bins.tick();   // every reallocation is a slow-path event, counted once it succeeded
        return result;
    }

    private long resizeOrMove(long address, long byteSize, boolean zero) {
        long usable = usableSize(address, "reallocate");   // first: a refused address changes nothing
        long off = address - base;
        boolean inRegion = Long.compareUnsigned(off, spans.limitBytes) < 0;
        if (inRegion) {
            int p = (int) (off >>> PAGE_SHIFT);
            boolean large = spans.kind[p] == LARGE;
            if (!large && byteSize <= usable && (usable <= 128 || byteSize > usable / 2)) {
                return address;
            }
            if (large && byteSize > SizeClasses.MEDIUM_MAX && byteSize < HUGE_MIN
                    && resizeLarge(p, byteSize, zero)) {
                return address;
            }
        } else if (byteSize <= usable && byteSize > usable / 2) {
            return address;
        }
        long moved = allocateSlow(Math.max(byteSize, 1), SizeClasses.QUANTUM, zero ? usable : Long.MAX_VALUE);
        if (byteSize <= SizeClasses.MEDIUM_MAX) {
            bins.markActive(SizeClasses.index(byteSize));   // served from its cache, maybe, but in use
        }
        long n = Math.min(usable, byteSize);
        MemorySegment.copy(segment(address, n), 0, segment(moved, n), 0, n);
        free(address);
        return moved;
    }

    /** Resizes the large span at page {@code p} where it is. {@return whether it could} */
    private boolean resizeLarge(int p, long byteSize, boolean zero) {
        long n = store.pages(p);
        long want = (byteSize + PAGE - 1) >>> PAGE_SHIFT;
        if (!store.resize(p, want)) {
            return false;
        }
        spans.cover(store.limitPages());
        if (want > n) {
            store.handOut(p + n, want - n, zero);
        }
        counters.largeBytes += (want - n) << PAGE_SHIFT;
        return true;
    }

    /**
     * {@return the usable bytes of the payload at {@code address}}
     *
     * @throws IllegalArgumentException if it is not an allocated payload of this heap
     */
    public long usableSize(long address) {
        return usableSize(address, "usableSize");
    }

    /**
     * {@return the usable bytes of the payload at {@code address}}, checked for the call {@code what} (free,
     * reallocate, usableSize), which a refusal's message names
     *
     * @throws IllegalArgumentException if it is not an allocated payload of this heap
     */
    public long usableSize(long address, String what) {
        long off = address - base;
        if (Long.compareUnsigned(off, spans.limitBytes) >= 0 || (off & 15) != 0
                || !Bitmaps.get(spans.allocBits, off >>> 4)) {
            long size = store.hugeSize(address);
            if (size < 0) {
                throw new IllegalArgumentException(describeBadAddress(address, off, what));
            }
            return size;
        }
        int p = (int) (off >>> PAGE_SHIFT);
        return spans.kind[p] == LARGE ? store.pages(p) << PAGE_SHIFT : SizeClasses.size(spans.cls[p]);
    }

    /** {@return whether the live payload at {@code address} is a slot of a size class (not pages, not huge)} */
    public boolean isSlot(long address) {
        long off = address - base;
        return Long.compareUnsigned(off, spans.limitBytes) < 0 && spans.kind[(int) (off >>> PAGE_SHIFT)] != LARGE;
    }

    /**
     * {@return a segment of {@code byteSize} bytes at {@code address}, a payload of this heap}: a slice of the region,
     * or of a huge payload's mapping, whose lifetime its free ends
     */
    public MemorySegment segment(long address, long byteSize) {
        long off = address - base;
        if (Long.compareUnsigned(off, spans.limitBytes) < 0) {
            return mem.asSlice(off, byteSize);
        }
        return store.hugeSegment(address).asSlice(0, byteSize);
    }

    /**
     * Gives every free cached slot back to its span, releases empty spans, and purges every free page: the OS gets
     * back all memory the heap does not use (the address range stays reserved).
     */
    public void trim() {
        bins.flushAll();
        largeCache.flush(this::releaseCached);
        store.trim();
    }

    // ---- statistics: O(size classes) ----

    /**
     * {@return a snapshot of the heap's numbers}
     *
     * @param reservedBytes the address space of its region
     */
    public HeapStats stats(long reservedBytes) {
        long largeBlocks = counters.largeAllocations - counters.largeFrees;
        long hugeBlocks = counters.hugeAllocations - counters.hugeFrees;
        long liveBlocks = largeBlocks + hugeBlocks;
        long liveBytes = counters.largeBytes + counters.hugeBytes;
        List<SizeClassStats> classes = new ArrayList<>(SizeClasses.COUNT);
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            long live = liveSlots(c);
            classes.add(new SizeClassStats(c, SizeClasses.size(c), live, bins.count[c], spans.spanCount[c]));
            liveBlocks += live;
            liveBytes += live * SizeClasses.size(c);
        }
        return new HeapStats(false, liveBytes, liveBlocks, store.footprint(), store.peakFootprint(), reservedBytes,
                store.residentBytes(), store.freePages(), store.purgedBytes() >>> PAGE_SHIFT, store.purges(),
                classes, largeBlocks, counters.largeBytes, hugeBlocks, counters.hugeBytes, 0, 0, store.osCalls());
    }

    /** {@return the heap page by page, with its statistics} O(pages). */
    public HeapPicture picture(long reservedBytes) {
        return HeapPictures.confined(stats(reservedBytes), base, store, spans);
    }

    /** {@return bytes the heap holds from the OS: committed pages not purged, and huge mappings} */
    public long footprint() {
        return store.footprint();
    }

    /** {@return the usable bytes of every live allocation} */
    public long liveBytes() {
        long bytes = counters.largeBytes + counters.hugeBytes;
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            bytes += liveSlots(c) * SizeClasses.size(c);
        }
        return bytes;
    }

    private long liveSlots(int c) {
        return counters.slotsOut[c] - bins.count[c];
    }

    /** {@return live allocations of class {@code c}, or large ({@code COUNT}), or huge ({@code COUNT + 1})} */
    public long liveAllocations(int c) {
        if (c == SizeClasses.COUNT) {
            return counters.largeAllocations - counters.largeFrees;
        }
        if (c == SizeClasses.COUNT + 1) {
            return counters.hugeAllocations - counters.hugeFrees;
        }
        return liveSlots(c);
    }

    /** {@return live allocations in total} */
    public long liveAllocations() {
        long n = 0;
        for (int c = 0; c < SizeClasses.COUNT + 2; c++) {
            n += liveAllocations(c);
        }
        return n;
    }

    /** {@return free slots sitting in bin caches} */
    public long cachedSlots() {
        return bins.cachedSlots();
    }

    /** {@return how many times the heap purged its free pages} */
    public long purges() {
        return store.purges();
    }

    /** Receives a slot: see {@link #forEachSlot}. */
    @FunctionalInterface
    public interface SlotVisitor {
        /** The slot at {@code address} is allocated and {@code slotBytes} long. */
        void visit(long address, long slotBytes);
    }

    /**
     * Calls {@code visitor} with every allocated slot of a size class, in address order: the live ones and those a
     * caller above holds back (a quarantine); not the slots in the bins' caches, not pages, not huge payloads.
     */
    public void forEachSlot(SlotVisitor visitor) {
        long[] bits = spans.allocBits;
        long end = (long) bits.length << 6;
        for (long g = Bitmaps.nextSet(bits, 0, end); g >= 0 && g < end; g = Bitmaps.nextSet(bits, g + 1, end)) {
            int p = (int) (g >>> (PAGE_SHIFT - 4));
            byte k = spans.kind[p];
            if (k == Spans.SLAB || k == Spans.POOL) {
                visitor.visit(base + (g << 4), SizeClasses.size(spans.cls[p]));
            }
        }
    }

    /**
     * Checks every invariant of the page spans, the slabs and pools, the bins and the counters.
     *
     * @throws IllegalStateException naming the first violation
     */
    public void check() {
        HeapChecker.check(store, spans, bins, largeCache, counters);
    }

    /** {@return {address, byteSize} of every huge mapping: for leak tests} */
    public List<long[]> hugeRanges() {
        return store.hugeRanges();
    }

    /** Releases the huge mappings (their segments first) and gives the region back. */
    public void release() {
        store.release();
    }

    /** Releases the huge mappings only: the region went away with its arena. */
    public void releaseHuge() {
        store.releaseHuge();
    }
}
