package dev.jalloc.internal.heap;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared heap's invariants, walked at a quiet moment: every span from the directory, every cached slot, and
 * the counters agree.
 *
 * <pre>
 *   per span      used == slots - available       used == live + cached + freed remotely and not drained
 *                                                 (published, or in the freeing cache's outbox)
 *                 no slot is two of: live, available, remote, cached, in an outbox
 *                 every page of a slab or pool maps to it; it is not released; its owner's count knows it
 *   per cache     every cached slot is in a span the cache owns, once
 *   per class     sum over caches of (out - cached - remoteFreed + drained) == live slots of the class
 * </pre>
 */
final class SharedHeapChecker {
    private SharedHeapChecker() {
    }

    static void check(PageStore store, SpanDirectory directory, List<ThreadCache> caches, long slabsAndPools,
            long larges) {
        store.check();
        Map<SharedSpan, int[]> cached = new IdentityHashMap<>();
        Map<Long, ThreadCache> seen = new HashMap<>();
        for (ThreadCache c : caches) {
            for (int k = 0; k < SizeClasses.COUNT; k++) {
                for (int j = 0; j < c.count[k]; j++) {
                    long off = c.cache[k][j] >>> 16;
                    SharedSpan s = directory.get(off >>> PageStore.PAGE_SHIFT);
                    int slot = s == null ? -1 : s.slotAt(off);
                    if (slot < 0 || s.owner != c || s.cls != k || (c.cache[k][j] & 0xFFFF) != slot) {
                        fail(c + ": cached slot at offset " + off + " is not a slot of class " + k + " it owns");
                    }
                    if (seen.put(off, c) != null) {
                        fail(c + ": slot at offset " + off + " is cached twice");
                    }
                    if (s.live[slot] != 0 || bit(s.avail, slot) || bit(s.remote, slot)) {
                        fail(c + ": cached slot at offset " + off + " is also live, available or remote");
                    }
                    cached.computeIfAbsent(s, x -> new int[1])[0]++;
                }
            }
        }
        Map<SharedSpan, long[]> outboxes = new IdentityHashMap<>();   // slots freed remotely, not yet published
        for (ThreadCache c : caches) {
            SharedSpan s = c.outSpan;
            if (s != null) {
                if (s.owner == c || s.isLarge() || s.released || c.outBits == 0) {
                    fail(c + ": its outbox holds a slab of its own, a large or released span, or nothing");
                }
                long[] words = outboxes.computeIfAbsent(s, x -> new long[x.remote.length]);
                if ((words[c.outWord] & c.outBits) != 0) {
                    fail(c + ": a slot in its outbox is in another cache's outbox too");
                }
                words[c.outWord] |= c.outBits;
            }
        }
        long[] liveByClass = new long[SizeClasses.COUNT];
        long spans = 0;
        long largeSpans = 0;
        Map<ThreadCache, int[]> spansByOwner = new IdentityHashMap<>();
        SharedSpan last = null;
        for (long p = 0; p < store.limitPages(); p++) {
            SharedSpan s = directory.get(p);
            if (s == null || s == last) {
                continue;
            }
            last = s;
            if (s.released) {
                fail("page " + p + " maps to a released span");
            }
            if (s.isLarge()) {
                largeSpans++;
                if (store.pages(p) != s.pages) {
                    fail("large span at page " + p + " has the wrong size");
                }
                int keptBy = 0;
                for (ThreadCache c : caches) {
                    keptBy += c.cachesLarge(p, s.pages) ? 1 : 0;
                }
                if (s.live[0] != 1 - keptBy) {   // live, or kept by exactly one cache
                    fail("large span at page " + p + ": live byte " + s.live[0] + ", kept by " + keptBy + " caches");
                }
                continue;
            }
            spans++;
            spansByOwner.computeIfAbsent(s.owner, x -> new int[SizeClasses.COUNT])[s.cls]++;
            for (long q = s.firstPage; q < s.firstPage + s.pages; q++) {
                if (directory.get(q) != s) {
                    fail("page " + q + " of the span at page " + s.firstPage + " maps elsewhere");
                }
            }
            int live = 0;
            int avail = 0;
            int remote = 0;
            int outbox = 0;
            long[] out = outboxes.getOrDefault(s, new long[s.remote.length]);
            for (int i = 0; i < s.slots; i++) {
                int states = (s.live[i] != 0 ? 1 : 0) + (bit(s.avail, i) ? 1 : 0) + (bit(s.remote, i) ? 1 : 0)
                        + (bit(out, i) ? 1 : 0);
                if (states > 1) {
                    fail("slot " + i + " of the span at page " + s.firstPage + " is in " + states + " states");
                }
                live += s.live[i] != 0 ? 1 : 0;
                avail += bit(s.avail, i) ? 1 : 0;
                remote += bit(s.remote, i) ? 1 : 0;
                outbox += bit(out, i) ? 1 : 0;
            }
            int inCache = cached.getOrDefault(s, new int[1])[0];
            if (s.used != s.slots - avail || s.used != live + inCache + remote + outbox) {
                fail("span at page " + s.firstPage + " (class " + s.cls + "): used " + s.used + ", slots " + s.slots
                        + ", available " + avail + ", live " + live + ", cached " + inCache + ", remote " + remote
                        + ", in outboxes " + outbox);
            }
            if (avail > 0 && !s.onPartial) {
                fail("span at page " + s.firstPage + " has available slots but is on no partial list");
            }
            if (remote > 0 && s.pending == 0) {
                fail("span at page " + s.firstPage + " has remote frees but is not pending");
            }
            liveByClass[s.cls] += live;
        }
        if (spans != slabsAndPools) {
            fail("the directory holds " + spans + " slabs and pools, the counters say " + slabsAndPools);
        }
        if (largeSpans != larges) {
            fail("the directory holds " + largeSpans + " large spans, the counters say " + larges);
        }
        for (ThreadCache c : caches) {
            int[] byClass = spansByOwner.getOrDefault(c, new int[SizeClasses.COUNT]);
            for (int k = 0; k < SizeClasses.COUNT; k++) {
                if (c.spanCount[k] != byClass[k]) {
                    fail(c + " counts " + c.spanCount[k] + " spans of class " + k + ", owns " + byClass[k]);
                }
            }
        }
        for (int k = 0; k < SizeClasses.COUNT; k++) {
            long counted = 0;
            for (ThreadCache c : caches) {
                counted += c.out[k] - c.count[k] - c.remoteFreed[k] + c.drained[k];
            }
            if (counted != liveByClass[k]) {
                fail("class " + k + ": the counters say " + counted + " live slots, the spans hold " + liveByClass[k]);
            }
        }
    }

    private static boolean bit(long[] words, int i) {
        return (words[i >>> 6] & (1L << i)) != 0;
    }

    private static void fail(String what) {
        throw new IllegalStateException("shared heap: " + what);
    }
}
