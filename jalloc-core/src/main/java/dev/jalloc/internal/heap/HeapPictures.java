package dev.jalloc.internal.heap;

import dev.jalloc.heap.HeapPicture;
import dev.jalloc.heap.HeapPicture.Kind;
import dev.jalloc.heap.HeapPicture.Run;
import dev.jalloc.heap.HeapStats;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Draws a {@link HeapPicture} from a heap's metadata: the confined heap's page arrays ({@link Spans}), or the shared
 * heap's directory of {@link SharedSpan}s (under its lock). Both walk the committed prefix once, a span or a free
 * run at a time: O(pages).
 */
final class HeapPictures {
    private HeapPictures() {
    }

    /** {@return the confined heap's picture} */
    static HeapPicture confined(HeapStats stats, long address, PageStore store, Spans spans) {
        List<Run> runs = walk(store, p -> {
            int page = (int) p;
            byte kind = spans.kind[page];
            if (kind == Spans.SLAB || kind == Spans.POOL) {
                int c = spans.cls[page];
                long n = spans.spanPages(c, page);
                long size = SizeClasses.size(c);
                return new Run(p, n, kind == Spans.SLAB ? Kind.SLAB : Kind.POOL, c, size,
                        (int) ((n << PageStore.PAGE_SHIFT) / size), liveSlots(spans.allocBits, p, n), spans.used[page],
                        Run.NO_OWNER);
            }
            if (kind == Spans.GUARD) {
                return new Run(p, store.pages(p), Kind.GUARD, -1, 0, 0, 0, 0, Run.NO_OWNER);
            }
            boolean cached = kind == Spans.CACHED;
            return new Run(p, store.pages(p), cached ? Kind.CACHED : Kind.LARGE, -1, 0, 0, cached ? 0 : 1,
                    cached ? 0 : 1, Run.NO_OWNER);
        });
        return new HeapPicture(stats, address, store.limitPages(), store.maxPages(), runs, huge(store));
    }

    /** {@return the shared heap's picture}; under its central lock */
    static HeapPicture shared(HeapStats stats, long address, PageStore store, SpanDirectory directory) {
        List<Run> runs = walk(store, p -> {
            SharedSpan s = directory.get(p);
            long n = store.pages(p);
            if (s == null || s.firstPage != p) {
                return new Run(p, n, Kind.LARGE, -1, 0, 0, 1, 1, Run.NO_OWNER);   // not drawn otherwise
            }
            if (s.isLarge()) {
                boolean live = s.isLive(0);   // a large span belongs to no cache (a thread's may keep it, freed)
                return new Run(p, n, live ? Kind.LARGE : Kind.CACHED, -1, 0, 0, live ? 1 : 0, live ? 1 : 0,
                        Run.NO_OWNER);
            }
            int live = 0;
            for (int i = 0; i < s.slots; i++) {
                live += s.isLive(i) ? 1 : 0;
            }
            return new Run(p, n, SizeClasses.isSmall(s.cls) ? Kind.SLAB : Kind.POOL, s.cls, s.size, s.slots, live,
                    s.used, s.owner.id);
        });
        return new HeapPicture(stats, address, store.limitPages(), store.maxPages(), runs, huge(store));
    }

    /**
     * {@return the runs of the committed prefix in address order}: the free spans split into free and purged runs,
     * every other span the run {@code spanAt} makes of the span starting at a page
     */
    private static List<Run> walk(PageStore store, LongFunction<Run> spanAt) {
        List<Run> runs = new ArrayList<>();
        long limit = store.limitPages();
        List<long[]> free = store.freeSpans();
        int f = 0;
        for (long p = 0; p < limit; ) {
            if (f < free.size() && free.get(f)[0] == p) {
                long[] span = free.get(f++);
                addFree(runs, store, span[0], span[1]);
                p += span[1];
            } else {
                Run r = spanAt.apply(p);
                runs.add(r);
                p += r.pages();
            }
        }
        return runs;
    }

    /** Adds the free span {@code [from, from + n)} as runs of free and purged pages. */
    private static void addFree(List<Run> runs, PageStore store, long from, long n) {
        long start = from;
        boolean purged = store.isPurged(from);
        for (long p = from + 1; p <= from + n; p++) {
            boolean now = p < from + n && store.isPurged(p);
            if (p == from + n || now != purged) {
                runs.add(new Run(start, p - start, purged ? Kind.PURGED : Kind.FREE, -1, 0, 0, 0, 0, Run.NO_OWNER));
                start = p;
                purged = now;
            }
        }
    }

    /** {@return the live slots of the span at page {@code p} of {@code n} pages: its set bits of allocBits} */
    private static int liveSlots(long[] allocBits, long p, long n) {
        int from = (int) (p * Spans.GRANULES_PER_PAGE >>> 6);
        int to = (int) ((p + n) * Spans.GRANULES_PER_PAGE >>> 6);
        int live = 0;
        for (int w = from; w < to && w < allocBits.length; w++) {
            live += Long.bitCount(allocBits[w]);
        }
        return live;
    }

    private static List<HeapPicture.HugeMapping> huge(PageStore store) {
        List<HeapPicture.HugeMapping> huge = new ArrayList<>();
        for (long[] r : store.hugeRanges()) {
            huge.add(new HeapPicture.HugeMapping(r[0], r[1]));
        }
        return huge;
    }
}
