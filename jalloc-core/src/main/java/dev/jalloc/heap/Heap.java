package dev.jalloc.heap;

import dev.jalloc.DebugLevel;
import dev.jalloc.LeakReport;
import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.heap.HeapEngine;
import dev.jalloc.internal.hardened.HardenedEngine;
import dev.jalloc.internal.heap.HeapBackend;
import dev.jalloc.internal.heap.SharedHeapEngine;
import dev.jalloc.internal.heap.SizeClasses;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import dev.jalloc.internal.util.Checks;
import dev.jalloc.internal.util.Confinement;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A general-purpose heap: {@code malloc} and {@code free} for the FFM API. Requests are rounded to size classes
 * (four per doubling, so at most 25% is wasted above 128 bytes); small ones are carved from one-page slabs, medium
 * ones from pools of a few pages, large ones get whole pages from a best-fit page allocator, and huge ones (from
 * 16 MiB) a mapping of their own.
 *
 * {@snippet :
 * try (Heap heap = Heap.ofConfined()) {
 *     MemorySegment node = heap.allocate(48);                // zeroed, 16-byte aligned
 *     long buffer = heap.allocateAddressNoInit(4096, 64);    // contents undefined: the hot-path variant
 *     buffer = heap.reallocate(buffer, 100_000);
 *     heap.free(buffer);
 *     heap.free(node);
 * }
 * }
 *
 * <h2>Zeroing</h2>
 * {@link #allocate}, {@link #allocateAddress} and {@link #reallocate} zero what they hand out; their {@code NoInit}
 * twins do not (see {@link AddressAllocator}). Pages fresh from the OS, or given back to it and taken again, are zero
 * already and are not written: zeroing a new 256 MiB payload costs nothing.
 *
 * <h2>Safety</h2>
 * All metadata lives outside the payloads (Java arrays and bitmaps), so a write past a payload, or through a segment
 * whose payload was freed, can damage other payloads but never the heap. Freeing, resizing or asking the usable
 * size of an address the heap did not hand out, an address inside a payload, or one already freed throws
 * {@link IllegalArgumentException} and changes nothing: a bitmap kept apart from the payloads marks where every live
 * payload starts, so the check is exact, one bit test, and stays on. A segment over a huge payload ends with its
 * free (an access then throws {@link IllegalStateException}); other segments keep the heap's lifetime, and their
 * memory stays mapped until {@link #close()}.
 *
 * <h2>Hardening</h2>
 * For memory that native code writes, or that a program reaches by raw address, {@link HeapBuilder#hardening}
 * adds zero on free, canaries, the write-after-free check, quarantines, random order and guard pages ({@link
 * Hardening} says what each level does and costs), and {@link HeapBuilder#checkedLifetimes} ends each payload's
 * segments at its free. Damage found throws {@link dev.jalloc.MemoryCorruptionError}, after which the heap refuses
 * every call that would hand out, take back or read its memory (its statistics still answer; {@link #close()} gives
 * everything back).
 *
 * <h2>Errors</h2>
 * Bad sizes and alignments: {@link IllegalArgumentException}; the heap's region full or the OS refusing memory:
 * {@link OutOfNativeMemoryError} (the heap unchanged); use after close: {@link IllegalStateException}; a confined
 * heap used from another thread: {@link WrongThreadException}.
 *
 * <h2>Memory</h2>
 * Its own reservation ({@link #ofConfined()}, {@link #ofShared()}: {@value #DEFAULT_RESERVE_SIZE} bytes of address space, or less if the OS
 * refuses that much, which {@link #toString()} says) or the tail of a {@link LinearArena} ({@link #onTailOf}),
 * committed as its pages are first used. Free pages decay by time and by reuse: the heap keeps charged up to 1 MiB
 * (and an eighth of its footprint) of them, and as many as it will likely use again, the most pages it had in use
 * within the last 8 seconds less those in use now (system property {@code jalloc.heap.decayMillis}, read once,
 * sets that window); beyond that, at most every 50 ms, free pages already free at the previous purge go back to the
 * OS. Decay runs when the heap frees or takes spans of pages; a heap nobody calls keeps what it holds until
 * {@link #trim()}, which gives back every free page at once. A freed huge payload goes back at once.
 *
 * <h2>Threads</h2>
 * A <em>confined</em> heap ({@link #ofConfined()}, {@link #create()}) belongs to the thread that made it: the
 * fastest, for a heap per thread, per request or per task. A <em>shared</em> heap ({@link #ofShared()}) may be used
 * by every thread at once, platform or virtual, and a payload may be freed by a thread other than the one that
 * allocated it (a producer hands blocks to a consumer):
 * <ul>
 *   <li>Each platform thread gets a cache of its own: it allocates from pages it owns, without a lock or an atomic
 *       instruction, so blocks of different threads never share a cache line. Every free is one atomic
 *       compare-and-set on the payload's state (so that of two threads freeing one payload at once, exactly one
 *       succeeds and the other gets {@link IllegalArgumentException}); a free from another thread then marks the
 *       slot for its owner, which takes it back on its next slow path. Such frees are gathered a bitmap word at a
 *       time (up to 64 slots of one span) and handed to the owner when the freeing thread frees into another word
 *       or reaches a slow path of its own: a thread that frees another's blocks and then blocks for good keeps at
 *       most that word from reuse (they count as freed in the statistics).</li>
 *   <li>Virtual threads share a few caches (stripes, four per core), each held for one call only: thousands of
 *       virtual threads cost no more memory than the cores, and no call blocks its carrier while holding one.</li>
 *   <li>When a thread dies, the next thread that needs a cache adopts its cache whole; until then any slow path
 *       or {@link #trim()} empties it. {@link #close()} takes back everything, from any thread.</li>
 *   <li>{@link #trim()} gives back what the calling thread's cache holds, the caches of dead threads, and every
 *       free page; other live threads give back their caches at their next slow path (nothing can run code on
 *       another live thread).</li>
 *   <li>Statistics read while other threads work are approximate; {@link #check()} is for a quiet heap.</li>
 * </ul>
 * Against false sharing between your own objects, allocate what one thread writes often in a size class of 64
 * bytes or more, or ask for 64-byte alignment (a class that is a multiple of 64: as cheap as any other). A shared
 * heap costs one atomic operation per free more than a confined one. On the tail of a shared arena, closing the
 * arena from another thread closes the heap too.
 */
public final class Heap extends RegionAllocator implements AddressAllocator {
    /** The address space of a heap: 64 GiB, which costs nothing until used. */
    public static final long DEFAULT_RESERVE_SIZE = 64L << 30;
    /** The most address space one heap manages: 16 TiB (2<sup>32</sup> pages). */
    public static final long MAX_RESERVE_SIZE = 1L << 44;

    /** The confined heap's engine (the fast path, called directly), or null. */
    private final HeapEngine engine;
    /** Otherwise the engine behind it: the shared one, or a hardened one (confined or shared). */
    private final HeapBackend shared;
    private final Hardening hardening;

    Heap(Os os, Region region, int stripes, DebugLevel debugLevel, Hardening hardening, boolean checkedLifetimes,
            OptionalInt guardSlabInterval) {
        super(region, stripes > 0, debugLevel);
        this.hardening = hardening;
        if (hardening != Hardening.NONE || checkedLifetimes) {
            this.engine = null;
            this.shared = HardenedEngine.create(os, region, stripes > 0, hardening, checkedLifetimes,
                    guardSlabInterval, this::reportCorruption);
        } else {
            this.engine = stripes > 0 ? null : new HeapEngine(os, region);
            this.shared = stripes > 0 ? new SharedHeapEngine(os, region, stripes) : null;
        }
        publishUsage();
    }

    /** {@return a builder with the defaults of {@link #ofConfined()}} */
    public static HeapBuilder builder() {
        return new HeapBuilder();
    }

    /**
     * {@return an empty confined heap with its own reservation of {@value #DEFAULT_RESERVE_SIZE} bytes (less if the
     * OS refuses that much address space)}: the same as {@link #ofConfined()}
     *
     * @throws OutOfNativeMemoryError if the OS refuses even a small reservation
     */
    public static Heap create() {
        return builder().build();
    }

    /**
     * {@return an empty heap confined to the calling thread, with its own reservation of {@value
     * #DEFAULT_RESERVE_SIZE} bytes (less if the OS refuses that much address space)}
     *
     * @throws OutOfNativeMemoryError if the OS refuses even a small reservation
     */
    public static Heap ofConfined() {
        return builder().build();
    }

    /**
     * {@return an empty heap that every thread may allocate from and free into, with its own reservation of
     * {@value #DEFAULT_RESERVE_SIZE} bytes (less if the OS refuses that much address space)} See the class comment's
     * section on threads.
     *
     * @throws OutOfNativeMemoryError if the OS refuses even a small reservation
     */
    public static Heap ofShared() {
        return builder().shared(true).build();
    }

    /** {@return the shared engine, or null: for tests} */
    SharedHeapEngine shared() {
        return shared instanceof SharedHeapEngine s ? s : null;
    }

    /** {@return whether every thread may use this heap} */
    public boolean isShared() {
        return anyThread;
    }

    /** {@return the hardening it was built with} */
    public Hardening hardening() {
        return hardening;
    }

    /**
     * {@return an empty confined heap with its own reservation of {@code reserveSize} bytes (rounded up to the
     * page)}: huge allocations are mapped outside it.
     *
     * @param reserveSize the number of bytes of address space
     * @throws IllegalArgumentException if {@code reserveSize} is not positive or above {@value #MAX_RESERVE_SIZE}
     * @throws OutOfNativeMemoryError   if the OS refuses the reservation, or it holds no 4 KiB page
     */
    public static Heap create(long reserveSize) {
        return builder().reserveSize(reserveSize).build();
    }

    /**
     * {@return an empty heap on the tail of {@code arena}: a sub-lifetime whose pages come from the arena} While
     * the heap is open the arena refuses pushes, pops and temps; {@link #close()} gives the tail back (the arena's
     * position is where it was), and closing the arena closes the heap. Huge allocations are mapped apart and
     * released with it. Memory the arena did not map (the caller's, a mapped file) is never purged.
     *
     * @param arena the arena to take the tail of
     * @throws IllegalStateException         if the arena is closed or already lends its tail
     * @throws WrongThreadException          if the arena is confined to another thread
     * @throws UnsupportedOperationException if the arena is over heap memory
     * @throws OutOfNativeMemoryError        if the arena's block has no room for a page
     */
    public static Heap onTailOf(LinearArena arena) {
        return builder().onTailOf(arena).build();
    }

    // ---- allocation ----

    /**
     * {@return the address of {@code byteSize} zeroed bytes aligned to {@code byteAlignment}}
     *
     * @throws IllegalArgumentException if the size is negative or above 2<sup>46</sup>, or the alignment is not a
     *                                  power of two up to 2<sup>30</sup>
     * @throws OutOfNativeMemoryError   if the heap is full or the OS refuses memory
     * @throws IllegalStateException    if closed
     * @throws WrongThreadException     if used from another thread
     */
    @Override
    public long allocateAddress(long byteSize, long byteAlignment) {
        checkCall(byteSize, byteAlignment);
        HeapBackend sh = shared;
        return handedOut(sh != null ? sh.allocate(byteSize, byteAlignment, true)
                : engine.allocateZeroed(byteSize, byteAlignment));
    }

    /**
     * {@return the address of {@code byteSize} bytes aligned to {@code byteAlignment}, contents undefined}: the
     * cheapest allocation. As {@link #allocateAddress(long, long)}.
     */
    @Override
    public long allocateAddressNoInit(long byteSize, long byteAlignment) {
        checkCall(byteSize, byteAlignment);
        HeapBackend sh = shared;
        return handedOut(sh != null ? sh.allocate(byteSize, byteAlignment, false)
                : engine.allocate(byteSize, byteAlignment));
    }

    @Override
    long allocateChecked(long byteSize, long byteAlignment, boolean zero) {
        if (shared != null) {
            return shared.allocate(byteSize, byteAlignment, zero);
        }
        return zero ? engine.allocateZeroed(byteSize, byteAlignment) : engine.allocate(byteSize, byteAlignment);
    }

    /**
     * Frees the payload at {@code address}.
     *
     * @throws IllegalArgumentException if {@code address} is not a live payload of this heap
     * @throws IllegalStateException    if closed
     * @throws WrongThreadException     if used from another thread
     */
    @Override
    public void free(long address) {
        checkOpen();
        if (tracker != null) {
            freeTracked(address);
            return;
        }
        freeChecked(address);
    }

    @Override
    void freeChecked(long address) {
        HeapBackend sh = shared;
        if (sh != null) {
            sh.free(address);
        } else {
            engine.free(address);
        }
    }

    @Override
    long reallocateChecked(long address, long byteSize, boolean zero) {
        return shared != null ? shared.reallocate(address, byteSize, zero) : engine.reallocate(address, byteSize, zero);
    }

    @Override
    MemorySegment segment(long address, long byteSize) {
        return shared != null ? shared.segment(address, byteSize) : engine.segment(address, byteSize);
    }

    /**
     * {@return the usable bytes of the payload at {@code address}: at least what was asked for}
     *
     * @throws IllegalArgumentException if {@code address} is not a live payload of this heap
     */
    @Override
    public long usableSize(long address) {
        checkOpen();
        return shared != null ? shared.usableSize(address) : engine.usableSize(address);
    }

    /**
     * Gives the OS back every page the heap does not use: cached free slots go back to their slabs, empty slabs and
     * pools to the page allocator, and free pages are purged. Addresses stay reserved.
     */
    @Override
    public void trim() {
        checkOpen();
        if (shared != null) {
            shared.trim();
        } else {
            engine.trim();
        }
    }

    // ---- statistics ----

    /**
     * {@return a snapshot of every number the heap keeps, in one record} O(size classes and threads' caches), plus
     * one question to the kernel per GiB of committed pages for the resident bytes. On a shared heap, from any thread;
     * exact when no other thread works.
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if used from another thread
     */
    public HeapStats stats() {
        checkOpen();
        return shared != null ? shared.stats(region.reservedBytes()) : engine.stats(region.reservedBytes());
    }

    /**
     * {@return the heap page by page (every run of its committed prefix: slabs, pools, large payloads, free and
     * purged pages), with its huge mappings and its statistics} O(pages). For people: {@link HeapPicture#toText()}.
     * On a shared heap, from any thread: what other threads do meanwhile may show half done.
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if used from another thread
     */
    public HeapPicture picture() {
        checkOpen();
        return shared != null ? shared.picture(region.reservedBytes()) : engine.picture(region.reservedBytes());
    }

    /** {@return the usable bytes of all live allocations} O(size classes). */
    public long liveBytes() {
        checkOpen();
        return shared != null ? shared.liveBytes() : engine.liveBytes();
    }

    /** {@return the number of live allocations} O(size classes). */
    public long liveAllocations() {
        checkOpen();
        return shared != null ? shared.liveAllocations() : engine.liveAllocations();
    }

    /** {@return the bytes the heap holds from the OS (or its arena), purged pages not included: its footprint} */
    @Override
    public long committedBytes() {
        checkOpen();
        return shared != null ? shared.footprint() : engine.footprint();
    }

    /** {@return the share of the footprint not holding live allocations: {@code 1 - liveBytes / committedBytes}} */
    public double fragmentation() {
        long committed = committedBytes();
        return committed == 0 ? 0 : 1 - (double) liveBytes() / committed;
    }

    /**
     * {@return live allocations of size class {@code sizeClass} (see {@link #sizeClasses()}), of large payloads
     * (the class count), or of huge ones (the class count + 1)}
     *
     * @param sizeClass a size class, the number of classes (large payloads) or one more (huge ones)
     * @throws IndexOutOfBoundsException if {@code sizeClass} is outside those
     */
    public long liveAllocations(int sizeClass) {
        checkOpen();
        if (sizeClass < 0 || sizeClass > SizeClasses.COUNT + 1) {
            throw Checks.outOfBounds("sizeClass", sizeClass, "0 <= sizeClass <= " + (SizeClasses.COUNT + 1));
        }
        return shared != null ? shared.liveAllocations(sizeClass) : engine.liveAllocations(sizeClass);
    }

    /** {@return the size-class table: index, size, kind, span, slots, waste} */
    public static String sizeClasses() {
        return SizeClasses.table();
    }

    /**
     * Checks every invariant of the heap's metadata: for tests and debugging, O(pages).
     *
     * @throws IllegalStateException naming the first violation
     */
    @Override
    public void check() {
        checkOpen();
        checkLogged();
    }

    @Override
    void checkInvariants() {
        if (shared != null) {
            shared.check();
        } else {
            engine.check();
        }
    }

    @Override
    long[] usageForJfr() {
        return shared != null ? shared.usageRacy() : new long[] {engine.footprint(), engine.liveBytes()};
    }

    @Override
    long[] liveForReport() {
        return shared != null ? new long[] {shared.liveAllocations(), shared.liveBytes()}
                : new long[] {engine.liveAllocations(), engine.liveBytes()};
    }

    /**
     * Releases all of the heap's memory: its own reservation to the OS and its huge mappings (their segments ending
     * first), or its pages back to its arena. A shared heap may be closed from any thread; of two threads closing it
     * at once, one closes it and the other gets {@link IllegalStateException}. A thread still using a shared heap
     * while it closes gets {@link IllegalStateException} from that call or a later one.
     *
     * @throws IllegalStateException if already closed
     * @throws WrongThreadException  if the heap is confined to another thread
     */
    @Override
    public void close() {
        if (shared == null) {
            super.close();
            return;
        }
        if (!anyThread) {
            checkOpen();
        }
        LeakReport leaks = reportBeforeClose();
        if (!shared.close(region::endScope)) {
            throw Confinement.closed(this);   // another thread closed it first
        }
        owner = null;
        closed = true;
        logAtClose(leaks);
        release();
    }

    @Override
    void release() {
        if (shared != null) {
            shared.release();
        } else {
            engine.release();
        }
    }

    @Override
    void takenAway() {
        super.takenAway();
        if (shared != null) {
            shared.releaseHuge();
        } else {
            engine.releaseHuge();
        }
    }

    /** {@return {address, byteSize} of every mapping this heap holds: its region and huge mappings; for leak tests} */
    List<long[]> osRanges() {
        List<long[]> ranges = new ArrayList<>(shared != null ? shared.hugeRanges() : engine.hugeRanges());
        ranges.add(new long[] {region.address(), region.reservedBytes()});
        return ranges;
    }

    @Override
    public String toString() {
        if (closed) {
            return describe("");
        }
        // Not the public getters: toString() answers from any thread, also for a confined heap.
        long live = shared != null ? shared.liveBytes() : engine.liveBytes();
        long allocations = shared != null ? shared.liveAllocations() : engine.liveAllocations();
        long committed = shared != null ? shared.footprint() : engine.footprint();
        return describe((anyThread ? "shared, " : "") + (hardening != Hardening.NONE ? hardening + ", " : "") + "live=" + Bits.bytes(live) + " in " + allocations
                + " allocations, committed=" + Bits.bytes(committed));
    }
}
