package dev.jalloc.heap;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.arena.OwnReservation;
import dev.jalloc.internal.arena.Region;
import dev.jalloc.internal.heap.HeapEngine;
import dev.jalloc.internal.heap.SizeClasses;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import dev.jalloc.internal.util.Checks;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.HashMap;
import java.util.Map;

/**
 * A general-purpose heap: {@code malloc} and {@code free} for the FFM API. Requests are rounded to size classes
 * (four per doubling, so at most 25% is wasted above 128 bytes); small ones are carved from one-page slabs, medium
 * ones from pools of a few pages, large ones get whole pages from a best-fit page allocator, and huge ones (from
 * {@value dev.jalloc.internal.heap.HeapEngine#HUGE_MIN} bytes) a mapping of their own.
 *
 * {@snippet :
 * try (Heap heap = Heap.create()) {
 *     MemorySegment node = heap.allocate(48);            // zeroed, 16-byte aligned
 *     long buffer = heap.allocateAddress(4096, 64);      // contents undefined: the hot-path variant
 *     buffer = heap.reallocate(buffer, 100_000);
 *     heap.free(buffer);
 *     heap.free(node);
 * }
 * }
 *
 * <h2>Errors</h2>
 * Freeing, resizing or asking the usable size of an address the heap did not hand out, an address inside a
 * payload, or one already freed throws {@link IllegalArgumentException} and changes nothing: a bitmap kept apart
 * from the payloads marks where every live payload starts, so the check is exact, one bit test, and stays on.
 * Bad sizes and alignments: {@link IllegalArgumentException}; the heap's region full or the OS refusing memory:
 * {@link OutOfNativeMemoryError} (the heap unchanged); use after close: {@link IllegalStateException}; another
 * thread: {@link WrongThreadException}. All metadata lives outside the payloads, so a write past a payload can
 * damage another payload but not the heap.
 *
 * <h2>Memory</h2>
 * Its own reservation ({@link #create()}, {@value #DEFAULT_MAX_BYTE_SIZE} bytes of address space) or the tail of a
 * {@link LinearArena} ({@link #onTailOf}), committed as its pages are first used. Free pages go back to the OS when
 * more than 1 MiB (and more than an eighth of the footprint) of them are still charged, at most every 50 ms, and
 * on {@link #trim()}.
 *
 * <h2>Threads</h2>
 * Confined to the creating thread. (Per-thread caches and frees from other threads are planned.)
 */
public final class Heap implements AddressAllocator {
    /** The address space of a heap: 64 GiB, which costs nothing until used. */
    public static final long DEFAULT_MAX_BYTE_SIZE = 64L << 30;

    private final Region region;
    private final HeapEngine engine;
    private final MemorySegment all;
    private final long base;
    private Thread owner;
    /** The lifetimes of segments over huge payloads, which their frees unmap. */
    private final Map<Long, Arena> hugeScopes = new HashMap<>();

    private Heap(Region region) {
        this.region = region;
        this.engine = new HeapEngine(Os.current(), region);
        this.all = region.segment();
        this.base = region.address();
        this.owner = Thread.currentThread();
        region.onTakenAway(this::releaseOwnMemory);
    }

    /**
     * {@return an empty confined heap with its own reservation of {@value #DEFAULT_MAX_BYTE_SIZE} bytes}
     *
     * @throws OutOfNativeMemoryError if the OS refuses the reservation
     */
    public static Heap create() {
        return create(DEFAULT_MAX_BYTE_SIZE);
    }

    /**
     * {@return an empty confined heap with its own reservation of {@code maxByteSize} bytes (rounded up to the
     * page)}: huge allocations are mapped outside it.
     *
     * @throws IllegalArgumentException if {@code maxByteSize} is not positive or above 2<sup>46</sup>
     * @throws OutOfNativeMemoryError   if the OS refuses the reservation
     */
    public static Heap create(long maxByteSize) {
        if (maxByteSize <= 0 || maxByteSize > Checks.MAX_BYTE_SIZE) {
            throw Checks.illegalArgument("maxByteSize", maxByteSize, "> 0 and <= " + Checks.MAX_BYTE_SIZE);
        }
        Region region = new OwnReservation(Os.current(), maxByteSize, false, false);
        try {
            return new Heap(region);
        } catch (RuntimeException | Error e) {
            region.release(0);
            throw e;
        }
    }

    /**
     * {@return an empty heap on the tail of {@code arena}: a sub-lifetime whose pages come from the arena} While
     * the heap is open the arena refuses pushes, pops and temps; {@link #close()} gives the tail back (the arena's
     * position is where it was), and closing the arena closes the heap. Huge allocations and the heap's page map
     * are mapped apart and released with it.
     *
     * @throws IllegalStateException         if the arena is closed or already lends its tail
     * @throws WrongThreadException          if the arena is confined to another thread
     * @throws UnsupportedOperationException if the arena is over heap memory
     * @throws OutOfNativeMemoryError        if the arena's block has no room
     */
    public static Heap onTailOf(LinearArena arena) {
        Region region = Region.Tails.take(arena, Os.current().pageSize());
        try {
            return new Heap(region);
        } catch (RuntimeException | Error e) {
            region.release(0);
            throw e;
        }
    }

    // ---- allocation ----

    /**
     * {@return {@code byteSize} zeroed bytes aligned to {@code byteAlignment}}, a slice of the heap's memory.
     *
     * @throws IllegalArgumentException if the size is negative or above 2<sup>46</sup>, or the alignment is not a
     *                                  power of two up to 2<sup>30</sup>
     * @throws OutOfNativeMemoryError   if the heap is full or the OS refuses memory
     * @throws IllegalStateException    if closed
     * @throws WrongThreadException     if used from another thread
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        long address = allocateAddress(byteSize, byteAlignment);
        return segmentAt(address, byteSize).fill((byte) 0);
    }

    /**
     * {@return the address of {@code byteSize} bytes aligned to {@code byteAlignment}, contents undefined}
     *
     * @throws IllegalArgumentException if the size or the alignment is invalid
     * @throws OutOfNativeMemoryError   if the heap is full or the OS refuses memory
     * @throws IllegalStateException    if closed
     * @throws WrongThreadException     if used from another thread
     */
    public long allocateAddress(long byteSize, long byteAlignment) {
        if (Thread.currentThread() != owner || !Checks.isValidSizeAndAlignment(byteSize, byteAlignment)) {
            checkThread();
            Checks.checkSizeAndAlignment(byteSize, byteAlignment);
        }
        return engine.allocate(byteSize, byteAlignment);
    }

    /**
     * Frees the payload at {@code address}.
     *
     * @throws IllegalArgumentException if {@code address} is not a live payload of this heap
     * @throws IllegalStateException    if closed
     * @throws WrongThreadException     if used from another thread
     */
    public void free(long address) {
        checkThread();
        engine.free(address);
        endHugeScope(address);
    }

    /**
     * {@return the address of at least {@code byteSize} bytes holding the payload's old bytes, up to the smaller
     * size} In place when the class or page span allows; otherwise moved and the old address freed. On failure
     * the old payload is untouched and still allocated.
     *
     * @throws IllegalArgumentException if {@code address} is not a live payload, or the size is invalid
     * @throws OutOfNativeMemoryError   if there is no room
     * @throws IllegalStateException    if closed
     * @throws WrongThreadException     if used from another thread
     */
    public long reallocate(long address, long byteSize) {
        checkThread();
        Checks.checkByteSize(byteSize);
        long moved = engine.reallocate(address, byteSize);
        if (moved != address) {
            endHugeScope(address);
        }
        return moved;
    }

    /** {@return a segment of {@code byteSize} bytes with {@code segment}'s old bytes} As {@link #reallocate(long, long)}. */
    public MemorySegment reallocate(MemorySegment segment, long byteSize) {
        return segmentAt(reallocate(segment.address(), byteSize), byteSize);
    }

    /**
     * {@return the usable bytes of the payload at {@code address}: at least what was asked for}
     *
     * @throws IllegalArgumentException if {@code address} is not a live payload of this heap
     */
    public long usableSize(long address) {
        checkThread();
        return engine.usableSize(address);
    }

    /**
     * Gives the OS back every page the heap does not use: cached free slots go back to their slabs, empty slabs and
     * pools to the page allocator, and free pages are purged. Addresses stay reserved.
     */
    public void trim() {
        checkThread();
        engine.trim();
    }

    // ---- statistics ----

    /** {@return the usable bytes of all live allocations} */
    public long liveBytes() {
        checkThread();
        return engine.liveBytes();
    }

    /** {@return the number of live allocations} O(pages): counted from the slabs and pools, off the hot path. */
    public long liveAllocations() {
        checkThread();
        return engine.liveAllocations();
    }

    /** {@return the bytes the heap holds from the OS (or its arena): its footprint} */
    public long committedBytes() {
        checkThread();
        return engine.footprint();
    }

    /** {@return the share of the footprint not holding live allocations: {@code 1 - liveBytes / committedBytes}} */
    public double fragmentation() {
        long committed = committedBytes();
        return committed == 0 ? 0 : 1 - (double) liveBytes() / committed;
    }

    /** {@return live allocations of size class {@code sizeClass} (see {@link #sizeClasses()})} O(pages). */
    public long liveAllocations(int sizeClass) {
        checkThread();
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
    public void check() {
        checkThread();
        engine.check();
    }

    /**
     * Releases everything: the heap's pages (to the OS, or back to its arena), its page map and its huge mappings.
     *
     * @throws IllegalStateException if already closed
     * @throws WrongThreadException  if used from another thread
     */
    @Override
    public void close() {
        checkThread();
        region.release(0);
        releaseOwnMemory();
    }

    private void releaseOwnMemory() {
        if (owner != null) {
            owner = null;
            for (Arena scope : hugeScopes.values()) {
                scope.close();
            }
            hugeScopes.clear();
            engine.release();
        }
    }

    /** {@return {address, byteSize} of every mapping this heap holds: its region, page map, huge mappings; for leak tests} */
    java.util.List<long[]> osRanges() {
        java.util.List<long[]> ranges = new java.util.ArrayList<>(engine.osRanges());
        ranges.add(new long[] {region.address(), region.reservedBytes()});
        return ranges;
    }

    @Override
    public String toString() {
        return owner == null ? "Heap[closed]" : "Heap[live=" + Bits.bytes(engine.liveBytes()) + " in "
                + engine.liveAllocations() + " allocations, committed=" + Bits.bytes(engine.footprint()) + "]";
    }

    /**
     * {@return a segment over a payload}: a slice of the heap's region, or for a huge payload (mapped apart and
     * unmapped by its free) a segment with a lifetime of its own that its free ends, so that a stale segment throws
     * instead of touching unmapped memory.
     */
    private MemorySegment segmentAt(long address, long byteSize) {
        long off = address - base;
        if (off >= 0 && off < all.byteSize()) {
            return all.asSlice(off, byteSize);
        }
        Arena scope = Arena.ofConfined();
        Arena old = hugeScopes.put(address, scope);
        if (old != null) {
            old.close();
        }
        return MemorySegment.ofAddress(address).reinterpret(byteSize, scope, null);
    }

    /** Ends the lifetime of the segment over a huge payload at {@code address}, before it is unmapped. */
    private void endHugeScope(long address) {
        if (!hugeScopes.isEmpty()) {
            Arena scope = hugeScopes.remove(address);
            if (scope != null) {
                scope.close();
            }
        }
    }

    private void checkThread() {
        if (Thread.currentThread() != owner) {
            throw owner == null ? new IllegalStateException("Already closed: Heap")
                    : new WrongThreadException("Heap is confined to " + owner.getName() + ", used from "
                    + Thread.currentThread().getName());
        }
    }
}
