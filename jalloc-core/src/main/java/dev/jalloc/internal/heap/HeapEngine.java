package dev.jalloc.internal.heap;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.SystemCallException;
import dev.jalloc.internal.arena.Region;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The general-purpose heap, in offsets and addresses: size classes in slabs and pools, large objects in page spans,
 * huge ones in reservations of their own. All metadata is out of band (Java arrays and the {@link PageMap}'s
 * shadow): the heap's pages hold nothing but payloads, so a write past a payload can corrupt another payload but
 * never the heap's own structure.
 *
 * <pre>
 *   data region (pages of 4 KiB)                 metadata, per page p / per span s / per 16-byte granule g
 *   [slab c=3][slab c=0][pool c=40 (16 pages)]   kind[p]: FREE | SLAB | POOL | LARGE    cls[p]: class index
 *   [large (7 pages)][free (3)][slab c=3] ...    spanOf[p]: first page of p's slab or pool
 *                                                used[s]: slots handed out or cached   next[s]/prev[s]: partial list
 *   highWater: committed prefix of the region    allocBits[g]: a payload starts here (what free() checks)
 *   purged[p]: a free page given back to the OS  availBits[g]: a free slot starts here, in no cache
 *
 *   bin c:  cache[c][0 .. cacheCount[c])  offsets of free slots, popped by allocate, pushed by free
 *           partialHead[c]                spans of class c with available slots, refilled from in batches
 * </pre>
 * Not thread-safe: {@code dev.jalloc.heap.Heap} confines it. A per-thread cache later becomes a second set of
 * {@code cache} arrays per thread in front of these bins, and frees from other threads a queue the owner drains:
 * neither changes this layout.
 */
public final class HeapEngine {
    static final int PAGE_SHIFT = 12;
    static final long PAGE = 1L << PAGE_SHIFT;
    /** Requests from this size on get a reservation of their own. */
    public static final long HUGE_MIN = 16L << 20;
    private static final byte FREE = 0;
    private static final byte SLAB = 1;
    private static final byte POOL = 2;
    private static final byte LARGE = 3;
    private static final int GRANULES_PER_PAGE = (int) (PAGE >>> 4);
    /**
     * Bytes a bin's cache holds at most: small classes cache more slots. The cache of a small class holds at
     * least {@link #SMALL_CACHE_MIN} slots (32 KiB of 1 KiB slots), so that a class with a few dozen objects
     * coming and going does not refill and flush every few operations; a medium one at least 2.
     */
    private static final int CACHE_BYTES = 8 << 10;
    private static final int SMALL_CACHE_MIN = 32;
    /** Free pages beyond this, and beyond an eighth of the footprint, are purged (the decay threshold)... */
    private static final long DECAY_MIN = 1L << 20;
    /** ...but at most once in this many nanoseconds, so that a burst of frees and reuses does not thrash. */
    private static final long DECAY_INTERVAL_NANOS = 50_000_000;
    /**
     * Every this many slow-path events (refills, flushes, reallocations, large allocations and frees) idle bins'
     * caches are emptied: slots a class stopped using go back to their spans, and empty spans to the page map.
     */
    private static final int GC_EVENTS = 64;
    /** Data is committed in chunks of this beyond the high-water mark. */
    private static final long COMMIT_CHUNK = 16 << 10;

    private final Os os;
    private final Region data;
    private final MemorySegment mem;
    private final long base;
    private final long maxPages;
    private final PageMap pages;
    private long highWater;

    private byte[] kind = new byte[0];
    private byte[] cls = new byte[0];
    private int[] spanOf = new int[0];
    private short[] used = new short[0];
    private int[] next = new int[0];
    private int[] prev = new int[0];
    private long[] purged = new long[0];
    private long[] allocBits = new long[0];
    private long[] availBits = new long[0];

    private final long[][] cache = new long[SizeClasses.COUNT][];
    private final int[] cacheCount = new int[SizeClasses.COUNT];
    private final int[] partialHead = new int[SizeClasses.COUNT];
    /** Slabs or pools of each class: its first pools are smaller (see {@link SizeClasses#spanBytes(int, int)}). */
    private final int[] spanCount = new int[SizeClasses.COUNT];
    /**
     * Whether a bin refilled, flushed or was the target of a reallocation since the last cache collection (see
     * {@link #tick()}).
     */
    private final boolean[] binActive = new boolean[SizeClasses.COUNT];
    /**
     * Slots a refill of each bin brings: from 8 (or fewer, in a small cache), doubled when a bin refills twice
     * between two collections, up to half its cache; halved when a collection finds the bin idle (jemalloc's
     * adaptive tcache fill, in its simplest form).
     */
    private final int[] fill = new int[SizeClasses.COUNT];
    private final Map<Long, Long> huge = new HashMap<>();

    private final HeapStats stats = new HeapStats();
    /** Bytes of live slots; their counts per class are derived from the spans on demand, off the hot path. */
    private long liveSlotBytes;
    private long purgedPages;
    private long dirtyFreePages;
    private long lastPurge = System.nanoTime() - DECAY_INTERVAL_NANOS;
    private int slowEvents;

    /**
     * @param data where the pages live: a reservation or an arena's tail; page-aligned
     * @throws OutOfNativeMemoryError if the OS refuses the page map's reservation
     */
    public HeapEngine(Os os, Region data) {
        this.os = os;
        this.data = data;
        this.mem = data.segment();
        this.base = data.address();
        if ((base & (PAGE - 1)) != 0) {
            throw new IllegalArgumentException("heap region at " + Bits.hex(base) + ": not page-aligned");
        }
        this.maxPages = data.reservedBytes() >>> PAGE_SHIFT;
        this.pages = new PageMap(os, maxPages);
        Arrays.fill(partialHead, -1);
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            int floor = SizeClasses.isSmall(c) ? SMALL_CACHE_MIN : 2;
            cache[c] = new long[Math.max(floor, CACHE_BYTES / SizeClasses.size(c))];
            fill[c] = Math.min(8, cache[c].length / 2);
        }
    }

    // ---- allocation ----

    /**
     * {@return the address of at least {@code byteSize} bytes aligned to {@code byteAlignment}} Arguments are
     * checked by the caller.
     *
     * @throws OutOfNativeMemoryError if the heap's region is full or the OS refuses memory
     */
    public long allocate(long byteSize, long byteAlignment) {
        if (byteSize <= SizeClasses.MEDIUM_MAX && byteAlignment <= SizeClasses.QUANTUM) {
            return base + allocateSlot(SizeClasses.index(byteSize));
        }
        return allocateSlow(byteSize, byteAlignment);
    }

    private long allocateSlow(long byteSize, long byteAlignment) {
        if (byteSize <= SizeClasses.MEDIUM_MAX && byteAlignment <= PAGE) {
            int c = alignedClass(byteSize, byteAlignment);
            if (c >= 0) {
                return base + allocateSlot(c);
            }
        }
        long bytes = Math.max(byteSize, 1);
        if (bytes >= HUGE_MIN || byteAlignment > PAGE * PageMap.MAX_ALIGNED_PAGES) {
            return allocateHuge(bytes, byteAlignment);
        }
        tick();
        long n = (bytes + PAGE - 1) >>> PAGE_SHIFT;
        long p = allocateSpan(n, Math.max(1, byteAlignment >>> PAGE_SHIFT));
        kind[(int) p] = LARGE;
        long off = p << PAGE_SHIFT;
        setBit(allocBits, off >>> 4);
        stats.allocated(SizeClasses.COUNT, n << PAGE_SHIFT);
        return base + off;
    }

    /** {@return the smallest class of at least {@code byteSize} bytes whose size is a multiple of the alignment, or -1} */
    private static int alignedClass(long byteSize, long byteAlignment) {
        for (int c = SizeClasses.index(Math.max(byteSize, byteAlignment)); c < SizeClasses.COUNT; c++) {
            if (SizeClasses.size(c) % byteAlignment == 0) {
                return c;
            }
        }
        return -1;
    }

    private long allocateSlot(int c) {
        int n = cacheCount[c];
        if (n == 0) {
            refill(c);
            n = cacheCount[c];
        }
        long off = cache[c][--n];
        cacheCount[c] = n;
        setBit(allocBits, off >>> 4);
        liveSlotBytes += SizeClasses.size(c);
        return off;
    }

    /**
     * Fills up to half of bin {@code c}'s cache from its partial spans, making a new span only while the cache
     * holds less than a quarter of that: a class with a few live objects does not get a second slab just to fill
     * its cache.
     */
    private void refill(int c) {
        tick();
        long[] slots = cache[c];
        if (binActive[c]) {
            fill[c] = Math.min(Math.max(1, slots.length / 2), 2 * fill[c]);   // refilled twice in a period: more
        }
        binActive[c] = true;
        int want = fill[c];
        int n = cacheCount[c];
        while (n < want) {
            int s = partialHead[c];
            if (s < 0) {
                if (n > 0 && n >= want / 4) {
                    break;   // enough to go on with: a new span only for a nearly empty cache
                }
                s = newSpan(c);
            }
            // A span starts on a page, so its granules fill whole words of the bitmap: take slots a word at a time.
            int from = (int) ((long) s * GRANULES_PER_PAGE >>> 6);
            int to = from + (int) (spanPages(c, s) * GRANULES_PER_PAGE >>> 6);
            int taken = 0;
            boolean more = false;
            for (int w = from; w < to; w++) {
                long bits = availBits[w];
                while (bits != 0 && n + taken < want) {
                    slots[n + taken++] = ((long) w << 10) + ((long) Long.numberOfTrailingZeros(bits) << 4);
                    bits &= bits - 1;
                }
                availBits[w] = bits;
                if (bits != 0) {
                    more = true;   // the cache is full
                    break;
                }
            }
            n += taken;
            used[s] += (short) taken;
            if (!more && nextBit(availBits, (long) from << 6, (long) to << 6) < 0) {
                unlinkPartial(c, s);
            }
        }
        cacheCount[c] = n;
    }

    private int newSpan(int c) {
        long n = SizeClasses.spanBytes(c, spanCount[c]) >>> PAGE_SHIFT;
        int s = (int) allocateSpan(n, 1);
        spanCount[c]++;
        byte k = SizeClasses.isSmall(c) ? SLAB : POOL;
        for (int p = s; p < s + n; p++) {
            kind[p] = k;
            cls[p] = (byte) c;
            spanOf[p] = s;
        }
        used[s] = 0;
        long first = (long) s << PAGE_SHIFT;
        int size = SizeClasses.size(c);
        for (long i = 0, slots = (n << PAGE_SHIFT) / size; i < slots; i++) {
            setBit(availBits, (first + i * size) >>> 4);
        }
        linkPartial(c, s);
        return s;
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
        if (Long.compareUnsigned(off, highWater) >= 0 || (off & 15) != 0 || !testBit(allocBits, off >>> 4)) {
            freeSlow(address, off);
            return;
        }
        clearBit(allocBits, off >>> 4);
        int p = (int) (off >>> PAGE_SHIFT);
        byte k = kind[p];
        if (k == LARGE) {
            freeLarge(p);
            return;
        }
        int c = cls[p];
        liveSlotBytes -= SizeClasses.size(c);
        int n = cacheCount[c];
        long[] slots = cache[c];
        if (n == slots.length) {
            flush(c, n / 2);
            tick();
            binActive[c] = true;
            n = cacheCount[c];
        }
        slots[n] = off;
        cacheCount[c] = n + 1;
    }

    private void freeSlow(long address, long off) {
        Long size = huge.remove(address);
        if (size != null) {
            os.release(address, size);
            stats.freed(SizeClasses.COUNT + 1, size);
            return;
        }
        throw new IllegalArgumentException(describeBadAddress(address, off, "free"));
    }

    private String describeBadAddress(long address, long off, String what) {
        String why = Long.compareUnsigned(off, highWater) >= 0 ? "not an address of this heap"
                : (off & 15) != 0 ? "not the start of a payload (misaligned)"
                : kind[(int) (off >>> PAGE_SHIFT)] == FREE ? "in free pages (already freed?)"
                : "not the start of an allocated payload (already freed, or inside one)";
        return what + ": " + Bits.hex(address) + " is " + why;
    }

    private void freeLarge(int p) {
        tick();
        long n = pages.pages(p);
        pages.free(p);
        kind[p] = FREE;
        stats.freed(SizeClasses.COUNT, n << PAGE_SHIFT);
        dirtyFreePages += n;
        decay();
    }

    /**
     * Counts a slow-path event; every {@link #GC_EVENTS}th empties the cache of every bin that neither refilled,
     * flushed nor received a reallocation since the last time, and halves its fill. Such a bin is idle (its slots
     * would keep their slabs, or a pool's pages, from going back) or served from its cache alone, which a refill
     * of its now smaller fill restores. The hot paths pay nothing.
     */
    private void tick() {
        if (++slowEvents >= GC_EVENTS) {
            slowEvents = 0;
            for (int c = 0; c < SizeClasses.COUNT; c++) {
                if (cacheCount[c] > 0 && !binActive[c]) {
                    flush(c, cacheCount[c]);
                    fill[c] = Math.max(1, fill[c] / 2);
                }
                binActive[c] = false;
            }
        }
    }

    /** Returns {@code count} slots of bin {@code c}'s cache (its oldest) to their spans. */
    private void flush(int c, int count) {
        long[] slots = cache[c];
        for (int i = 0; i < count; i++) {
            returnToSpan(c, slots[i]);
        }
        System.arraycopy(slots, count, slots, 0, cacheCount[c] - count);
        cacheCount[c] -= count;
    }

    private void returnToSpan(int c, long off) {
        int s = spanOf[(int) (off >>> PAGE_SHIFT)];
        setBit(availBits, off >>> 4);
        if (!isLinked(c, s)) {
            linkPartial(c, s);
        }
        if (--used[s] == 0 && (!SizeClasses.isSmall(c) || next[s] >= 0 || prev[s] >= 0)) {
            // Empty: give its pages back, but keep a class's last slab (one page) against thrash at a boundary.
            // A pool is several pages and the bin's cache already absorbs alloc/free pairs, so it always goes.
            releaseSpan(c, s);
        }
    }

    private void releaseSpan(int c, int s) {
        unlinkPartial(c, s);
        long n = spanPages(c, s);
        spanCount[c]--;
        long from = (long) s * GRANULES_PER_PAGE;
        for (long g = from; g < from + n * GRANULES_PER_PAGE; g += 64) {
            availBits[(int) (g >>> 6)] = 0;
        }
        for (int p = s; p < s + n; p++) {
            kind[p] = FREE;
        }
        pages.free(s);
        dirtyFreePages += n;
        decay();
    }

    // ---- reallocate, usable size ----

    /**
     * {@return the address of at least {@code byteSize} bytes holding the payload's bytes (up to the smaller size)}
     * In place when its class still fits (and is not more than twice too big) or its page span can grow or shrink
     * where it is; otherwise moved and the old payload freed.
     *
     * @throws IllegalArgumentException if {@code address} is not an allocated payload of this heap
     * @throws OutOfNativeMemoryError   if there is no room; the old payload is then untouched
     */
    public long reallocate(long address, long byteSize) {
        long usable = usableSize(address);   // first: a refused address changes nothing
        tick();
        long off = address - base;
        if (Long.compareUnsigned(off, highWater) < 0) {
            byte k = kind[(int) (off >>> PAGE_SHIFT)];
            if (k != LARGE && byteSize <= usable && (usable <= 128 || byteSize > usable / 2)) {
                return address;
            }
            if (k == LARGE && byteSize > SizeClasses.MEDIUM_MAX && byteSize < HUGE_MIN) {
                long moved = resizeLarge((int) (off >>> PAGE_SHIFT), byteSize);
                if (moved >= 0) {
                    return moved;
                }
            }
        } else if (byteSize <= usable && byteSize > usable / 2) {
            return address;
        }
        long moved = allocate(byteSize, SizeClasses.QUANTUM);
        if (byteSize <= SizeClasses.MEDIUM_MAX) {
            binActive[SizeClasses.index(byteSize)] = true;   // served from its cache, maybe, but in use
        }
        long n = Math.min(usable, byteSize);
        // Either side may be a huge mapping outside the region: copy between raw segments of exactly n bytes.
        MemorySegment.copy(MemorySegment.ofAddress(address).reinterpret(n), 0,
                MemorySegment.ofAddress(moved).reinterpret(n), 0, n);
        free(address);
        return moved;
    }

    /** {@return the new address of large payload at page {@code p} resized in the page map, or -1 to move it} */
    private long resizeLarge(int p, long byteSize) {
        long n = pages.pages(p);
        long want = (byteSize + PAGE - 1) >>> PAGE_SHIFT;
        if (want == n) {
            return base + ((long) p << PAGE_SHIFT);
        }
        long q = pages.reallocate(p, want);
        if (q < 0) {
            return -1;
        }
        if (q != p) {
            ensureCommitted(q, want);
        } else if (want > n) {
            ensureCommitted(p + n, want - n);   // only the pages it grew into
        }
        kind[p] = FREE;   // a large span is marked on its first page only: the others read FREE throughout
        kind[(int) q] = LARGE;
        if (q != p) {
            MemorySegment.copy(mem, (long) p << PAGE_SHIFT, mem, q << PAGE_SHIFT, Math.min(n, want) << PAGE_SHIFT);
            clearBit(allocBits, ((long) p << PAGE_SHIFT) >>> 4);
            setBit(allocBits, (q << PAGE_SHIFT) >>> 4);
        }
        stats.resized(n << PAGE_SHIFT, want << PAGE_SHIFT);
        if (want < n || q != p) {
            dirtyFreePages += q != p ? n : n - want;
            decay();
        }
        return base + (q << PAGE_SHIFT);
    }

    /**
     * {@return the usable bytes of the payload at {@code address}}
     *
     * @throws IllegalArgumentException if it is not an allocated payload of this heap
     */
    public long usableSize(long address) {
        long off = address - base;
        if (Long.compareUnsigned(off, highWater) >= 0 || (off & 15) != 0 || !testBit(allocBits, off >>> 4)) {
            Long size = huge.get(address);
            if (size != null) {
                return size;
            }
            throw new IllegalArgumentException(describeBadAddress(address, off, "usableSize"));
        }
        int p = (int) (off >>> PAGE_SHIFT);
        return kind[p] == LARGE ? pages.pages(p) << PAGE_SHIFT : SizeClasses.size(cls[p]);
    }

    // ---- huge ----

    private long allocateHuge(long bytes, long byteAlignment) {
        long size = Bits.alignUp(bytes, os.pageSize());
        long address;
        try {
            if (byteAlignment <= os.pageSize()) {
                address = os.reserveCommitted(size);
            } else {
                address = os.reserve(size, byteAlignment);
                try {
                    os.commit(address, size);
                } catch (SystemCallException e) {
                    os.release(address, size);
                    throw e;
                }
            }
        } catch (SystemCallException e) {
            if (!e.isOutOfMemory()) {
                throw e;
            }
            throw new OutOfNativeMemoryError("heap: cannot map " + size + " bytes for a huge allocation", e);
        }
        huge.put(address, size);
        stats.allocated(SizeClasses.COUNT + 1, size);
        return address;
    }

    // ---- pages ----

    private long allocateSpan(long n, long alignPages) {
        long p = pages.allocate(n, alignPages);
        if (p < 0 || p + n > maxPages) {
            if (p >= 0) {
                pages.free(p);
            }
            throw new OutOfNativeMemoryError("heap full: no span of " + n + " pages in its region of "
                    + Bits.bytes(data.reservedBytes()) + " (" + pages.freePages() + " pages free in "
                    + pages.freeSpans() + " spans)");
        }
        try {
            ensureCommitted(p, n);
        } catch (OutOfNativeMemoryError e) {
            pages.free(p);
            throw e;
        }
        return p;
    }

    /** Makes pages {@code [p, p + n)} committed: beyond the high-water mark, and where they were purged. */
    private void ensureCommitted(long p, long n) {
        long end = (p + n) << PAGE_SHIFT;
        if (end > highWater) {
            // A quarter of what is committed, between a page and COMMIT_CHUNK: a small heap stays small.
            long chunk = Math.min(COMMIT_CHUNK, Math.max(PAGE, Bits.alignDown(highWater / 4, PAGE)));
            long target = Math.min(data.reservedBytes(), Bits.alignUp(end, chunk));
            data.commitTo(target);
            highWater = Math.min(data.committedBytes(), data.reservedBytes());
            growMetadata(highWater >>> PAGE_SHIFT);
        }
        if (purgedPages > 0) {
            for (long i = nextBit(purged, p, p + n); i >= 0; i = nextBit(purged, i, p + n)) {
                long from = i;
                while (i < p + n && testBit(purged, i)) {
                    clearBit(purged, i);
                    i++;
                }
                recommit(from, i - from);
            }
        }
    }

    private void recommit(long from, long n) {
        try {
            os.commit(base + (from << PAGE_SHIFT), n << PAGE_SHIFT);
        } catch (SystemCallException e) {
            for (long i = from; i < from + n; i++) {
                setBit(purged, i);
            }
            if (!e.isOutOfMemory()) {
                throw e;
            }
            throw new OutOfNativeMemoryError("heap: cannot commit " + (n << PAGE_SHIFT) + " bytes again", e);
        }
        purgedPages -= n;
    }

    /** Purges free pages when more than the threshold of them are still charged. */
    private void decay() {
        if (dirtyFreePages << PAGE_SHIFT > Math.max(DECAY_MIN, footprint() / 8)) {
            long now = System.nanoTime();
            if (now - lastPurge >= DECAY_INTERVAL_NANOS) {
                lastPurge = now;
                purgeFreePages();
            }
        }
    }

    /**
     * Gives every free cached slot back to its span, releases empty spans, and purges every free page: the OS gets
     * back all memory the heap does not use (the address range stays reserved).
     */
    public void trim() {
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            flush(c, cacheCount[c]);
            for (int s = partialHead[c]; s >= 0; ) {
                int following = next[s];
                if (used[s] == 0) {
                    releaseSpan(c, s);
                }
                s = following;
            }
        }
        purgeFreePages();
    }

    private void purgeFreePages() {
        long limit = highWater >>> PAGE_SHIFT;
        pages.forEachFree((p, n) -> {
            long end = Math.min(p + n, limit);
            for (long i = p; i < end; i++) {
                if (!testBit(purged, i)) {
                    long from = i;
                    while (i < end && !testBit(purged, i)) {
                        setBit(purged, i);
                        i++;
                    }
                    os.purge(base + (from << PAGE_SHIFT), (i - from) << PAGE_SHIFT);
                    purgedPages += i - from;
                }
            }
        });
        dirtyFreePages = 0;
    }

    // ---- statistics ----

    /** {@return bytes the heap holds from the OS: committed pages not purged, the page map, huge mappings} */
    public long footprint() {
        return highWater - (purgedPages << PAGE_SHIFT) + pages.footprint() + stats.hugeBytes();
    }

    /** {@return the usable bytes of every live allocation} */
    public long liveBytes() {
        return liveSlotBytes + stats.liveBytes();
    }

    /** {@return live allocations of class {@code c}, or large ({@code COUNT}), or huge ({@code COUNT + 1})} */
    public long liveAllocations(int c) {
        if (c >= SizeClasses.COUNT) {
            return stats.live(c);
        }
        long used = 0;
        for (int p = 0, range = (int) (highWater >>> PAGE_SHIFT); p < range; p++) {
            if ((kind[p] == SLAB || kind[p] == POOL) && spanOf[p] == p && cls[p] == c) {
                used += this.used[p];
            }
        }
        return used - cacheCount[c];   // a span's used count includes the slots cached in its bin
    }

    /** {@return live allocations in total} */
    public long liveAllocations() {
        long n = stats.live(SizeClasses.COUNT) + stats.live(SizeClasses.COUNT + 1);
        for (int p = 0, range = (int) (highWater >>> PAGE_SHIFT); p < range; p++) {
            if ((kind[p] == SLAB || kind[p] == POOL) && spanOf[p] == p) {
                n += used[p];
            }
        }
        return n - cachedSlots();
    }

    /** {@return free slots sitting in bin caches} */
    public long cachedSlots() {
        long n = 0;
        for (int c : cacheCount) {
            n += c;
        }
        return n;
    }

    // ---- the invariant check ----

    /**
     * Checks the page map's blocks and tree, and that every allocation bit lies on a slot or span start of a page
     * in use, every cached slot is free and in a span of its class, and every span's count agrees with its bits.
     *
     * @throws IllegalStateException naming the first violation
     */
    public void check() {
        pages.check();
        long range = highWater >>> PAGE_SHIFT;
        int[] spans = new int[SizeClasses.COUNT];
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            for (int i = 0; i < cacheCount[c]; i++) {
                long off = cache[c][i];
                int p = (int) (off >>> PAGE_SHIFT);
                if (testBit(allocBits, off >>> 4) || testBit(availBits, off >>> 4) || cls[p] != c
                        || (kind[p] != SLAB && kind[p] != POOL)) {
                    throw new IllegalStateException("heap: cached slot " + off + " of class " + c + " is not a free"
                            + " slot of that class");
                }
            }
        }
        for (int p = 0; p < range; p++) {
            if (kind[p] == LARGE) {
                long n = pages.pages(p);   // throws if no span starts here
                for (long i = p + 1; i < p + n; i++) {
                    if (kind[(int) i] != FREE) {
                        throw new IllegalStateException("heap: page " + i + " inside the large span at page " + p
                                + " is marked " + kind[(int) i]);
                    }
                }
                if (!testBit(allocBits, ((long) p << PAGE_SHIFT) >>> 4)) {
                    throw new IllegalStateException("heap: the large span at page " + p + " is not marked allocated");
                }
                continue;
            }
            if (kind[p] != SLAB && kind[p] != POOL || spanOf[p] != p) {
                continue;
            }
            int c = cls[p];
            spans[c]++;
            int size = SizeClasses.size(c);
            long first = (long) p << PAGE_SHIFT;
            long n = spanPages(c, p);
            long slots = (n << PAGE_SHIFT) / size;
            for (long i = p; i < p + n; i++) {
                if (kind[(int) i] != kind[p] || cls[(int) i] != c || spanOf[(int) i] != p) {
                    throw new IllegalStateException("heap: page " + i + " of the span at page " + p + " (class " + c
                            + ") is not marked as part of it");
                }
            }
            int avail = 0;
            for (long i = 0; i < slots; i++) {
                if (testBit(availBits, (first + i * size) >>> 4)) {
                    avail++;
                }
            }
            if (avail + used[p] != slots) {
                throw new IllegalStateException("heap: span at page " + p + " (class " + c + "): " + avail
                        + " available + " + used[p] + " used != " + slots + " slots");
            }
        }
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            if (spans[c] != spanCount[c]) {
                throw new IllegalStateException("heap: class " + c + " counts " + spanCount[c] + " spans, "
                        + spans[c] + " found");
            }
        }
    }

    /** {@return the pages of span {@code s} of class {@code c}: one for a slab, the page map's count for a pool} */
    private long spanPages(int c, int s) {
        return SizeClasses.isSmall(c) ? 1 : pages.pages(s);
    }

    /** {@return {address, byteSize} of every mapping the engine holds apart from its region: for leak tests} */
    public java.util.List<long[]> osRanges() {
        java.util.List<long[]> ranges = new java.util.ArrayList<>();
        ranges.add(pages.osRange());
        for (Map.Entry<Long, Long> h : huge.entrySet()) {
            ranges.add(new long[] {h.getKey(), h.getValue()});
        }
        return ranges;
    }

    /** Releases the page map and every huge mapping (the region is its owner's to release). */
    public void release() {
        pages.release();
        for (Map.Entry<Long, Long> h : huge.entrySet()) {
            os.release(h.getKey(), h.getValue());
        }
        huge.clear();
    }

    // ---- partial lists ----

    private boolean isLinked(int c, int s) {
        return partialHead[c] == s || prev[s] >= 0;
    }

    private void linkPartial(int c, int s) {
        int h = partialHead[c];
        next[s] = h;
        prev[s] = -1;
        if (h >= 0) {
            prev[h] = s;
        }
        partialHead[c] = s;
    }

    private void unlinkPartial(int c, int s) {
        if (!isLinked(c, s)) {
            return;
        }
        if (prev[s] >= 0) {
            next[prev[s]] = next[s];
        } else {
            partialHead[c] = next[s];
        }
        if (next[s] >= 0) {
            prev[next[s]] = prev[s];
        }
        next[s] = -1;
        prev[s] = -1;
    }

    // ---- metadata arrays and bits ----

    private void growMetadata(long pagesNeeded) {
        if (pagesNeeded <= kind.length) {
            return;
        }
        int n = (int) Math.min(maxPages, Math.max(pagesNeeded, kind.length + (kind.length >> 1)));
        int old = kind.length;
        kind = Arrays.copyOf(kind, n);
        cls = Arrays.copyOf(cls, n);
        spanOf = Arrays.copyOf(spanOf, n);
        used = Arrays.copyOf(used, n);
        next = Arrays.copyOf(next, n);
        prev = Arrays.copyOf(prev, n);
        Arrays.fill(next, old, n, -1);
        Arrays.fill(prev, old, n, -1);
        purged = Arrays.copyOf(purged, (n + 63) >>> 6);
        allocBits = Arrays.copyOf(allocBits, n * (GRANULES_PER_PAGE / 64));
        availBits = Arrays.copyOf(availBits, n * (GRANULES_PER_PAGE / 64));
    }

    private static boolean testBit(long[] bits, long i) {
        return (bits[(int) (i >>> 6)] & (1L << i)) != 0;
    }

    private static void setBit(long[] bits, long i) {
        bits[(int) (i >>> 6)] |= 1L << i;
    }

    private static void clearBit(long[] bits, long i) {
        bits[(int) (i >>> 6)] &= ~(1L << i);
    }

    /** {@return the first set bit in {@code [from, to)}, or -1} */
    private static long nextBit(long[] bits, long from, long to) {
        for (long i = from; i < to; ) {
            long word = bits[(int) (i >>> 6)] & (-1L << i);
            if (word != 0) {
                long found = (i & ~63L) + Long.numberOfTrailingZeros(word);
                return found < to ? found : -1;
            }
            i = (i & ~63L) + 64;
        }
        return -1;
    }
}
