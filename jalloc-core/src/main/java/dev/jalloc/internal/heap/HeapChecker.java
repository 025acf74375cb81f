package dev.jalloc.internal.heap;

import static dev.jalloc.internal.heap.Spans.FREE;
import static dev.jalloc.internal.heap.Spans.LARGE;
import static dev.jalloc.internal.heap.Spans.PAGE_SHIFT;
import static dev.jalloc.internal.heap.Spans.POOL;
import static dev.jalloc.internal.heap.Spans.SLAB;

import dev.jalloc.internal.util.Bitmaps;

/**
 * The heap's invariant check, O(pages + slots), for tests and debugging: the page spans; every cached slot a free
 * slot of its class; every large span marked on its first page only and allocated; every slab and pool's pages
 * marked as its own and its used count equal to its slots less the available ones; every guard's pages marked
 * GUARD and no other page, no payload starting in one; the span counts; and the counters agreeing with the spans.
 */
final class HeapChecker {
    private HeapChecker() {
    }

    /** @throws IllegalStateException naming the first violation */
    static void check(PageStore store, Spans spans, Bins bins, LargeCache largeCache, HeapCounters counters) {
        store.check();
        long range = store.limitPages();
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            for (int i = 0; i < bins.count[c]; i++) {
                long off = bins.cache[c][i];
                int p = (int) (off >>> PAGE_SHIFT);
                if (Bitmaps.get(spans.allocBits, off >>> 4) || Bitmaps.get(spans.availBits, off >>> 4) || spans.cls[p] != c
                        || (spans.kind[p] != SLAB && spans.kind[p] != POOL)) {
                    throw new IllegalStateException("heap: cached slot " + off + " of class " + c
                            + " is not a free slot of that class");
                }
            }
        }
        int[] spanTotals = new int[SizeClasses.COUNT];
        long[] usedTotals = new long[SizeClasses.COUNT];
        long largeBytes = 0;
        long cachedPages = 0;
        long guardPages = 0;
        for (int p = 0; p < range; p++) {
            if (spans.kind[p] == Spans.GUARD) {
                guardPages++;
                checkGuardPage(spans, store, p);
                continue;
            }
            if (spans.kind[p] == Spans.CACHED) {
                long n = store.pages(p);
                cachedPages += n;
                if (!largeCache.contains(p, n) || Bitmaps.get(spans.allocBits, ((long) p << PAGE_SHIFT) >>> 4)) {
                    throw new IllegalStateException("heap: the cached large span at page " + p
                            + " is not in the cache, or is marked allocated");
                }
                continue;
            }
            if (spans.kind[p] == LARGE) {
                long n = store.pages(p);
                largeBytes += n << PAGE_SHIFT;
                for (long i = p + 1; i < p + n; i++) {
                    if (spans.kind[(int) i] != FREE) {
                        throw new IllegalStateException("heap: page " + i + " inside the large span at page " + p
                                + " is marked " + spans.kind[(int) i]);
                    }
                }
                if (!Bitmaps.get(spans.allocBits, ((long) p << PAGE_SHIFT) >>> 4)) {
                    throw new IllegalStateException("heap: the large span at page " + p + " is not marked allocated");
                }
                continue;
            }
            if (spans.kind[p] != SLAB && spans.kind[p] != POOL || spans.spanOf[p] != p) {
                continue;
            }
            int c = spans.cls[p];
            spanTotals[c]++;
            usedTotals[c] += spans.used[p];
            checkSpan(spans, store, c, p);
        }
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            if (spanTotals[c] != spans.spanCount[c]) {
                throw new IllegalStateException("heap: class " + c + " counts " + spans.spanCount[c] + " spans, "
                        + spanTotals[c] + " found");
            }
            if (usedTotals[c] != counters.slotsOut[c]) {
                throw new IllegalStateException("heap: class " + c + " counts " + counters.slotsOut[c]
                        + " slots out of its spans, the spans say " + usedTotals[c]);
            }
        }
        if (guardPages != store.guardPages()) {
            throw new IllegalStateException("heap: " + guardPages + " pages marked guard, the store has "
                    + store.guardPages());
        }
        if (cachedPages != largeCache.cachedPages()) {
            throw new IllegalStateException("heap: " + cachedPages + " pages in spans marked cached, the cache holds "
                    + largeCache.cachedPages());
        }
        if (largeBytes != counters.largeBytes) {
            throw new IllegalStateException("heap: large spans hold " + largeBytes + " bytes, the counters say "
                    + counters.largeBytes);
        }
        if (store.hugeBytes() != counters.hugeBytes) {
            throw new IllegalStateException("heap: huge mappings hold " + store.hugeBytes() + " bytes, the counters say "
                    + counters.hugeBytes);
        }
    }

    /** Page {@code p}, marked GUARD, lies in a guard the store knows, and no payload starts in it. */
    private static void checkGuardPage(Spans spans, PageStore store, int p) {
        int first = p;
        while (first > 0 && spans.kind[first - 1] == Spans.GUARD && store.guardAt(first) == 0) {
            first--;
        }
        if (store.guardAt(first) <= p - first) {
            throw new IllegalStateException("heap: page " + p + " is marked guard and lies in no guard");
        }
        int from = (int) ((long) p * Spans.GRANULES_PER_PAGE >>> 6);
        for (int w = from; w < from + Spans.GRANULES_PER_PAGE / 64; w++) {
            if (spans.allocBits[w] != 0 || spans.availBits[w] != 0) {
                throw new IllegalStateException("heap: a slot or payload starts in the guard page " + p);
            }
        }
    }

    private static void checkSpan(Spans spans, PageStore store, int c, int p) {
        int size = SizeClasses.size(c);
        long first = (long) p << PAGE_SHIFT;
        long n = spans.spanPages(c, p);
        long slots = (n << PAGE_SHIFT) / size;
        for (long i = p; i < p + n; i++) {
            if (spans.kind[(int) i] != spans.kind[p] || spans.cls[(int) i] != c || spans.spanOf[(int) i] != p) {
                throw new IllegalStateException("heap: page " + i + " of the span at page " + p + " (class " + c
                        + ") is not marked as part of it");
            }
        }
        if (SizeClasses.isSmall(c) && store.pages(p) != 1) {
            throw new IllegalStateException("heap: slab at page " + p + " spans " + store.pages(p) + " pages");
        }
        int avail = 0;
        for (long i = 0; i < slots; i++) {
            if (Bitmaps.get(spans.availBits, (first + i * size) >>> 4)) {
                avail++;
            }
        }
        if (avail + spans.used[p] != slots) {
            throw new IllegalStateException("heap: span at page " + p + " (class " + c + "): " + avail
                    + " available + " + spans.used[p] + " used != " + slots + " slots");
        }
    }
}
