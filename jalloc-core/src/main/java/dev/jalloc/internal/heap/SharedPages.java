package dev.jalloc.internal.heap;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.internal.memory.Mapping;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Confinement;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The central part of the shared heap, everything under its {@link CentralLock}: the {@link PageStore} (page spans,
 * commits, purges, decay, huge mappings), the {@link SpanDirectory}'s entries, slabs and pools made and given back,
 * large spans, huge mappings taken and released, the heap's open or closed state, and their counters. Only slow
 * paths come here; the directory is read without the lock by every free.
 */
final class SharedPages {
    private final PageStore store;
    private final SpanDirectory directory;
    private final CentralLock lock;
    private volatile boolean closed;

    // Under the lock.
    private long largeAllocations;
    private long largeFrees;
    private long largeBytes;
    private long hugeAllocations;
    private long hugeFrees;
    private long hugeBytes;
    private long spansMade;
    private long spansReleased;

    /** @throws OutOfNativeMemoryError if the region cannot hold a page */
    SharedPages(Os os, Region region, CentralLock lock) {
        this.store = new PageStore(os, region);
        this.directory = new SpanDirectory(store.maxPages());
        this.lock = lock;
    }

    long maxPages() {
        return store.maxPages();
    }

    /** {@return the span holding page {@code p}, or null: no lock} */
    SharedSpan spanAt(long p) {
        return directory.get(p);
    }

    SpanDirectory directory() {
        return directory;
    }

    void checkOpen() {
        if (closed) {
            throw Confinement.closed("Heap");
        }
    }

    // ---- slabs and pools ----

    /** {@return a new slab or pool of class {@code c} for {@code owner}, every slot available} */
    SharedSpan newSpan(ThreadCache owner, int c) {
        lock.lock();
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
        lock.lock();
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

    // ---- large spans and huge mappings ----

    /**
     * {@return the heap offset of a large span of {@code n} pages aligned to {@code alignPages}, live, its pages
     * zeroed where they were handed out before if {@code zero}}
     */
    long allocateLarge(long n, long alignPages, boolean zero) {
        lock.lock();
        try {
            checkOpen();
            long p = store.allocate(n, alignPages);
            store.handOut(p, n, zero);
            SharedSpan s = new SharedSpan(null, SharedSpan.LARGE, (int) p, n);
            s.markLive(0);
            directory.set(p, 1, s);
            largeAllocations++;
            largeBytes += n << PageStore.PAGE_SHIFT;
            return p << PageStore.PAGE_SHIFT;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back the large span {@code s}, whose free this thread claimed. */
    void freeLarge(SharedSpan s) {
        lock.lock();
        try {
            checkOpen();
            giveBackLarge(s);
        } finally {
            lock.unlock();
        }
    }

    /** Gives back the large span at page {@code p}, kept in a thread cache until now: nothing if the heap is closed. */
    void releaseCachedLarge(long p) {
        lock.lock();
        try {
            if (closed) {
                return;   // everything goes with the region
            }
            giveBackLarge(directory.get(p));
        } finally {
            lock.unlock();
        }
    }

    /** Gives the large span {@code s} back to the page store: under the lock. */
    private void giveBackLarge(SharedSpan s) {
        directory.set(s.firstPage, 1, null);
        s.released = true;
        store.free(s.firstPage);
        largeFrees++;
        largeBytes -= s.pages << PageStore.PAGE_SHIFT;
    }

    /** {@return the address of a new huge mapping of at least {@code bytes}, fresh from the OS (zero)} */
    long allocateHuge(long bytes, long byteAlignment) {
        lock.lock();
        try {
            checkOpen();
            long address = store.allocateHuge(bytes, byteAlignment);
            hugeAllocations++;
            hugeBytes += store.hugeSize(address);
            return address;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the bytes of the huge mapping at {@code address}, or -1: no lock (a concurrent map)} */
    long hugeSize(long address) {
        return store.hugeSize(address);
    }

    /** {@return a segment over the huge mapping at {@code address}, or null: no lock} */
    MemorySegment hugeSegment(long address) {
        return store.hugeSegment(address);
    }

    /**
     * {@return the huge mapping at {@code address}, taken out of the heap (this thread owns it now, and no other can
     * find it), or null}
     */
    Mapping takeHuge(long address) {
        lock.lock();
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

    /** Puts back a huge mapping taken with {@link #takeHuge}: a reallocation was refused. */
    void putHuge(long address, Mapping m) {
        lock.lock();
        try {
            store.putHuge(address, m);
            hugeFrees--;
            hugeBytes += m.reservation().byteSize();
        } finally {
            lock.unlock();
        }
    }

    /** Releases a huge mapping taken with {@link #takeHuge}. */
    void releaseHuge(Mapping m) {
        m.endScope();   // the slow part (a handshake with every thread), outside the lock
        lock.lock();
        try {
            m.release();   // the unmap, counted in the heap's usage under the lock
        } finally {
            lock.unlock();
        }
    }

    // ---- trim, statistics, check ----

    /** Purges every free page and gives the free tail back. */
    void trim() {
        lock.lock();
        try {
            checkOpen();
            store.trim();
        } finally {
            lock.unlock();
        }
    }

    /** {@return the usable bytes of live large and huge payloads} */
    long largeAndHugeBytes() {
        lock.lock();
        try {
            return largeBytes + hugeBytes;
        } finally {
            lock.unlock();
        }
    }

    /** {@return live large payloads, or huge ones if {@code huge}} */
    long liveLargeOrHuge(boolean huge) {
        lock.lock();
        try {
            return huge ? hugeAllocations - hugeFrees : largeAllocations - largeFrees;
        } finally {
            lock.unlock();
        }
    }

    /** {@return bytes the heap holds from the OS (committed pages not purged, huge mappings), without the lock: racy} */
    long footprintRacy() {
        return closed ? 0 : store.footprint();
    }

    /** {@return as {@link #largeAndHugeBytes}, without the lock: racy} */
    long largeAndHugeBytesRacy() {
        return largeBytes + hugeBytes;
    }

    /** {@return bytes the heap holds from the OS, under the lock} */
    long footprint() {
        lock.lock();
        try {
            return closed ? 0 : store.footprint();
        } finally {
            lock.unlock();
        }
    }

    /** {@return the heap page by page, drawn under the lock, with {@code stats} beside it} */
    dev.jalloc.heap.HeapPicture picture(dev.jalloc.heap.HeapStats stats, long base) {
        lock.lock();
        try {
            checkOpen();
            return HeapPictures.shared(stats, base, store, directory);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return the page store's numbers at one moment, under the lock: live large spans and their bytes (thread
     * caches' kept spans included), live huge mappings and their bytes, footprint, its peak, free and purged pages,
     * purges, resident bytes (-1 if unknown), OS calls} Zeros but the peak and the calls once closed.
     */
    long[] snapshot() {
        lock.lock();
        try {
            if (closed) {
                return new long[] {0, 0, 0, 0, 0, store.peakFootprint(), 0, 0, store.purges(), 0, store.osCalls()};
            }
            return new long[] {largeAllocations - largeFrees, largeBytes, hugeAllocations - hugeFrees, hugeBytes,
                    store.footprint(), store.peakFootprint(), store.freePages(),
                    store.purgedBytes() >>> PageStore.PAGE_SHIFT, store.purges(), store.residentBytes(),
                    store.osCalls()};
        } finally {
            lock.unlock();
        }
    }

    /** {@return the bytes of the committed prefix, purged pages included: it grows only for pages never used} */
    long prefixBytes() {
        lock.lock();
        try {
            return store.prefixBytes();
        } finally {
            lock.unlock();
        }
    }

    /** @throws IllegalStateException naming the first violation */
    void check(List<ThreadCache> caches) {
        lock.lock();
        try {
            checkOpen();
            SharedHeapChecker.check(store, directory, caches, spansMade - spansReleased, largeAllocations - largeFrees);
        } finally {
            lock.unlock();
        }
    }

    // ---- lifetime ----

    /**
     * Marks the heap closed after {@code first} (which may refuse, and then nothing changes): every later call
     * throws. {@return false if it was closed already}
     */
    boolean close(Runnable first) {
        lock.lock();
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

    /** Releases the huge mappings (their segments first) and gives the region back. After {@link #close}. */
    void release() {
        lock.lock();
        try {
            store.release();
        } finally {
            lock.unlock();
        }
    }

    /** Closes, and releases the huge mappings only: the region went away with its arena. */
    void releaseHuge() {
        lock.lock();
        try {
            closed = true;
            store.releaseHuge();
        } finally {
            lock.unlock();
        }
    }

    /** {@return {address, byteSize} of every huge mapping: for leak tests} */
    List<long[]> hugeRanges() {
        return store.hugeRanges();
    }
}
