package dev.jalloc.internal.heap;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.internal.memory.Mapping;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import dev.jalloc.internal.util.Confinement;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared heap: the size classes of {@link HeapEngine}, usable and freeable from every thread.
 *
 * <pre>
 *   thread T --enter()--> its ThreadCache (platform thread: for life; virtual thread: a stripe for one call)
 *                          cache[c] -> slot of one of ITS spans; live[slot] = 1 (plain: nobody else writes it)
 *   free(a) from any thread:  span = directory[page of a]; slot = (a - span.start) / size (a multiply)
 *                          live[slot]: compare-and-set 1 -> 0   (the one exact check: a loser gets the error)
 *                          span.owner == T's cache ?  put in T's cache  :  remote bit, push span on owner's stack
 *   the central part (under one lock, slow paths only): PageStore (page spans, large, huge, decay), the
 *   directory's entries, the list of caches
 * </pre>
 * A span is owned by one cache for life, and a cache is held by one thread at a time; a dead thread's cache is
 * adopted whole by the next thread that needs one ({@link ThreadCache}). Memory ordering: the directory and a span's
 * fields are written under the lock before any address in it is handed out, and a thread freeing an address must
 * have learnt it from the allocating thread (a happens-before edge the program provides); the remote steps are
 * described in {@link SharedSpan} and {@link ThreadCache.PendingStack}.
 */
public final class SharedHeapEngine {
    private static final long PAGE = PageStore.PAGE;
    private static final int TABLE = 1024;

    private final MemorySegment mem;
    private final long base;
    private final long limitBytes;
    private final PageStore store;
    private final SpanDirectory directory;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;
    private volatile int trimEpoch;

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

    // Under the lock.
    private long largeAllocations;
    private long largeFrees;
    private long largeBytes;
    private long hugeAllocations;
    private long hugeFrees;
    private long hugeBytes;
    private long spansMade;
    private long spansReleased;

    /**
     * @param region where the pages live, with segments accessible from every thread; page-aligned
     * @param stripes caches for virtual threads, a power of two
     * @throws OutOfNativeMemoryError if the region cannot hold a page
     */
    public SharedHeapEngine(Os os, Region region, int stripes) {
        if (!region.isShared()) {
            throw new IllegalArgumentException("a shared heap needs a region whose segments every thread may use");
        }
        this.mem = region.segment();
        this.base = region.address();
        this.store = new PageStore(os, region);
        this.limitBytes = store.maxPages() << PageStore.PAGE_SHIFT;
        this.directory = new SpanDirectory(store.maxPages());
        ThreadCache[] first = new ThreadCache[stripes];
        for (int i = 0; i < stripes; i++) {
            first[i] = new ThreadCache(this, -1 - i, true);
        }
        this.stripes = first;
        this.maxStripes = Math.max(64, 16 * stripes);
    }

    // ---- the central lock ----

    /**
     * Takes the central lock. A platform thread waits in the lock's queue. A virtual thread waits in it 50 us at a
     * time and then tries again: a virtual thread handed the lock in its turn needs a carrier to take it, and a
     * virtual thread pinned to its carrier (in a class initializer, or under a native frame) that parked in the
     * queue until its turn would keep that carrier from everyone, so that with one carrier nobody could take the
     * lock again. A timed-out try barges in whenever the lock is free, and a thread holding the central lock never
     * blocks inside it, so the pinned thread gets it in the end.
     */
    private void lockCentral() {
        if (lock.tryLock()) {
            return;
        }
        if (!Thread.currentThread().isVirtual()) {
            lock.lock();
            return;
        }
        try {
            while (!lock.tryLock(50, TimeUnit.MICROSECONDS)) {
                // Timed out: leave the queue, and barge in if the lock is free now.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();   // kept for the program; this call still needs the lock
            lock.lock();
        }
    }

    // ---- which cache ----

    /** {@return the calling thread's cache, held} Pair with {@link #exit}. */
    private ThreadCache enter() {
        Thread t = Thread.currentThread();
        ThreadCache c = table[(int) t.threadId() & (TABLE - 1)];
        if (c != null && c.holder() == t) {
            return c;
        }
        return enterSlow(t);
    }

    private static void exit(ThreadCache c) {
        if (c.stripe) {
            c.release();
        }
    }

    private ThreadCache enterSlow(Thread t) {
        checkOpen();
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
        lockCentral();
        try {
            checkOpen();
            ThreadCache[] now = caches;
            ThreadCache c = new ThreadCache(this, now.length, false);
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
        lockCentral();
        try {
            checkOpen();
            ThreadCache[] all = stripes;
            if (all.length != seen || all.length >= maxStripes) {
                return null;
            }
            ThreadCache s = new ThreadCache(this, -1 - all.length, true);
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

    // ---- allocation ----

    /**
     * {@return the address of at least {@code byteSize} bytes aligned to {@code byteAlignment}, zeroed if {@code
     * zero}} Arguments are checked by the caller.
     *
     * @throws OutOfNativeMemoryError if the heap's region is full or the OS refuses memory
     * @throws IllegalStateException  if the heap is closed
     */
    public long allocate(long byteSize, long byteAlignment, boolean zero) {
        if (byteSize <= SizeClasses.MEDIUM_MAX && byteAlignment <= SizeClasses.QUANTUM) {
            return slot(SizeClasses.index(byteSize), zero);
        }
        return allocateSlow(byteSize, byteAlignment, zero);
    }

    private long slot(int c, boolean zero) {
        ThreadCache me = enter();
        long off;
        try {
            off = me.take(c);
        } finally {
            exit(me);
        }
        if (zero) {
            mem.asSlice(off, SizeClasses.size(c)).fill((byte) 0);
        }
        return base + off;
    }

    private long allocateSlow(long byteSize, long byteAlignment, boolean zero) {
        if (byteSize <= SizeClasses.MEDIUM_MAX && byteAlignment <= PAGE) {
            int c = alignedClass(byteSize, byteAlignment);
            if (c >= 0) {
                return slot(c, zero);
            }
        }
        long bytes = Math.max(byteSize, 1);
        lockCentral();
        try {
            checkOpen();
            if (bytes >= PageStore.HUGE_MIN || byteAlignment > HeapEngine.MAX_SPAN_ALIGNMENT) {
                long address = store.allocateHuge(bytes, byteAlignment);   // fresh from the OS: zero already
                hugeAllocations++;
                hugeBytes += store.hugeSize(address);
                return address;
            }
            long n = (bytes + PAGE - 1) >>> PageStore.PAGE_SHIFT;
            long p = store.allocate(n, Math.max(1, byteAlignment >>> PageStore.PAGE_SHIFT));
            store.handOut(p, n, zero);
            SharedSpan s = new SharedSpan(null, SharedSpan.LARGE, (int) p, n);
            s.markLive(0);
            directory.set(p, 1, s);
            largeAllocations++;
            largeBytes += n << PageStore.PAGE_SHIFT;
            return base + (p << PageStore.PAGE_SHIFT);
        } finally {
            lock.unlock();
        }
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

    // ---- free ----

    /**
     * Frees the payload at {@code address}, from any thread.
     *
     * @throws IllegalArgumentException if it is not a live payload of this heap: foreign, interior, already freed,
     *                                  or freed by another thread at the same moment (one of the two frees wins)
     */
    public void free(long address) {
        long off = address - base;
        SharedSpan s = spanOf(off);
        int i;
        if (s == null || (i = s.slotAt(off)) < 0 || !s.claimFree(i)) {
            freeHuge(address, off);
            return;
        }
        finishFree(s, i, off);
    }

    /** Gives back slot {@code i} of span {@code s} at offset {@code off}, whose free this thread claimed. */
    private void finishFree(SharedSpan s, int i, long off) {
        if (s.isLarge()) {
            freeLarge(s);
            return;
        }
        ThreadCache me = enter();
        try {
            if (s.owner == me) {
                me.put(s, i, off);
            } else {
                me.remoteFreed[s.cls]++;
                if (s.remoteFree(i)) {
                    s.owner.pending.push(s);
                }
            }
        } finally {
            exit(me);
        }
    }

    /** {@return the span holding heap offset {@code off}, or null if none could} */
    private SharedSpan spanOf(long off) {
        if (Long.compareUnsigned(off, limitBytes) >= 0 || (off & 15) != 0) {
            return null;
        }
        return directory.get(off >>> PageStore.PAGE_SHIFT);
    }

    /** The span of the directory for heap offset {@code off}, which the caller knows holds a slot. */
    SharedSpan spanAt(long off) {
        return directory.get(off >>> PageStore.PAGE_SHIFT);
    }

    private void freeHuge(long address, long off) {
        Mapping m = takeHuge(address);
        if (m == null) {
            throw new IllegalArgumentException(describeBadAddress(address, off, "free"));
        }
        releaseHuge(m);
    }

    private void freeLarge(SharedSpan s) {
        lockCentral();
        try {
            checkOpen();
            directory.set(s.firstPage, 1, null);
            s.released = true;
            store.free(s.firstPage);
            largeFrees++;
            largeBytes -= s.pages << PageStore.PAGE_SHIFT;
        } finally {
            lock.unlock();
        }
    }

    private String describeBadAddress(long address, long off, String what) {
        String why = Long.compareUnsigned(off, limitBytes) >= 0 ? "not an address of this heap"
                : (off & 15) != 0 ? "not the start of a payload (misaligned)"
                : "not the start of an allocated payload (already freed, freed by another thread at the same time, "
                        + "or inside one)";
        return what + ": " + Bits.hex(address) + " is " + why;
    }

    // ---- spans: the central part ----

    /** {@return a new slab or pool of class {@code c} for {@code owner}, every slot available} */
    SharedSpan newSpan(ThreadCache owner, int c) {
        lockCentral();
        try {
            checkOpen();
            long n = SizeClasses.spanBytes(c, owner.spanCount[c]) >>> PageStore.PAGE_SHIFT;
            long p = store.allocate(n, 1);
            store.handOut(p, n, false);
            SharedSpan s = new SharedSpan(owner, c, (int) p, n);
            directory.set(p, n, s);
            owner.spanCount[c]++;
            spansMade++;
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** Gives the empty span {@code s} of {@code owner} back to the page store. */
    void releaseSpan(ThreadCache owner, SharedSpan s) {
        lockCentral();
        try {
            if (closed) {
                return;   // everything goes with the region
            }
            directory.set(s.firstPage, s.pages, null);
            s.released = true;
            store.free(s.firstPage);
            owner.spanCount[s.cls]--;
            spansReleased++;
        } finally {
            lock.unlock();
        }
    }

    int trimEpoch() {
        return trimEpoch;
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

    // ---- reallocate, usable size, segments ----

    /** {@return the usable bytes of the live payload at {@code address}} @throws IllegalArgumentException if none */
    public long usableSize(long address) {
        long off = address - base;
        SharedSpan s = spanOf(off);
        int i;
        if (s != null && (i = s.slotAt(off)) >= 0 && s.isLive(i)) {
            return s.isLarge() ? s.pages << PageStore.PAGE_SHIFT : s.size;
        }
        long size = store.hugeSize(address);   // a concurrent map: no lock needed to read it
        if (size < 0) {
            throw new IllegalArgumentException(describeBadAddress(address, off, "usableSize"));
        }
        return size;
    }

    /**
     * {@return the payload at {@code address} resized: in place when its usable size still fits (and is not more
     * than twice too big), else moved, the bytes beyond the old usable size zeroed if {@code zero}}
     */
    public long reallocate(long address, long byteSize, boolean zero) {
        long off = address - base;
        SharedSpan s = spanOf(off);
        int i = s == null ? -1 : s.slotAt(off);
        if (i >= 0 && s.isLive(i)) {
            long usable = s.isLarge() ? s.pages << PageStore.PAGE_SHIFT : s.size;
            if (fitsInPlace(usable, byteSize)) {
                return address;
            }
            // Claimed first: of this and a racing free, one wins, and the winner alone touches the payload. Claimed,
            // the slot is in no cache, so nobody is handed it (the same address) while it is copied.
            if (!s.claimFree(i)) {
                throw new IllegalArgumentException(describeBadAddress(address, off, "reallocate"));
            }
            long moved;
            try {
                moved = allocate(Math.max(byteSize, 1), SizeClasses.QUANTUM, false);
            } catch (RuntimeException | Error e) {
                s.markLive(i);   // refused: it is live again, as it was (nobody else could touch it meanwhile)
                throw e;
            }
            copy(mem.asSlice(off, usable), moved, usable, byteSize, zero);
            finishFree(s, i, off);
            return moved;
        }
        long usable = store.hugeSize(address);
        if (usable < 0) {
            throw new IllegalArgumentException(describeBadAddress(address, off, "reallocate"));
        }
        if (fitsInPlace(usable, byteSize)) {
            return address;
        }
        Mapping m = takeHuge(address);
        if (m == null) {
            throw new IllegalArgumentException(describeBadAddress(address, off, "reallocate"));
        }
        long moved;
        try {
            moved = allocate(Math.max(byteSize, 1), SizeClasses.QUANTUM, false);
        } catch (RuntimeException | Error e) {
            putHuge(address, m);
            throw e;
        }
        copy(m.segment(), moved, m.reservation().byteSize(), byteSize, zero);
        releaseHuge(m);
        return moved;
    }

    private static boolean fitsInPlace(long usable, long byteSize) {
        return byteSize <= usable && (usable <= 128 || byteSize > usable / 2);
    }

    /** Copies what both sizes hold from {@code from} to the payload at {@code moved}, zeroing the rest if asked. */
    private void copy(MemorySegment from, long moved, long usable, long byteSize, boolean zero) {
        long n = Math.min(usable, byteSize);
        MemorySegment to = segment(moved, Math.max(byteSize, 1));
        MemorySegment.copy(from, 0, to, 0, n);
        if (zero && byteSize > usable) {
            to.asSlice(usable, byteSize - usable).fill((byte) 0);
        }
    }

    /** Puts back a huge mapping taken with {@link #takeHuge}: a reallocation was refused. */
    private void putHuge(long address, Mapping m) {
        lockCentral();
        try {
            store.putHuge(address, m);
            hugeFrees--;
            hugeBytes += m.reservation().byteSize();
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return the huge mapping at {@code address}, taken out of the heap (this thread owns it now, and no other can
     * find it), or null}
     */
    private Mapping takeHuge(long address) {
        lockCentral();
        try {
            checkOpen();
            Mapping m = store.takeHuge(address);
            if (m != null) {
                hugeFrees++;
                hugeBytes -= m.reservation().byteSize();
            }
            return m;
        } finally {
            lock.unlock();
        }
    }

    /** Releases a huge mapping taken with {@link #takeHuge}. */
    private void releaseHuge(Mapping m) {
        m.endScope();   // the slow part (a handshake with every thread), outside the lock
        lockCentral();
        try {
            m.release();   // the unmap, counted in the heap's usage under the lock
        } finally {
            lock.unlock();
        }
    }

    /** {@return a segment of {@code byteSize} bytes at {@code address}, a payload of this heap} */
    public MemorySegment segment(long address, long byteSize) {
        long off = address - base;
        if (Long.compareUnsigned(off, limitBytes) < 0) {
            return mem.asSlice(off, byteSize);
        }
        MemorySegment huge = store.hugeSegment(address);
        if (huge == null) {
            throw new IllegalArgumentException(describeBadAddress(address, off, "segment"));
        }
        return huge.asSlice(0, byteSize);
    }

    /**
     * Gives back what the calling thread's cache holds, what caches no live thread holds and idle stripes hold,
     * and every free page; other threads give back their caches at their next slow path.
     */
    public void trim() {
        checkOpen();
        trimEpoch++;
        ThreadCache me = enter();
        try {
            me.flushAll();
        } finally {
            exit(me);
        }
        reclaim(true);
        lockCentral();
        try {
            checkOpen();
            store.trim();
        } finally {
            lock.unlock();
        }
    }

    // ---- statistics: racy while threads work, exact when the heap is quiet ----

    /** {@return the usable bytes of every live allocation} */
    public long liveBytes() {
        long bytes;
        lockCentral();
        try {
            bytes = largeBytes + hugeBytes;
        } finally {
            lock.unlock();
        }
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            bytes += liveSlots(c) * SizeClasses.size(c);
        }
        return bytes;
    }

    private long liveSlots(int c) {
        long n = 0;
        for (ThreadCache t : allCaches()) {
            n += t.out[c] - t.count[c] - t.remoteFreed[c] + t.drained[c];
        }
        return n;
    }

    private List<ThreadCache> allCaches() {
        ThreadCache[] all = caches;
        ThreadCache[] virtual = stripes;
        ThreadCache[] both = Arrays.copyOf(all, all.length + virtual.length);
        System.arraycopy(virtual, 0, both, all.length, virtual.length);
        return Arrays.asList(both);
    }

    /** {@return live allocations of class {@code c}, or large ({@code COUNT}), or huge ({@code COUNT + 1})} */
    public long liveAllocations(int c) {
        if (c < SizeClasses.COUNT) {
            return liveSlots(c);
        }
        lockCentral();
        try {
            return c == SizeClasses.COUNT ? largeAllocations - largeFrees : hugeAllocations - hugeFrees;
        } finally {
            lock.unlock();
        }
    }

    /** {@return live allocations in total} */
    public long liveAllocations() {
        long n = 0;
        for (int c = 0; c < SizeClasses.COUNT + 2; c++) {
            n += liveAllocations(c);
        }
        return n;
    }

    /** {@return bytes the heap holds from the OS: committed pages not purged, and huge mappings} */
    public long footprint() {
        lockCentral();
        try {
            return closed ? 0 : store.footprint();
        } finally {
            lock.unlock();
        }
    }

    /** {@return the thread caches made for platform threads so far (each adopted again when its thread dies)} */
    public int threadCaches() {
        return caches.length;
    }

    /**
     * Checks every invariant of the spans, caches and counters. Meant for a quiet heap: with other threads working,
     * it may report their work in progress.
     *
     * @throws IllegalStateException naming the first violation
     */
    public void check() {
        lockCentral();
        try {
            checkOpen();
            SharedHeapChecker.check(store, directory, allCaches(), spansMade - spansReleased, largeAllocations
                    - largeFrees);
        } finally {
            lock.unlock();
        }
    }

    // ---- lifetime ----

    private void checkOpen() {
        if (closed) {
            throw Confinement.closed("Heap");
        }
    }

    /**
     * Marks the heap closed after {@code first} (which may refuse, and then nothing changes): every later call
     * throws. {@return false if it was closed already}
     */
    public boolean close(Runnable first) {
        lockCentral();
        try {
            if (closed) {
                return false;
            }
            first.run();
            closed = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Releases the huge mappings (their segments first) and gives the region back. After {@link #close()}. */
    public void release() {
        lockCentral();
        try {
            store.release();
        } finally {
            lock.unlock();
        }
    }

    /** Releases the huge mappings only: the region went away with its arena. */
    public void releaseHuge() {
        lockCentral();
        try {
            closed = true;
            store.releaseHuge();
        } finally {
            lock.unlock();
        }
    }

    /** {@return {address, byteSize} of every huge mapping: for leak tests} */
    public List<long[]> hugeRanges() {
        return store.hugeRanges();
    }

    /** {@return how many times the heap purged its free pages} */
    public long purges() {
        lockCentral();
        try {
            return store.purges();
        } finally {
            lock.unlock();
        }
    }
}
