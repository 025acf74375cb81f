package dev.jalloc.heap;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.arena.OwnReservation;
import dev.jalloc.internal.arena.Region;
import dev.jalloc.internal.heap.BestFit;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import dev.jalloc.internal.util.Checks;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

/**
 * A best-fit allocator over one region: variable-size allocation with {@link #free}, for memory whose pieces end
 * in any order. Every block carries boundary tags, every free merges with both free neighbours in O(1), and
 * allocation takes the smallest free block that fits (O(log n) in a red-black tree kept inside the free blocks).
 *
 * {@snippet :
 * try (BestFitAllocator heap = BestFitAllocator.create()) {
 *     MemorySegment a = heap.allocate(100);              // zeroed, 16-byte aligned
 *     long b = heap.allocateAddress(4000, 64);           // contents undefined, 64-byte aligned
 *     a = heap.reallocate(a, 1000);                      // in place when the next block is free
 *     heap.free(b);
 *     heap.free(a);
 * }                                                      // the reservation goes back to the OS
 * }
 *
 * <h2>Memory</h2>
 * Its own reservation ({@link #create()}, up to {@value #DEFAULT_MAX_BYTE_SIZE} bytes) committed in
 * {@link #growStep()} steps as it fills, or the tail of a {@link LinearArena} ({@link #onTailOf}): a sub-lifetime
 * whose memory comes from the arena. The allocator never gives committed memory back before {@link #close()}.
 *
 * <h2>Errors</h2>
 * Freeing or resizing an address this allocator did not hand out, an address inside a payload, or one already
 * freed throws {@link IllegalArgumentException} and changes nothing: a bitmap kept apart from the blocks marks
 * the start of every allocated payload, so the check is exact and costs one bit test. Bad sizes and alignments:
 * {@link IllegalArgumentException}; no room: {@link OutOfNativeMemoryError}; use after close:
 * {@link IllegalStateException}; a confined allocator used from another thread: {@link WrongThreadException}.
 * A segment from this allocator stays accessible after its free (until close): a use after free reads or writes
 * another allocation's bytes, or the allocator's own tags.
 *
 * <h2>Threads</h2>
 * Confined to the creating thread, or to the arena's thread for {@link #onTailOf}.
 */
public final class BestFitAllocator implements AddressAllocator {
    /** The most a best-fit allocator manages: 64 GiB (2<sup>32</sup> granules of 16 bytes). */
    public static final long DEFAULT_MAX_BYTE_SIZE = BestFit.MAX_REGION;
    /** How far the region grows at a time by default: 64 KiB. */
    public static final long DEFAULT_GROW_STEP = 64 << 10;

    private final Region region;
    private final BestFit fit;
    private final MemorySegment all;
    private final long base;
    private final long growStep;
    private Thread owner;

    private BestFitAllocator(Region region, long growStep) {
        this.region = region;
        this.growStep = growStep;
        this.fit = new BestFit(region, growStep);
        this.all = region.segment();
        this.base = region.address();
        this.owner = Thread.currentThread();
        region.onTakenAway(() -> owner = null);
    }

    /**
     * {@return an empty confined allocator with its own reservation of {@value #DEFAULT_MAX_BYTE_SIZE} bytes}
     *
     * @throws OutOfNativeMemoryError if the OS refuses the reservation
     */
    public static BestFitAllocator create() {
        return create(DEFAULT_MAX_BYTE_SIZE, DEFAULT_GROW_STEP);
    }

    /**
     * {@return an empty confined allocator with its own reservation of {@code maxByteSize} bytes, growing
     * {@code growStep} bytes at a time (both rounded up to the page)}
     *
     * @throws IllegalArgumentException if either is not positive, or {@code maxByteSize} is above
     *                                  {@value #DEFAULT_MAX_BYTE_SIZE}
     * @throws OutOfNativeMemoryError   if the OS refuses the reservation
     */
    public static BestFitAllocator create(long maxByteSize, long growStep) {
        if (maxByteSize <= 0 || maxByteSize > DEFAULT_MAX_BYTE_SIZE) {
            throw Checks.illegalArgument("maxByteSize", maxByteSize, "> 0 and <= " + DEFAULT_MAX_BYTE_SIZE);
        }
        if (growStep <= 0 || growStep > maxByteSize) {
            throw Checks.illegalArgument("growStep", growStep, "> 0 and <= maxByteSize");
        }
        Region region = new OwnReservation(Os.current(), maxByteSize, false, false);
        try {
            return new BestFitAllocator(region, growStep);
        } catch (RuntimeException | Error e) {
            region.release(0);
            throw e;
        }
    }

    /**
     * {@return an empty allocator on the tail of {@code arena}: a sub-lifetime whose memory comes from the arena}
     *
     * <p>It grows to the end of the arena's current block, committing through the arena; while it is open the
     * arena refuses pushes, pops and temps. {@link #close()} gives the whole tail back (the arena's position is
     * where it was before); closing the arena closes the allocator.
     *
     * @throws IllegalStateException         if the arena is closed or already lends its tail
     * @throws WrongThreadException          if the arena is confined to another thread
     * @throws UnsupportedOperationException if the arena is over heap memory
     * @throws OutOfNativeMemoryError        if the arena's block has too little room left
     */
    public static BestFitAllocator onTailOf(LinearArena arena) {
        Region region = Region.Tails.take(arena, 16);
        try {
            return new BestFitAllocator(region, Math.max(arena.commitSize(), DEFAULT_GROW_STEP));
        } catch (RuntimeException | Error e) {
            region.release(0);
            throw e;
        }
    }

    // ---- allocation ----

    /**
     * {@return {@code byteSize} zeroed bytes aligned to {@code byteAlignment}}, a slice of this allocator's memory
     * with its lifetime.
     *
     * @throws IllegalArgumentException if the size is negative or above the maximum, or the alignment is not a
     *                                  power of two up to 2<sup>30</sup>
     * @throws OutOfNativeMemoryError   if the region cannot grow enough
     * @throws IllegalStateException    if closed
     * @throws WrongThreadException     if used from another thread
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        long address = allocateAddress(byteSize, byteAlignment);
        return all.asSlice(address - base, byteSize).fill((byte) 0);
    }

    /**
     * {@return the address of {@code byteSize} bytes aligned to {@code byteAlignment}, with undefined contents}
     *
     * @throws IllegalArgumentException if the size or the alignment is invalid (see {@link #allocate(long, long)})
     * @throws OutOfNativeMemoryError   if the region cannot grow enough
     * @throws IllegalStateException    if closed
     * @throws WrongThreadException     if used from another thread
     */
    public long allocateAddress(long byteSize, long byteAlignment) {
        checkThread();
        Checks.checkSizeAndAlignment(byteSize, byteAlignment);
        long payload = byteSize < BestFit.MAX_REGION ? fit.allocate(byteSize, byteAlignment) : -1;
        if (payload < 0) {
            throw new OutOfNativeMemoryError("best fit: no room for " + byteSize + " bytes aligned to "
                    + byteAlignment + " (footprint " + Bits.bytes(fit.footprint()) + ", largest free block "
                    + Bits.bytes(fit.largestFreeBlock()) + ", region of " + Bits.bytes(region.reservedBytes()) + ")");
        }
        return base + payload;
    }

    /**
     * Frees the memory at {@code address}, merging it with its free neighbours.
     *
     * @throws IllegalArgumentException if {@code address} is not an allocated payload of this allocator
     * @throws IllegalStateException    if closed
     * @throws WrongThreadException     if used from another thread
     */
    public void free(long address) {
        checkThread();
        fit.free(address - base);
    }

    /**
     * {@return the address of at least {@code byteSize} bytes holding the old contents (up to the smaller size)}
     * In place when the block, its free successor or the region's growth allow; otherwise moved, and the old
     * address is freed. If there is no room the old memory is untouched and still allocated.
     *
     * @throws IllegalArgumentException if {@code address} is not an allocated payload, or the size is invalid
     * @throws OutOfNativeMemoryError   if there is no room
     * @throws IllegalStateException    if closed
     * @throws WrongThreadException     if used from another thread
     */
    public long reallocate(long address, long byteSize) {
        checkThread();
        Checks.checkByteSize(byteSize);
        long payload = byteSize < BestFit.MAX_REGION ? fit.reallocate(address - base, byteSize) : -1;
        if (payload < 0) {
            throw new OutOfNativeMemoryError("best fit: no room to grow " + Bits.hex(address) + " to " + byteSize
                    + " bytes (footprint " + Bits.bytes(fit.footprint()) + ")");
        }
        return base + payload;
    }

    /**
     * {@return a segment of {@code byteSize} bytes holding the old contents of {@code segment}} As
     * {@link #reallocate(long, long)}; bytes beyond the old size are undefined.
     */
    public MemorySegment reallocate(MemorySegment segment, long byteSize) {
        long address = reallocate(segment.address(), byteSize);
        return all.asSlice(address - base, byteSize);
    }

    /**
     * {@return the usable bytes at {@code address}: at least what was asked for}
     *
     * @throws IllegalArgumentException if {@code address} is not an allocated payload of this allocator
     */
    public long usableSize(long address) {
        checkThread();
        return fit.usableSize(address - base);
    }

    // ---- statistics ----

    /** {@return the bytes committed for this allocator: its footprint} */
    public long committedBytes() {
        checkThread();
        return fit.footprint();
    }

    /** {@return the bytes of allocated blocks, headers and rounding included} */
    public long allocatedBytes() {
        checkThread();
        return fit.allocatedBlockBytes();
    }

    /** {@return the number of allocated blocks} */
    public long allocatedBlocks() {
        checkThread();
        return fit.allocatedBlocks();
    }

    /** {@return the bytes of free blocks} */
    public long freeBytes() {
        checkThread();
        return fit.freeBytes();
    }

    /** {@return the number of free blocks: fragmentation shows as many of them} */
    public long freeBlocks() {
        checkThread();
        return fit.freeBlocks();
    }

    /** {@return the largest free block in bytes} */
    public long largestFreeBlock() {
        checkThread();
        return fit.largestFreeBlock();
    }

    /** {@return the grow step in bytes} */
    public long growStep() {
        return growStep;
    }

    /**
     * Walks every block and the free tree and checks every invariant of the layout (see the package's words):
     * for tests and debugging, O(blocks).
     *
     * @throws IllegalStateException naming the first violation
     */
    public void check() {
        checkThread();
        fit.check();
    }

    /**
     * Releases the memory: to the OS, or back to the arena for {@link #onTailOf} (the arena's position returns to
     * where it was). Segments from this allocator become inaccessible (for an arena's tail, they keep the
     * arena's lifetime).
     *
     * @throws IllegalStateException if already closed
     * @throws WrongThreadException  if used from another thread
     */
    @Override
    public void close() {
        checkThread();
        region.release(0);
        owner = null;
    }

    @Override
    public String toString() {
        if (owner == null) {
            return "BestFitAllocator[closed]";
        }
        return "BestFitAllocator[allocated=" + Bits.bytes(fit.allocatedBlockBytes()) + " in " + fit.allocatedBlocks()
                + " blocks, free=" + Bits.bytes(fit.freeBytes()) + " in " + fit.freeBlocks() + " blocks, committed="
                + Bits.bytes(fit.footprint()) + "]";
    }

    private void checkThread() {
        if (Thread.currentThread() != owner) {
            throw owner == null ? new IllegalStateException("Already closed: BestFitAllocator")
                    : new WrongThreadException("BestFitAllocator is confined to " + owner.getName() + ", used from "
                    + Thread.currentThread().getName());
        }
    }
}
