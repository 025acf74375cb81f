package dev.jalloc.internal.heap;

import dev.jalloc.OutOfNativeMemoryError;
import java.util.random.RandomGenerator;

/**
 * One bin per size class: a cache of free slot offsets that {@code allocate} pops and {@code free} pushes, refilled
 * from the class's spans in batches and flushed back to them, with an adaptive batch size and the collection of
 * idle bins.
 *
 * <pre>
 *   bin c   cache[c][0 .. count[c])   offsets of free slots; the newest on top
 *           fill[c]                   slots a refill brings: SizeClasses.firstFill (8 small, 1 medium) at first, doubled
 *                                     when the bin refills twice between
 *                                     two collections (up to half its cache), halved when a collection finds it idle
 *           active[c]                 refilled, flushed or the target of a reallocation since the last collection
 * </pre>
 * Every {@value #COLLECT_EVENTS} slow-path events (refills, flushes, reallocations, large allocations and frees)
 * the caches of idle bins are emptied, so that a class nobody uses gives its slabs and pools back. Not thread-safe.
 */
final class Bins {
    static final int COLLECT_EVENTS = 64;

    final long[][] cache = new long[SizeClasses.COUNT][];
    final int[] count = new int[SizeClasses.COUNT];
    private final int[] fill = new int[SizeClasses.COUNT];
    private final boolean[] active = new boolean[SizeClasses.COUNT];
    private final Spans spans;
    private final HeapCounters counters;
    /** Runs at every collection: the heap's other caches decay with the bins. */
    private final Runnable onCollect;
    private int events;

    /** Shuffles each refilled cache (a hardened heap's random slot order), or null. */
    private final RandomGenerator shuffle;

    Bins(Spans spans, HeapCounters counters, Runnable onCollect, RandomGenerator shuffle) {
        this.shuffle = shuffle;
        this.spans = spans;
        this.counters = counters;
        this.onCollect = onCollect;
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            cache[c] = new long[SizeClasses.cacheSlots(c)];   // its bounds: SizeClasses.cacheSlots
            fill[c] = SizeClasses.firstFill(c);
        }
    }

    /** {@return the offset of a free slot of class {@code c}, out of the cache (refilled if empty)} */
    long take(int c) {
        int n = count[c];
        if (n == 0) {
            refill(c);
            n = count[c];
        }
        long off = cache[c][--n];
        count[c] = n;
        return off;
    }

    /** Puts the freed slot at {@code off} of class {@code c} in the cache (flushing the older half if full). */
    void put(int c, long off) {
        int n = count[c];
        long[] slots = cache[c];
        if (n == slots.length) {
            flush(c, n / 2);
            tick();
            active[c] = true;
            n = count[c];
        }
        slots[n] = off;
        count[c] = n + 1;
    }

    /** Marks bin {@code c} as in use: a reallocation moved a payload into its class. */
    void markActive(int c) {
        active[c] = true;
    }

    /**
     * Fills up to {@code fill[c]} slots from the class's partial spans, making a new span only while the cache holds
     * less than a quarter of that: a class with a few live objects does not get a second slab just to fill its cache.
     */
    private void refill(int c) {
        long[] slots = cache[c];
        if (active[c]) {
            fill[c] = Math.min(Math.max(1, slots.length / 2), 2 * fill[c]);   // refilled twice in a period: more
        }
        active[c] = true;
        int want = fill[c];
        int n = count[c];
        while (n < want) {
            int s = spans.partialHead[c];
            if (s < 0) {
                if (n > 0 && n >= want / 4) {
                    break;   // enough to go on with: a new span only for a nearly empty cache
                }
                try {
                    s = spans.newSpan(c);
                } catch (OutOfNativeMemoryError e) {
                    count[c] = n;   // the slots taken so far stay in the cache, owned by it
                    if (n > 0) {
                        break;      // some to hand out: the heap is full, this allocation is not refused
                    }
                    throw e;        // nothing taken, nothing changed
                }
            }
            n += spans.takeSlots(c, s, slots, n, want - n);
        }
        count[c] = n;
        if (shuffle != null) {
            for (int i = n - 1; i > 0; i--) {   // Fisher-Yates over the whole cache: take() pops any of them
                int j = shuffle.nextInt(i + 1);
                long t = slots[i];
                slots[i] = slots[j];
                slots[j] = t;
            }
        }
        counters.refills++;
        tick();   // after the refill: a refused one changes nothing
    }

    /** Returns {@code n} slots of bin {@code c}'s cache (its oldest) to their spans. */
    void flush(int c, int n) {
        counters.flushes++;
        long[] slots = cache[c];
        for (int i = 0; i < n; i++) {
            spans.returnSlot(c, slots[i]);
        }
        System.arraycopy(slots, n, slots, 0, count[c] - n);
        count[c] -= n;
    }

    /**
     * Counts a slow-path event; every {@link #COLLECT_EVENTS}th empties the cache of every bin that neither
     * refilled, flushed nor received a reallocation since the last time, and halves its fill. Such a bin is idle
     * (its slots would keep their slabs, or a pool's pages, from going back) or served from its cache alone, which a
     * refill of its now smaller fill restores.
     */
    void tick() {
        if (++events >= COLLECT_EVENTS) {
            events = 0;
            for (int c = 0; c < SizeClasses.COUNT; c++) {
                if (count[c] > 0 && !active[c]) {
                    flush(c, count[c]);
                    fill[c] = Math.max(1, fill[c] / 2);
                }
                active[c] = false;
            }
            onCollect.run();
        }
    }

    /** Empties every cache and releases every empty span: what {@code trim()} does before purging. */
    void flushAll() {
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            flush(c, count[c]);
            spans.releaseEmpty(c);
        }
    }

    /** {@return free slots sitting in the caches} */
    long cachedSlots() {
        long n = 0;
        for (int k : count) {
            n += k;
        }
        return n;
    }
}
