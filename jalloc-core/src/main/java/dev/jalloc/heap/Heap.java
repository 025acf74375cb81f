package dev.jalloc.heap;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.heap.HeapEngine;
import dev.jalloc.internal.heap.SizeClasses;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import dev.jalloc.internal.util.Checks;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A general-purpose heap: {@code malloc} and {@code free} for the FFM API. Requests are rounded to size classes
 * (four per doubling, so at most 25% is wasted above 128 bytes); small ones are carved from one-page slabs, medium
 * ones from pools of a few pages, large ones get whole pages from a best-fit page allocator, and huge ones (from
 * 16 MiB) a mapping of their own.
 *
 * {@snippet :
 * try (Heap heap = Heap.create()) {
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
 * <h2>Errors</h2>
 * Bad sizes and alignments: {@link IllegalArgumentException}; the heap's region full or the OS refusing memory:
 * {@link OutOfNativeMemoryError} (the heap unchanged); use after close: {@link IllegalStateException}; another
 * thread: {@link WrongThreadException}.
 *
 * <h2>Memory</h2>
 * Its own reservation ({@link #create()}: {@value #DEFAULT_RESERVE_SIZE} bytes of address space, or less if the OS
 * refuses that much, which {@link #toString()} says) or the tail of a {@link LinearArena} ({@link #onTailOf}),
 * committed as its pages are first used. Free pages go back to the OS when more than 1 MiB (and more than an eighth
 * of the footprint) of them are still charged, at most every 50 ms, and on {@link #trim()}; a freed huge payload
 * at once.
 *
 * <h2>Threads</h2>
 * Confined to the creating thread. On the tail of a shared arena, closing the arena from another thread closes the
 * heap too.
 */
public final class Heap extends RegionAllocator implements AddressAllocator {
    /** The address space of a heap: 64 GiB, which costs nothing until used. */
    public static final long DEFAULT_RESERVE_SIZE = 64L << 30;
    /** The most address space one heap manages: 16 TiB (2<sup>32</sup> pages). */
    public static final long MAX_RESERVE_SIZE = 1L << 44;

    private final HeapEngine engine;

    Heap(Os os, Region region) {
        super(region);
        this.engine = new HeapEngine(os, region);
    }

    /** {@return a builder with the defaults of {@link #create()}} */
    public static HeapBuilder builder() {
        return new HeapBuilder();
    }

    /**
     * {@return an empty confined heap with its own reservation of {@value #DEFAULT_RESERVE_SIZE} bytes (less if the
     * OS refuses that much address space)}
     *
     * @throws OutOfNativeMemoryError if the OS refuses even a small reservation
     */
    public static Heap create() {
        return builder().build();
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
        return engine.allocateZeroed(byteSize, byteAlignment);
    }

    /**
     * {@return the address of {@code byteSize} bytes aligned to {@code byteAlignment}, contents undefined}: the
     * cheapest allocation. As {@link #allocateAddress(long, long)}.
     */
    @Override
    public long allocateAddressNoInit(long byteSize, long byteAlignment) {
        checkCall(byteSize, byteAlignment);
        return engine.allocate(byteSize, byteAlignment);
    }

    @Override
    long allocateChecked(long byteSize, long byteAlignment, boolean zero) {
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
        engine.free(address);
    }

    @Override
    long reallocateChecked(long address, long byteSize, boolean zero) {
        return engine.reallocate(address, byteSize, zero);
    }

    @Override
    MemorySegment segment(long address, long byteSize) {
        return engine.segment(address, byteSize);
    }

    /**
     * {@return the usable bytes of the payload at {@code address}: at least what was asked for}
     *
     * @throws IllegalArgumentException if {@code address} is not a live payload of this heap
     */
    @Override
    public long usableSize(long address) {
        checkOpen();
        return engine.usableSize(address);
    }

    /**
     * Gives the OS back every page the heap does not use: cached free slots go back to their slabs, empty slabs and
     * pools to the page allocator, and free pages are purged. Addresses stay reserved.
     */
    @Override
    public void trim() {
        checkOpen();
        engine.trim();
    }

    // ---- statistics ----

    /** {@return the usable bytes of all live allocations} O(size classes). */
    public long liveBytes() {
        checkOpen();
        return engine.liveBytes();
    }

    /** {@return the number of live allocations} O(size classes). */
    public long liveAllocations() {
        checkOpen();
        return engine.liveAllocations();
    }

    /** {@return the bytes the heap holds from the OS (or its arena), purged pages not included: its footprint} */
    @Override
    public long committedBytes() {
        checkOpen();
        return engine.footprint();
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
        return engine.liveAllocations(sizeClass);
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
        engine.check();
    }

    @Override
    void release() {
        engine.release();
    }

    @Override
    void takenAway() {
        super.takenAway();
        engine.releaseHuge();
    }

    /** {@return {address, byteSize} of every mapping this heap holds: its region and huge mappings; for leak tests} */
    List<long[]> osRanges() {
        List<long[]> ranges = new ArrayList<>(engine.hugeRanges());
        ranges.add(new long[] {region.address(), region.reservedBytes()});
        return ranges;
    }

    @Override
    public String toString() {
        return describe(owner == null ? "" : "live=" + Bits.bytes(engine.liveBytes()) + " in "
                + engine.liveAllocations() + " allocations, committed=" + Bits.bytes(engine.footprint()));
    }
}
