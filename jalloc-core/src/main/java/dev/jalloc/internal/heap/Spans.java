package dev.jalloc.internal.heap;

import dev.jalloc.internal.util.Bitmaps;

import java.util.Arrays;

/**
 * The heap's page descriptors and slot bitmaps, all out of band (Java arrays), and the spans of each size class:
 * slabs (one page, small classes) and pools (runs of pages, medium classes) with the partial list of those that
 * have slots available.
 *
 * <pre>
 *   per page p       kind[p]: FREE | SLAB | POOL | LARGE | CACHED | GUARD   cls[p]: class   spanOf[p]: first page of
 *                    its slab or pool (a large span, live or cached, is marked on its first page only; its other
 *                    pages read FREE; every page of a guard reads GUARD)
 *   per span s       used[s]: slots out of it (cached or live)    next[s] / prev[s]: its class's partial list
 *   per granule g    allocBits[g]: a payload starts here (what free() checks)
 *   (16 bytes)       availBits[g]: a free slot starts here, in no cache (what a refill takes)
 *   per class c      partialHead[c]: spans with available slots    spanCount[c]: its slabs or pools
 * </pre>
 * Arrays cover the heap's committed prefix ({@link #limitBytes}) and grow with it. Not thread-safe.
 */
final class Spans {
    static final byte FREE = 0;
    static final byte SLAB = 1;
    static final byte POOL = 2;
    static final byte LARGE = 3;
    /** A freed large span kept in the {@link LargeCache}: allocated in the page spans, its payload not live. */
    static final byte CACHED = 4;
    /** A guard page after a slab or pool ({@link SlabGuards}): never handed out, inaccessible. */
    static final byte GUARD = 5;
    static final int PAGE_SHIFT = PageStore.PAGE_SHIFT;
    static final int GRANULES_PER_PAGE = (int) (PageStore.PAGE >>> 4);

    byte[] kind = new byte[0];
    byte[] cls = new byte[0];
    int[] spanOf = new int[0];
    short[] used = new short[0];
    int[] next = new int[0];
    int[] prev = new int[0];
    long[] allocBits = new long[0];
    long[] availBits = new long[0];
    /** The bytes the arrays cover: an offset at or above it is no payload of the heap's region. */
    long limitBytes;
    final int[] partialHead = new int[SizeClasses.COUNT];
    final int[] spanCount = new int[SizeClasses.COUNT];
    private final PageStore store;
    private final HeapCounters counters;

    Spans(PageStore store, HeapCounters counters) {
        this.store = store;
        this.counters = counters;
        Arrays.fill(partialHead, -1);
    }

    /** Makes the arrays cover the first {@code pages} pages. */
    void cover(long pages) {
        if (pages <= kind.length) {
            return;
        }
        int n = (int) Math.min(store.maxPages(), Math.max(pages, kind.length + (kind.length >> 1)));
        int old = kind.length;
        kind = Arrays.copyOf(kind, n);
        cls = Arrays.copyOf(cls, n);
        spanOf = Arrays.copyOf(spanOf, n);
        used = Arrays.copyOf(used, n);
        next = Arrays.copyOf(next, n);
        prev = Arrays.copyOf(prev, n);
        Arrays.fill(next, old, n, -1);
        Arrays.fill(prev, old, n, -1);
        allocBits = Arrays.copyOf(allocBits, n * (GRANULES_PER_PAGE / 64));
        availBits = Arrays.copyOf(availBits, n * (GRANULES_PER_PAGE / 64));
        limitBytes = (long) n << PAGE_SHIFT;
    }

    /** {@return a span of {@code n} pages aligned to {@code alignPages}, with the arrays covering it} */
    long allocatePages(long n, long alignPages) {
        long p = store.allocate(n, alignPages);
        cover(store.limitPages());
        return p;
    }

    // ---- slabs and pools ----

    /** {@return the first page of a new slab or pool of class {@code c}, its slots available, on the partial list} */
    int newSpan(int c) {
        long n = SizeClasses.spanBytes(c, spanCount[c]) >>> PAGE_SHIFT;
        int s = (int) store.allocateSlab(n);
        cover(store.limitPages());
        for (long g = s + n, end = g + store.guardAt(g); g < end; g++) {
            kind[(int) g] = GUARD;   // a guard after it, made now or there before
        }
        store.handOut(s, n, false);
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
            Bitmaps.set(availBits, (first + i * size) >>> 4);
        }
        linkPartial(c, s);
        counters.spansMade++;
        return s;
    }

    /** {@return the pages of span {@code s} of class {@code c}: one for a slab, the page map's count for a pool} */
    long spanPages(int c, int s) {
        return SizeClasses.isSmall(c) ? 1 : store.pages(s);
    }

    /**
     * Moves up to {@code want} available slots of span {@code s} (class {@code c}) into {@code slots} from index
     * {@code n}, a bitmap word at a time. {@return how many it moved}
     */
    int takeSlots(int c, int s, long[] slots, int n, int want) {
        // A span starts on a page, so its granules fill whole words of the bitmap.
        int from = (int) ((long) s * GRANULES_PER_PAGE >>> 6);
        int to = from + (int) (spanPages(c, s) * GRANULES_PER_PAGE >>> 6);
        int taken = 0;
        boolean more = false;
        for (int w = from; w < to; w++) {
            long bits = availBits[w];
            while (bits != 0 && taken < want) {
                slots[n + taken++] = ((long) w << 10) + ((long) Long.numberOfTrailingZeros(bits) << 4);
                bits &= bits - 1;
            }
            availBits[w] = bits;
            if (bits != 0) {
                more = true;   // the cache is full
                break;
            }
        }
        used[s] += (short) taken;
        counters.slotsOut[c] += taken;
        if (!more && Bitmaps.nextSet(availBits, (long) from << 6, (long) to << 6) == (long) to << 6) {
            unlinkPartial(c, s);
        }
        return taken;
    }

    /** Gives the free slot at offset {@code off} (class {@code c}) back to its span; an empty span may go back too. */
    void returnSlot(int c, long off) {
        int s = spanOf[(int) (off >>> PAGE_SHIFT)];
        Bitmaps.set(availBits, off >>> 4);
        counters.slotsOut[c]--;
        if (!isLinked(c, s)) {
            linkPartial(c, s);
        }
        if (--used[s] == 0 && (!SizeClasses.isSmall(c) || next[s] >= 0 || prev[s] >= 0)) {
            // Empty: give its pages back, but keep a class's last slab (one page) against thrash at a boundary.
            // A pool is several pages and the bin's cache already absorbs alloc/free pairs, so it always goes.
            releaseSpan(c, s);
        }
    }

    /** Gives the empty span {@code s} of class {@code c} back to the page store. */
    void releaseSpan(int c, int s) {
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
        store.free(s);
        counters.spansReleased++;
    }

    /** Releases every empty span of class {@code c}, the last slab included. */
    void releaseEmpty(int c) {
        for (int s = partialHead[c]; s >= 0; ) {
            int following = next[s];
            if (used[s] == 0) {
                releaseSpan(c, s);
            }
            s = following;
        }
    }

    // ---- partial lists ----

    boolean isLinked(int c, int s) {
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
}
