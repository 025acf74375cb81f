package dev.jalloc.internal.heap;

import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Which {@link ThreadCache} a thread uses: the table of platform threads' caches, their adoption when threads
 * die, the stripes of virtual threads, and the reclaim of caches nobody holds.
 *
 * <pre>
 *   platform thread T   table[T.threadId & 1023] -> its cache, if the cache's holder is T (one load, one compare);
 *                       otherwise a weak ThreadLocal (two live threads collided in the table), else adopt a cache
 *                       whose holder died or is null, else make one (caches are never dropped)
 *   virtual thread V    a stripe, compare-and-set of its holder null -> V, for one call; all busy: make another,
 *                       up to maxStripes, then wait 50 us and look again
 * </pre>
 */
final class ThreadCaches {
    private static final int TABLE = 1024;

    private final SharedHeapEngine heap;
    private final CentralLock lock;
    /** Platform threads' caches by {@code threadId & (TABLE - 1)}; a collision falls back to {@link #fallback}. */
    private final ThreadCache[] table = new ThreadCache[TABLE];
    /**
     * Weak, so that a thread's entry does not keep a closed heap reachable (the value would reach the engine, and the
     * engine this key, and the thread's map would never let the entry go).
     */
    private final ThreadLocal<WeakReference<ThreadCache>> fallback = new ThreadLocal<>();
    /** Every platform-thread cache ever made (copy on write, under the lock): they are adopted, never dropped. */
    private volatile ThreadCache[] caches = new ThreadCache[0];
    /** Caches for virtual threads: the first ones made with the heap, more when all are busy, up to a cap. */
    private volatile ThreadCache[] stripes;
    private final int maxStripes;

    ThreadCaches(SharedHeapEngine heap, CentralLock lock, int stripes) {
        this.heap = heap;
        this.lock = lock;
        ThreadCache[] first = new ThreadCache[stripes];
        for (int i = 0; i < stripes; i++) {
            first[i] = new ThreadCache(heap, -1 - i, true);
        }
        this.stripes = first;
        this.maxStripes = Math.max(64, 16 * stripes);
    }

    /** {@return the calling thread's cache, held} Pair with {@link #exit}. */
    ThreadCache enter() {
        Thread t = Thread.currentThread();
        ThreadCache c = table[(int) t.threadId() & (TABLE - 1)];
        if (c != null && c.holder() == t) {
            return c;
        }
        return enterSlow(t);
    }

    static void exit(ThreadCache c) {
        if (c.stripe) {
            c.release();
        }
    }

    private ThreadCache enterSlow(Thread t) {
        heap.checkOpen();
        if (t.isVirtual()) {
            return holdStripe(t);
        }
        WeakReference<ThreadCache> ref = fallback.get();
        ThreadCache c = ref == null ? null : ref.get();
        if (c != null && c.holder() == t) {
            return c;
        }
        c = findOrAdopt(t);
        int slot = (int) t.threadId() & (TABLE - 1);
        ThreadCache there = table[slot];
        Thread h = there == null ? null : there.holder();
        if (there == null || h == null || !h.isAlive() || ((int) h.threadId() & (TABLE - 1)) != slot) {
            table[slot] = c;
        } else {
            fallback.set(new WeakReference<>(c));   // the slot belongs to another live thread
        }
        return c;
    }

    /** {@return a cache {@code t} holds: its own (its thread-local was lost), a dead thread's, an idle one, or new} */
    private ThreadCache findOrAdopt(Thread t) {
        ThreadCache[] all = caches;
        for (ThreadCache c : all) {
            if (c.holder() == t) {
                return c;
            }
        }
        for (ThreadCache c : all) {
            Thread h = c.holder();
            if ((h == null || !h.isAlive()) && c.tryHold(h, t)) {
                return c;
            }
        }
        lock.lock();
        try {
            heap.checkOpen();
            ThreadCache[] now = caches;
            ThreadCache c = new ThreadCache(heap, now.length, false);
            c.tryHold(null, t);
            ThreadCache[] more = Arrays.copyOf(now, now.length + 1);
            more[now.length] = c;
            caches = more;
            return c;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return a stripe, held by virtual thread {@code t} for one call} Starts at a place chosen by the thread and
     * takes the first free one. When all are busy (their holders wait for the central lock, or run on other
     * carriers), it makes another rather than wait: a virtual thread spinning for a stripe could keep the holders
     * from the carrier they need to finish, and a pinned one would not even yield it. Past {@code maxStripes}
     * (thousands of virtual threads inside the heap at once), it waits 50 us and tries again.
     */
    private ThreadCache holdStripe(Thread t) {
        int from = (int) (t.threadId() * 0x9E3779B97F4A7C15L >>> 40);
        while (true) {
            ThreadCache[] all = stripes;
            int n = all.length;
            for (int k = 0; k < n; k++) {
                ThreadCache s = all[(from + k) % n];
                if (s.holder() == null && s.tryHold(null, t)) {
                    s.touched = true;
                    return s;
                }
            }
            ThreadCache made = moreStripes(t, n);
            if (made != null) {
                return made;
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /** {@return a new stripe held by {@code t}, or null if the stripes changed meanwhile or are at their cap} */
    private ThreadCache moreStripes(Thread t, int seen) {
        lock.lock();
        try {
            heap.checkOpen();
            ThreadCache[] all = stripes;
            if (all.length != seen || all.length >= maxStripes) {
                return null;
            }
            ThreadCache s = new ThreadCache(heap, -1 - all.length, true);
            s.tryHold(null, t);
            s.touched = true;
            ThreadCache[] more = Arrays.copyOf(all, all.length + 1);
            more[all.length] = s;
            stripes = more;
            return s;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Empties the caches no live thread holds (a dead thread's, an idle one): their cached slots go back to their
     * spans, remote frees are taken in, and empty spans go back. Stripes nobody holds right now take in their remote
     * frees (and give back their empty spans); those no virtual thread took since the last time are emptied too, or
     * every stripe if {@code allStripes}: memory freed into a stripe by other threads comes back without a trim.
     */
    void reclaim(boolean allStripes) {
        Thread me = Thread.currentThread();
        for (ThreadCache c : caches) {
            Thread h = c.holder();
            if ((h == null || !h.isAlive()) && h != me && c.tryHold(h, me)) {
                try {
                    c.flushAll();
                } finally {
                    c.release();
                }
            }
        }
        for (ThreadCache s : stripes) {
            if (s.holder() == null && s.tryHold(null, me)) {
                try {
                    if (allStripes || !s.touched) {
                        s.flushAll();
                    } else {
                        s.drain();
                    }
                    s.touched = false;
                } finally {
                    s.release();
                }
            }
        }
    }

    /** {@return every cache: the platform threads' and the stripes} */
    List<ThreadCache> all() {
        ThreadCache[] all = caches;
        ThreadCache[] virtual = stripes;
        ThreadCache[] both = Arrays.copyOf(all, all.length + virtual.length);
        System.arraycopy(virtual, 0, both, all.length, virtual.length);
        return Arrays.asList(both);
    }


    /** {@return the thread caches made for platform threads so far (each adopted again when its thread dies)} */
    int platformCaches() {
        return caches.length;
    }

}
