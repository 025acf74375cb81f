package dev.jalloc.internal.heap;

import dev.jalloc.OutOfNativeMemoryError;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;

/**
 * A thread's part of the shared heap: the spans it owns, one bin cache per size class over them, and the stack of
 * its spans that other threads freed into. Only its holder touches it, without a lock: a platform thread holds its
 * cache until it dies, a virtual thread holds a stripe (a cache kept for virtual threads) for one call.
 *
 * <pre>
 *   holder      the thread using it now: a platform thread for life, a virtual thread for one call, or null
 *               (free to adopt); compare-and-set from null, or from a thread that is no longer alive
 *   cache[c]    free slots of class c from its own spans, the newest on top (as Bins), each as
 *               offset << 16 | slot index; its span is the directory's entry for the offset's page (no
 *               reference kept: storing one costs every free a GC write barrier)
 *   partial[c]  its spans of class c with available slots, doubly linked
 *   pending     spans with slots freed by other threads: a Treiber stack, pushed by any thread (compare-and-set),
 *               taken whole by the holder (getAndSet null) on its slow path
 * </pre>
 * When a thread dies its cache is adopted whole by the next thread that needs one, spans, cached slots and pending
 * frees included: a span never changes owner, so a remote free always knows which stack to push on. A cache
 * nobody adopts is emptied by {@link SharedHeapEngine#reclaim} (its spans stay with it, empty ones go back).
 */
final class ThreadCache {
    private static final VarHandle HOLDER;

    static {
        try {
            HOLDER = MethodHandles.lookup().findVarHandle(ThreadCache.class, "holder", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Bytes of empty spans a cache keeps for its next refills instead of giving them back at once: every span made or
     * given back takes the heap's central lock, and a thread whose blocks other threads free empties and refills
     * spans all the time. Kept spans not used again within a collection period go back.
     */
    private static final long EMPTY_BYTES = 256 << 10;
    static final int COLLECT_EVENTS = 64;

    final SharedHeapEngine heap;
    final int id;
    /** A stripe for virtual threads, held for one call at a time. */
    final boolean stripe;
    private volatile Thread holder;
    final PendingStack pending = new PendingStack();

    final long[][] cache = new long[SizeClasses.COUNT][];
    private final SpanDirectory directory;
    final int[] count = new int[SizeClasses.COUNT];
    private final int[] fill = new int[SizeClasses.COUNT];
    private final boolean[] active = new boolean[SizeClasses.COUNT];
    private final SharedSpan[] partial = new SharedSpan[SizeClasses.COUNT];
    final int[] spanCount = new int[SizeClasses.COUNT];
    /**
     * Statistics, counted off the fast paths: per class, slots out of this cache's spans (into its cache or live,
     * or freed remotely and not drained yet), slots this cache's holders freed into other caches' spans, and slots
     * other threads freed into this cache's spans that it drained. Live slots of a class: the sum over caches of
     * {@code out - count - remoteFreed + drained}.
     */
    final long[] out = new long[SizeClasses.COUNT];
    final long[] remoteFreed = new long[SizeClasses.COUNT];
    final long[] drained = new long[SizeClasses.COUNT];
    private int events;
    private int trimEpoch;
    private int period;
    private long emptyBytes;
    private final ArrayDeque<SharedSpan> empties = new ArrayDeque<>();
    /**
     * Large spans its holders freed, kept (still in the directory, their payload not live) for the next large
     * allocation of the same page count: a large pair is a pop and a push, without the central lock. Bounded by
     * {@link LargeCache#MIN_LIMIT} per cache, and decayed with the collection periods.
     */
    private final LargeCache large = new LargeCache();
    /**
     * The outbox: slots its holders freed (claimed) into one remote word of another cache's span, not yet published
     * there. Consecutive remote frees into the same word (a consumer freeing a producer's batch) cost one atomic OR
     * of the owner's remote word and one look at its pending flag for all of them, instead of one each. Published
     * when a free goes to another word, on every slow path of the holder ({@link #drain}, {@link #tick}), by
     * {@code trim()} in the holder's thread, and by whoever reclaims or adopts the cache of a dead thread. At most one
     * word of slots per cache waits, until one of those: a live thread that only frees and then blocks for good
     * keeps that word (at most one span) from its owner; a heap-wide trim cannot reach it, as it cannot reach any
     * other live thread's cache.
     */
    SharedSpan outSpan;
    int outWord;
    long outBits;
    /** A stripe taken by a virtual thread since the last reclaim (written by its holders, read by the reclaimer). */
    boolean touched;

    ThreadCache(SharedHeapEngine heap, int id, boolean stripe) {
        this.heap = heap;
        this.id = id;
        this.stripe = stripe;
        this.trimEpoch = heap.trimEpoch();
        this.directory = heap.directory();
    }

    // ---- holding ----

    Thread holder() {
        return holder;
    }

    /** {@return whether {@code t} now holds this cache: it was free, or its holder {@code expected} died} */
    boolean tryHold(Thread expected, Thread t) {
        return HOLDER.compareAndSet(this, expected, t);
    }

    /** Lets go of the cache: the next holder's compare-and-set sees everything done with it. */
    void release() {
        HOLDER.setRelease(this, null);
    }

    // ---- the holder's operations ----

    /** {@return the offset of a free slot of class {@code c}, marked live} */
    long take(int c) {
        int n = count[c];
        if (n == 0) {
            refill(c);
            n = count[c];
        }
        long e = cache[c][--n];
        count[c] = n;
        long off = e >>> 16;
        directory.get(off >>> PageStore.PAGE_SHIFT).markLive((int) e & 0xFFFF);
        return off;
    }

    /** Takes slot {@code i} at {@code off} of its own span {@code s} (its free already claimed) into the cache. */
    void put(SharedSpan s, int i, long off) {
        int c = s.cls;
        long[] slots = cache[c];
        if (slots == null) {
            slots = cacheOf(c);
        }
        int n = count[c];
        if (n == slots.length) {
            flush(c, n / 2);
            active[c] = true;
            tick();
            n = count[c];
        }
        slots[n] = off << 16 | i;
        count[c] = n + 1;
    }

    /** Records the remote free of slot {@code i} of {@code s}, another cache's span (its free already claimed). */
    void freeRemote(SharedSpan s, int i) {
        int w = i >>> 6;
        if (s != outSpan || w != outWord) {
            publishOutbox();
            outSpan = s;
            outWord = w;
        }
        outBits |= 1L << i;
    }

    /** Publishes the outbox: the remote bits set in its span, and the span pushed on its owner's stack if needed. */
    void publishOutbox() {
        SharedSpan s = outSpan;
        if (s != null) {
            if (s.remoteFree(outWord, outBits)) {
                s.owner.pending.push(s);
            }
            outSpan = null;
            outBits = 0;
        }
    }

    private long[] cacheOf(int c) {
        long[] slots = cache[c];
        if (slots == null) {
            slots = new long[SizeClasses.cacheSlots(c)];
            cache[c] = slots;
            fill[c] = SizeClasses.firstFill(c);
        }
        return slots;
    }

    /**
     * Fills the cache of class {@code c}: first the slots other threads freed, then available slots of its partial
     * spans, a new span only while the cache holds less than a quarter of the fill (as {@link Bins}).
     */
    private void refill(int c) {
        long[] slots = cacheOf(c);
        int epoch = heap.trimEpoch();
        if (epoch != trimEpoch) {
            trimEpoch = epoch;   // a heap-wide trim since the last slow path: give back what this cache holds
            flushAll();
        } else {
            drain();
        }
        if (active[c]) {
            fill[c] = Math.min(Math.max(1, slots.length / 2), 2 * fill[c]);
        }
        active[c] = true;
        int want = fill[c];
        int n = count[c];
        while (n < want) {
            SharedSpan s = partial[c];
            if (s == null) {
                if (n > 0 && n >= want / 4) {
                    break;
                }
                try {
                    s = heap.newSpan(this, c);
                } catch (OutOfNativeMemoryError e) {
                    count[c] = n;
                    if (n > 0) {
                        break;
                    }
                    throw e;
                }
                link(s);
            }
            n += takeSlots(s, slots, n, want - n);
        }
        count[c] = n;
        tick();
    }

    private int takeSlots(SharedSpan s, long[] slots, int n, int want) {
        int taken = 0;
        long[] avail = s.avail;
        for (int w = 0; w < avail.length && taken < want; w++) {
            long bits = avail[w];
            while (bits != 0 && taken < want) {
                int i = (w << 6) + Long.numberOfTrailingZeros(bits);
                slots[n + taken++] = s.offsetOf(i) << 16 | i;
                bits &= bits - 1;
            }
            avail[w] = bits;
        }
        if (s.keptEmpty && taken > 0) {
            s.keptEmpty = false;   // in use again (it stays in the queue of empties until a collection drops it)
            emptyBytes -= s.pages << PageStore.PAGE_SHIFT;
        }
        s.used += taken;
        out[s.cls] += taken;
        if (!s.hasAvailable()) {
            unlink(s);
        }
        return taken;
    }

    /** Returns the {@code n} oldest cached slots of class {@code c} to their spans. */
    void flush(int c, int n) {
        long[] slots = cache[c];
        for (int i = 0; i < n; i++) {
            SharedSpan s = directory.get(slots[i] >>> (16 + PageStore.PAGE_SHIFT));
            int slot = (int) slots[i] & 0xFFFF;
            s.avail[slot >>> 6] |= 1L << slot;
            s.used--;
            settle(s);
        }
        System.arraycopy(slots, n, slots, 0, count[c] - n);
        count[c] -= n;
        out[c] -= n;
    }

    /**
     * Puts span {@code s}, which got slots back, on its partial list; gives it back to the page store once empty
     * unless it is its class's last slab (kept against thrash at a boundary, as in the confined heap).
     */
    private void settle(SharedSpan s) {
        if (!s.onPartial) {
            link(s);
        }
        if (s.used == 0 && !s.keptEmpty && (!SizeClasses.isSmall(s.cls) || spanCount[s.cls] > 1)) {
            long bytes = s.pages << PageStore.PAGE_SHIFT;
            if (emptyBytes + bytes <= EMPTY_BYTES) {
                s.keptEmpty = true;
                s.keptIn = period;
                emptyBytes += bytes;
                if (!s.inEmpties) {
                    s.inEmpties = true;
                    empties.addLast(s);
                }
            } else {
                unlink(s);
                heap.releaseSpan(this, s);
            }
        }
    }

    /** Gives back the empty spans kept before the previous collection period and not used since. */
    private void releaseOldEmpties() {
        for (int k = empties.size(); k > 0; k--) {
            SharedSpan s = empties.pollFirst();
            s.inEmpties = false;
            if (!s.keptEmpty || s.released) {
                continue;   // in use again: out of the queue until it is empty again
            }
            if (s.keptIn >= period - 1) {
                s.inEmpties = true;
                empties.addLast(s);
                continue;
            }
            s.keptEmpty = false;
            emptyBytes -= s.pages << PageStore.PAGE_SHIFT;
            unlink(s);
            heap.releaseSpan(this, s);
        }
    }

    /** Takes back every slot other threads freed into this cache's spans; spans empty now go back. */
    void drain() {
        publishOutbox();
        SharedSpan s = pending.takeAll();
        while (s != null) {
            SharedSpan next = s.nextPending;   // read before the span can be pushed again
            if (s.released) {
                s.pending = 0;   // pushed by a free that lost the race with the drain that emptied it
            } else {
                int n = s.drainRemote();
                if (n > 0) {
                    out[s.cls] -= n;
                    drained[s.cls] += n;
                    settle(s);
                }
            }
            s = next;
        }
    }

    /**
     * Counts a slow-path event; every {@value #COLLECT_EVENTS}th empties the caches of idle classes (as
     * {@link Bins#tick}) and lets the heap reclaim the caches of dead threads.
     */
    void tick() {
        if (++events >= COLLECT_EVENTS) {
            events = 0;
            publishOutbox();
            for (int c = 0; c < SizeClasses.COUNT; c++) {
                if (count[c] > 0 && !active[c]) {
                    flush(c, count[c]);
                    fill[c] = Math.max(1, fill[c] / 2);
                }
                active[c] = false;
            }
            period++;
            releaseOldEmpties();
            large.collect(heap::releaseCachedLarge);
            heap.reclaim(false);
        }
    }

    /**
     * Empties every cache, takes back remote frees, and releases every empty span, the last slabs included, and every
     * kept large span.
     */
    void flushAll() {
        drain();
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            if (count[c] > 0) {
                flush(c, count[c]);
            }
            for (SharedSpan s = partial[c]; s != null; ) {
                SharedSpan next = s.nextPartial;
                if (s.used == 0) {
                    s.keptEmpty = false;
                    unlink(s);
                    heap.releaseSpan(this, s);
                }
                s = next;
            }
        }
        for (SharedSpan s : empties) {
            s.inEmpties = false;
        }
        empties.clear();
        emptyBytes = 0;
        large.flush(heap::releaseCachedLarge);
    }

    // ---- large spans ----

    /**
     * {@return the first page of a cached large span of exactly {@code n} pages whose first page is a multiple of
     * {@code alignPages} (a power of two), taken out of the cache, or -1}
     */
    long takeLarge(long n, long alignPages) {
        long p = large.take(n);
        if (p >= 0 && (p & (alignPages - 1)) != 0) {
            large.put(p, n, 0);   // the room it just left
            p = -1;
        }
        tick();
        return p;
    }

    /** {@return whether the large span {@code s}, whose free this thread claimed, is now kept in the cache} */
    boolean putLarge(SharedSpan s) {
        tick();
        return large.put(s.firstPage, s.pages, 0);
    }

    /** {@return the large spans kept} */
    int cachedLargeSpans() {
        return large.spans();
    }

    /** {@return the pages of the large spans kept} */
    long cachedLargePages() {
        return large.cachedPages();
    }

    /** {@return whether the large span at page {@code p} of {@code n} pages is kept here} */
    boolean cachesLarge(long p, long n) {
        return large.contains(p, n);
    }

    // ---- partial lists ----

    private void link(SharedSpan s) {
        SharedSpan h = partial[s.cls];
        s.nextPartial = h;
        s.prevPartial = null;
        if (h != null) {
            h.prevPartial = s;
        }
        partial[s.cls] = s;
        s.onPartial = true;
    }

    void unlink(SharedSpan s) {
        if (!s.onPartial) {
            return;
        }
        if (s.prevPartial != null) {
            s.prevPartial.nextPartial = s.nextPartial;
        } else {
            partial[s.cls] = s.nextPartial;
        }
        if (s.nextPartial != null) {
            s.nextPartial.prevPartial = s.prevPartial;
        }
        s.nextPartial = null;
        s.prevPartial = null;
        s.onPartial = false;
    }

    @Override
    public String toString() {
        return (stripe ? "stripe " : "cache ") + id + " held by " + holder;
    }

    /**
     * The stack of spans with remote frees. Padded so that the compare-and-sets of other threads never share a
     * cache line with the fields the holder writes on every call.
     */
    static final class PendingStack extends PendingHead {
        @SuppressWarnings("unused")
        private long q0, q1, q2, q3, q4, q5, q6, q7;

        /** Pushes span {@code s} (its pending flag just set by the caller). */
        void push(SharedSpan s) {
            SharedSpan h;
            do {
                h = head;
                s.nextPending = h;
            } while (!HEAD.compareAndSet(this, h, s));
        }

        /** {@return the whole stack, now empty} */
        SharedSpan takeAll() {
            return head == null ? null : (SharedSpan) HEAD.getAndSet(this, (SharedSpan) null);
        }
    }

    abstract static class PendingPad {
        @SuppressWarnings("unused")
        private long p0, p1, p2, p3, p4, p5, p6, p7;
    }

    abstract static class PendingHead extends PendingPad {
        static final VarHandle HEAD;

        static {
            try {
                HEAD = MethodHandles.lookup().findVarHandle(PendingHead.class, "head", SharedSpan.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        volatile SharedSpan head;
    }
}
