package dev.jalloc.internal.heap;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.internal.memory.Mapping;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import java.lang.foreign.MemorySegment;
import dev.jalloc.heap.HeapPicture;
import dev.jalloc.heap.HeapStats;
import dev.jalloc.heap.SizeClassStats;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared heap: the size classes of {@link HeapEngine}, usable and freeable from every thread.
 *
 * <pre>
 *   thread T --enter()--> its ThreadCache (platform thread: for life; virtual thread: a stripe for one call)
 *                          cache[c] -> slot of one of ITS spans; live[slot] = 1 (plain: nobody else writes it)
 *   free(a) from any thread:  span = directory[page of a]; slot = (a - span.start) / size (a multiply)
 *                          live[slot]: compare-and-set 1 -> 0   (the one exact check: a loser gets the error)
 *                          span.owner == T's cache ?  put in T's cache  :  into T's outbox (one remote word);
 *                          a free into another word publishes it: remote bits, push span on owner's stack
 *   the central part (SharedPages, under one CentralLock, slow paths only): PageStore (page spans, large, huge,
 *   decay), the directory's entries; which cache a thread uses: ThreadCaches
 * </pre>
 * A span is owned by one cache for life, and a cache is held by one thread at a time; a dead thread's cache is
 * adopted whole by the next thread that needs one ({@link ThreadCache}). Memory ordering: the directory and a span's
 * fields are written under the lock before any address in it is handed out, and a thread freeing an address must
 * have learnt it from the allocating thread (a happens-before edge the program provides); the remote steps are
 * described in {@link SharedSpan} and {@link ThreadCache.PendingStack}.
 */
public final class SharedHeapEngine extends HeapBackend {
    private static final long PAGE = PageStore.PAGE;

    private final MemorySegment mem;
    private final long base;
    private final long limitBytes;
    private final CentralLock lock = new CentralLock();
    private final SharedPages pages;
    private final ThreadCaches threads;
    /** Changed by every heap-wide trim: each cache empties itself at its next refill when it sees a new value. */
    private volatile int trimEpoch;

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
        this.pages = new SharedPages(os, region, lock);
        this.limitBytes = pages.maxPages() << PageStore.PAGE_SHIFT;
        this.threads = new ThreadCaches(this, lock, stripes);
    }

    // ---- allocation ----

    /**
     * {@return the address of at least {@code byteSize} bytes aligned to {@code byteAlignment}, zeroed if {@code
     * zero}} Arguments are checked by the caller.
     *
     * @throws OutOfNativeMemoryError if the heap's region is full or the OS refuses memory
     * @throws IllegalStateException  if the heap is closed
     */
    @Override
    public long allocate(long byteSize, long byteAlignment, boolean zero) {
        if (byteSize <= SizeClasses.MEDIUM_MAX && byteAlignment <= SizeClasses.QUANTUM) {
            return slot(SizeClasses.index(byteSize), zero);
        }
        return allocateSlow(byteSize, byteAlignment, zero);
    }

    private long slot(int c, boolean zero) {
        ThreadCache me = threads.enter();
        long off;
        try {
            off = me.take(c);
        } finally {
            ThreadCaches.exit(me);
        }
        if (zero) {
            mem.asSlice(off, SizeClasses.size(c)).fill((byte) 0);
        }
        return base + off;
    }

    private long allocateSlow(long byteSize, long byteAlignment, boolean zero) {
        if (byteSize <= SizeClasses.MEDIUM_MAX && byteAlignment <= PAGE) {
            int c = SizeClasses.alignedIndex(byteSize, byteAlignment);
            if (c >= 0) {
                return slot(c, zero);
            }
        }
        long bytes = Math.max(byteSize, 1);
        if (bytes >= PageStore.HUGE_MIN || byteAlignment > HeapEngine.MAX_SPAN_ALIGNMENT) {
            return pages.allocateHuge(bytes, byteAlignment);   // fresh from the OS: zero already
        }
        long n = (bytes + PAGE - 1) >>> PageStore.PAGE_SHIFT;
        long alignPages = Math.max(1, byteAlignment >>> PageStore.PAGE_SHIFT);
        ThreadCache me = threads.enter();
        long p;
        try {
            p = me.takeLarge(n, alignPages);
        } finally {
            ThreadCaches.exit(me);
        }
        if (p < 0) {
            return base + pages.allocateLarge(n, alignPages, zero);
        }
        long off = p << PageStore.PAGE_SHIFT;
        pages.spanAt(p).markLive(0);   // nobody else can find it: out of every cache, its payload not live
        if (zero) {
            mem.asSlice(off, n << PageStore.PAGE_SHIFT).fill((byte) 0);   // handed out before: dirty
        }
        return base + off;
    }

    // ---- free ----

    /**
     * Frees the payload at {@code address}, from any thread.
     *
     * @throws IllegalArgumentException if it is not a live payload of this heap: foreign, interior, already freed,
     *                                  or freed by another thread at the same moment (one of the two frees wins)
     */
    @Override
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
        ThreadCache me = threads.enter();
        try {
            if (s.isLarge()) {
                if (!me.putLarge(s)) {
                    pages.freeLarge(s);
                }
            } else if (s.owner == me) {
                me.put(s, i, off);
            } else {
                me.remoteFreed[s.cls]++;
                me.freeRemote(s, i);
            }
        } finally {
            ThreadCaches.exit(me);
        }
    }

    /** {@return the span holding heap offset {@code off}, or null if none could} */
    private SharedSpan spanOf(long off) {
        if (Long.compareUnsigned(off, limitBytes) >= 0 || (off & 15) != 0) {
            return null;
        }
        return pages.spanAt(off >>> PageStore.PAGE_SHIFT);
    }

    private void freeHuge(long address, long off) {
        Mapping m = pages.takeHuge(address);
        if (m == null) {
            throw new IllegalArgumentException(describeBadAddress(address, off, "free"));
        }
        pages.releaseHuge(m);
    }

    private String describeBadAddress(long address, long off, String what) {
        String why = Long.compareUnsigned(off, limitBytes) >= 0 ? "not an address of this heap"
                : (off & 15) != 0 ? "not the start of a payload (misaligned)"
                : "not the start of an allocated payload (already freed, freed by another thread at the same time, "
                        + "or inside one)";
        return what + ": " + Bits.hex(address) + " is " + why;
    }

    // ---- for the thread caches ----

    /** {@return a new slab or pool of class {@code c} for {@code owner}, every slot available} */
    SharedSpan newSpan(ThreadCache owner, int c) {
        return pages.newSpan(owner, c);
    }

    /** Gives the empty span {@code s} of {@code owner} back to the page store. */
    void releaseSpan(ThreadCache owner, SharedSpan s) {
        pages.releaseSpan(owner, s);
    }

    /** Gives back the large span at page {@code p}, kept in a thread cache until now. */
    void releaseCachedLarge(long p) {
        pages.releaseCachedLarge(p);
    }

    /** Empties the caches nobody holds (see {@link ThreadCaches#reclaim}); every stripe if {@code allStripes}. */
    void reclaim(boolean allStripes) {
        threads.reclaim(allStripes);
    }

    /** {@return the page map: read by the thread caches to find a cached slot's span} */
    SpanDirectory directory() {
        return pages.directory();
    }

    /** {@return the thread caches made for platform threads so far (each adopted again when its thread dies)} */
    public int threadCaches() {
        return threads.platformCaches();
    }

    int trimEpoch() {
        return trimEpoch;
    }

    // ---- reallocate, usable size, segments ----

    /** {@return the usable bytes of the live payload at {@code address}} @throws IllegalArgumentException if none */
    @Override
    public long usableSize(long address) {
        long off = address - base;
        SharedSpan s = spanOf(off);
        int i;
        if (s != null && (i = s.slotAt(off)) >= 0 && s.isLive(i)) {
            return s.isLarge() ? s.pages << PageStore.PAGE_SHIFT : s.size;
        }
        long size = pages.hugeSize(address);   // a concurrent map: no lock needed to read it
        if (size < 0) {
            throw new IllegalArgumentException(describeBadAddress(address, off, "usableSize"));
        }
        return size;
    }

    /**
     * {@return the payload at {@code address} resized: in place when its usable size still fits (and is not more
     * than twice too big), else moved, the bytes beyond the old usable size zeroed if {@code zero}}
     */
    @Override
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
        long usable = pages.hugeSize(address);
        if (usable < 0) {
            throw new IllegalArgumentException(describeBadAddress(address, off, "reallocate"));
        }
        if (fitsInPlace(usable, byteSize)) {
            return address;
        }
        Mapping m = pages.takeHuge(address);
        if (m == null) {
            throw new IllegalArgumentException(describeBadAddress(address, off, "reallocate"));
        }
        long moved;
        try {
            moved = allocate(Math.max(byteSize, 1), SizeClasses.QUANTUM, false);
        } catch (RuntimeException | Error e) {
            pages.putHuge(address, m);
            throw e;
        }
        copy(m.segment(), moved, m.reservation().byteSize(), byteSize, zero);
        pages.releaseHuge(m);
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

    /** {@return a segment of {@code byteSize} bytes at {@code address}, a payload of this heap} */
    @Override
    public MemorySegment segment(long address, long byteSize) {
        long off = address - base;
        if (Long.compareUnsigned(off, limitBytes) < 0) {
            return mem.asSlice(off, byteSize);
        }
        MemorySegment huge = pages.hugeSegment(address);
        if (huge == null) {
            throw new IllegalArgumentException(describeBadAddress(address, off, "segment"));
        }
        return huge.asSlice(0, byteSize);
    }

    /**
     * Gives back what the calling thread's cache holds, what caches no live thread holds and idle stripes hold,
     * and every free page; other threads give back their caches at their next slow path.
     */
    @Override
    public void trim() {
        checkOpen();
        trimEpoch++;
        // Outboxes first, both ways: this thread's reaches the spans of the caches reclaimed next, and theirs reach
        // this thread's spans before it empties its cache.
        ThreadCache me = threads.enter();
        try {
            me.publishOutbox();
            threads.reclaim(true);   // passes over the cache this thread holds
            me.flushAll();
        } finally {
            ThreadCaches.exit(me);
        }
        pages.trim();
    }

    // ---- statistics: racy while threads work, exact when the heap is quiet ----

    /** {@return the usable bytes of every live allocation} */
    @Override
    public long liveBytes() {
        long bytes = pages.largeAndHugeBytes();
        for (ThreadCache t : threads.all()) {
            bytes -= t.cachedLargePages() << PageStore.PAGE_SHIFT;   // counted live by the pages, not by the program
        }
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            bytes += liveSlots(c) * SizeClasses.size(c);
        }
        return bytes;
    }

    private long liveSlots(int c) {
        long n = 0;
        for (ThreadCache t : threads.all()) {
            n += t.out[c] - t.count[c] - t.remoteFreed[c] + t.drained[c];
        }
        return n;
    }

    /** {@return live allocations of class {@code c}, or large ({@code COUNT}), or huge ({@code COUNT + 1})} */
    @Override
    public long liveAllocations(int c) {
        if (c < SizeClasses.COUNT) {
            return liveSlots(c);
        }
        if (c != SizeClasses.COUNT) {
            return pages.liveLargeOrHuge(true);
        }
        long n = pages.liveLargeOrHuge(false);
        for (ThreadCache t : threads.all()) {
            n -= t.cachedLargeSpans();
        }
        return n;
    }

    /** {@return live allocations in total} */
    @Override
    public long liveAllocations() {
        long n = 0;
        for (int c = 0; c < SizeClasses.COUNT + 2; c++) {
            n += liveAllocations(c);
        }
        return n;
    }

    /**
     * {@return a snapshot of the heap's numbers, racy while threads work, exact on a quiet heap}
     *
     * @param reservedBytes the address space of its region
     */
    @Override
    public HeapStats stats(long reservedBytes) {
        long[] p = pages.snapshot();
        List<ThreadCache> all = threads.all();
        long cachedLarge = 0;
        long cachedLargeBytes = 0;
        long remote = 0;
        long[] cached = new long[SizeClasses.COUNT];
        long[] spans = new long[SizeClasses.COUNT];
        for (ThreadCache t : all) {
            cachedLarge += t.cachedLargeSpans();
            cachedLargeBytes += t.cachedLargePages() << PageStore.PAGE_SHIFT;
            for (int c = 0; c < SizeClasses.COUNT; c++) {
                cached[c] += t.count[c];
                spans[c] += t.spanCount[c];
                remote += t.remoteFreed[c];
            }
        }
        long largeBlocks = p[0] - cachedLarge;
        long largeBytes = p[1] - cachedLargeBytes;
        long liveBlocks = largeBlocks + p[2];
        long liveBytes = largeBytes + p[3];
        List<SizeClassStats> classes = new ArrayList<>(SizeClasses.COUNT);
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            long live = liveSlots(c);
            classes.add(new SizeClassStats(c, SizeClasses.size(c), live, cached[c], spans[c]));
            liveBlocks += live;
            liveBytes += live * SizeClasses.size(c);
        }
        return new HeapStats(true, liveBytes, liveBlocks, p[4], p[5], reservedBytes, p[9], p[6], p[7], p[8],
                classes, largeBlocks, largeBytes, p[2], p[3], remote, threads.platformCaches(), p[10]);
    }

    /** {@return the heap page by page, with its statistics: racy while threads work} O(pages). */
    @Override
    public HeapPicture picture(long reservedBytes) {
        return pages.picture(stats(reservedBytes), base);
    }

    /**
     * {@return {footprint, live bytes}} read without the central lock, for the periodic JFR event: racy while other
     * threads work (a count may be caught half updated), never blocking
     */
    @Override
    public long[] usageRacy() {
        long live = pages.largeAndHugeBytesRacy();
        for (ThreadCache t : threads.all()) {
            live -= t.cachedLargePages() << PageStore.PAGE_SHIFT;
        }
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            live += liveSlots(c) * SizeClasses.size(c);
        }
        return new long[] {pages.footprintRacy(), live};
    }

    /** {@return bytes the heap holds from the OS: committed pages not purged, and huge mappings} */
    @Override
    public long footprint() {
        return pages.footprint();
    }

    /**
     * Checks every invariant of the spans, caches and counters. Meant for a quiet heap: with other threads working,
     * it may report their work in progress.
     *
     * @throws IllegalStateException naming the first violation
     */
    @Override
    public void check() {
        pages.check(threads.all());
    }

    // ---- lifetime ----

    void checkOpen() {
        pages.checkOpen();
    }

    /**
     * Marks the heap closed after {@code first} (which may refuse, and then nothing changes): every later call
     * throws. {@return false if it was closed already}
     */
    @Override
    public boolean close(Runnable first) {
        return pages.close(first);
    }

    /** Releases the huge mappings (their segments first) and gives the region back. After {@link #close}. */
    @Override
    public void release() {
        pages.release();
    }

    /** Closes, and releases the huge mappings only: the region went away with its arena. */
    @Override
    public void releaseHuge() {
        pages.releaseHuge();
    }

    /** {@return {address, byteSize} of every huge mapping: for leak tests} */
    @Override
    public List<long[]> hugeRanges() {
        return pages.hugeRanges();
    }

    /** {@return the bytes of the committed prefix, purged pages included: for tests of reuse} */
    public long prefixBytes() {
        return pages.prefixBytes();
    }
}
