package dev.jalloc.internal.heap;

import java.util.function.LongConsumer;

/**
 * Freed large spans kept for a request of the same page count, so that a large allocate/free pair is a pop and a
 * push instead of a trip through the page spans (best fit, coalescing, decay). Bounded in bytes, and decayed: a
 * span not taken again within one collection period (see {@link Bins#tick}) goes back to the page store.
 *
 * <pre>
 *   by page count n (1 .. MAX_PAGES)   pages[n][0 .. count[n])   first pages of free spans of n pages, newest on top
 *                                      gens[n][i]                 the collection period it was cached in
 *   bound: at most MAX_PER_SIZE per count, and cachedPages * 4 KiB <= the limit the caller gives (a share of its
 *   footprint, at least MIN_LIMIT); a span larger than half the limit is never cached
 * </pre>
 * Not thread-safe: one owner (the confined heap, or one thread cache of the shared heap); the shared heap's statistics
 * read {@link #spans} and {@link #cachedPages} racily, exact when the heap is quiet.
 */
final class LargeCache {
    /** Spans of up to this many pages are cached: every large span (huge ones have mappings of their own). */
    static final int MAX_PAGES = (int) (PageStore.HUGE_MIN >>> PageStore.PAGE_SHIFT) - 1;
    /** The least the bound allows, whatever the footprint: a 1 MiB buffer freed and taken again stays cached. */
    static final long MIN_LIMIT = 2L << 20;
    private static final int MAX_PER_SIZE = 4;

    private final long[][] pages = new long[MAX_PAGES + 1][];
    private final int[][] gens = new int[MAX_PAGES + 1][];
    private final int[] count = new int[MAX_PAGES + 1];
    private long cachedPages;
    private int spans;
    private int gen;

    /** {@return the first page of a cached span of exactly {@code n} pages, now taken out, or -1} */
    long take(long n) {
        if (n > MAX_PAGES) {
            return -1;
        }
        int k = count[(int) n];
        if (k == 0) {
            return -1;
        }
        count[(int) n] = --k;
        cachedPages -= n;
        spans--;
        return pages[(int) n][k];
    }

    /**
     * Caches the free span at page {@code p} of {@code n} pages if the bound allows. {@return whether it did}
     *
     * @param limitBytes the most bytes the cache may hold now
     */
    boolean put(long p, long n, long limitBytes) {
        long limit = Math.max(MIN_LIMIT, limitBytes);
        if (n > MAX_PAGES || (n << PageStore.PAGE_SHIFT) > limit / 2
                || (cachedPages + n) << PageStore.PAGE_SHIFT > limit) {
            return false;
        }
        int i = (int) n;
        int k = count[i];
        if (k == MAX_PER_SIZE) {
            return false;
        }
        if (pages[i] == null) {
            pages[i] = new long[MAX_PER_SIZE];
            gens[i] = new int[MAX_PER_SIZE];
        }
        pages[i][k] = p;
        gens[i][k] = gen;
        count[i] = k + 1;
        cachedPages += n;
        spans++;
        return true;
    }

    /** Gives {@code release} every span cached before the previous period, and starts a new period. */
    void collect(LongConsumer release) {
        if (spans > 0) {
            for (int n = 1; n <= MAX_PAGES; n++) {
                int k = count[n];
                if (k == 0) {
                    continue;
                }
                int kept = 0;
                for (int j = 0; j < k; j++) {
                    if (gens[n][j] >= gen - 1) {   // cached in this period or the last: kept, in order
                        pages[n][kept] = pages[n][j];
                        gens[n][kept++] = gens[n][j];
                    } else {
                        release.accept(pages[n][j]);
                        cachedPages -= n;
                        spans--;
                    }
                }
                count[n] = kept;
            }
        }
        gen++;
    }

    /** Gives {@code release} every cached span. */
    void flush(LongConsumer release) {
        if (spans == 0) {
            return;
        }
        for (int n = 1; n <= MAX_PAGES; n++) {
            for (int j = 0; j < count[n]; j++) {
                release.accept(pages[n][j]);
            }
            count[n] = 0;
        }
        cachedPages = 0;
        spans = 0;
    }

    /** {@return the cached spans} */
    int spans() {
        return spans;
    }

    /** {@return the pages of the cached spans} */
    long cachedPages() {
        return cachedPages;
    }

    /** {@return whether the span at page {@code p} of {@code n} pages is cached} O(MAX_PER_SIZE). */
    boolean contains(long p, long n) {
        if (n > MAX_PAGES) {
            return false;
        }
        for (int j = 0; j < count[(int) n]; j++) {
            if (pages[(int) n][j] == p) {
                return true;
            }
        }
        return false;
    }
}
