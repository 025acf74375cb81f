package dev.jalloc.heap;

import dev.jalloc.DebugLevel;
import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.heap.BestFitEngine;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.util.Bits;
import java.lang.foreign.MemorySegment;

/**
 * A best-fit allocator over one region: variable-size allocation with {@link #free}, for memory whose pieces end
 * in any order. Allocation takes the smallest free block that fits (O(log n)); every free merges with both free
 * neighbours in O(1). Payloads are whole 16-byte granules with no header, so a 16-byte request costs 16 bytes.
 *
 * {@snippet :
 * try (BestFitAllocator fit = BestFitAllocator.create()) {
 *     MemorySegment a = fit.allocate(100);                // zeroed, 16-byte aligned
 *     long b = fit.allocateAddressNoInit(4000, 64);       // contents undefined, 64-byte aligned
 *     a = fit.reallocate(a, 1000);                        // in place when the next block is free
 *     fit.free(b);
 *     fit.free(a);
 * }                                                       // the reservation goes back to the OS
 * }
 *
 * <h2>Memory</h2>
 * Its own reservation ({@link #create()}, {@value #DEFAULT_RESERVE_SIZE} bytes of address space, less if the OS
 * refuses that much: {@link #toString()} says so) committed {@value #DEFAULT_COMMIT_STEP} bytes at a time as the
 * blocks reach it, or the tail of a {@link LinearArena} ({@link #onTailOf}): a sub-lifetime whose memory comes from
 * the arena. {@link #trim()} gives back the pages of free blocks and the free tail.
 *
 * <h2>Safety</h2>
 * All of the allocator's bookkeeping lives outside the memory it manages (bitmaps and a red-black tree in the Java
 * heap), so nothing written through a segment, even one whose memory was freed, can corrupt it or make a later call
 * crash or spin. Freeing or resizing an address this allocator did not hand out, an address inside a payload, or
 * one already freed throws {@link IllegalArgumentException} and changes nothing: the check is exact. A segment from
 * this allocator stays accessible after its free (until close; for a tail, the arena's lifetime): a use after free
 * reads or writes other payloads' bytes, never the allocator's.
 *
 * <h2>Errors</h2>
 * Bad sizes and alignments: {@link IllegalArgumentException}; no room: {@link OutOfNativeMemoryError}; use after
 * close: {@link IllegalStateException}; another thread: {@link WrongThreadException}. A refused call changes nothing.
 *
 * <h2>Threads</h2>
 * Confined to the creating thread. On the tail of a shared arena, closing the arena from another thread closes the
 * allocator too.
 */
public final class BestFitAllocator extends RegionAllocator implements AddressAllocator {
    /** The most a best-fit allocator manages, and its default reservation: almost 64 GiB (2<sup>32</sup> granules). */
    public static final long DEFAULT_RESERVE_SIZE = BestFitEngine.MAX_BYTES;
    /** How far the committed part grows at a time by default: 64 KiB. */
    public static final long DEFAULT_COMMIT_STEP = 64 << 10;

    private final BestFitEngine engine;
    private final MemorySegment all;
    private final long base;
    private final long commitStep;

    BestFitAllocator(Region region, long commitStep, DebugLevel debugLevel) {
        super(region, false, debugLevel);
        this.commitStep = commitStep;
        this.engine = new BestFitEngine(region, commitStep);
        this.all = region.segment();
        this.base = region.address();
        publishUsage();
    }

    /** {@return a builder with the defaults of {@link #create()}} */
    public static BestFitBuilder builder() {
        return new BestFitBuilder();
    }

    /**
     * {@return an empty confined allocator with its own reservation of {@value #DEFAULT_RESERVE_SIZE} bytes (or less,
     * if the OS refuses that much address space)}
     *
     * @throws OutOfNativeMemoryError if the OS refuses even a small reservation
     */
    public static BestFitAllocator create() {
        return builder().build();
    }

    /**
     * {@return an empty allocator on the tail of {@code arena}: a sub-lifetime whose memory comes from the arena}
     *
     * <p>It grows to the end of the arena's current block, committing through the arena; while it is open the
     * arena refuses pushes, pops and temps. {@link #close()} gives the whole tail back (the arena's position is
     * where it was before); closing the arena closes the allocator.
     *
     * @param arena the arena to take the tail of
     * @throws IllegalStateException         if the arena is closed or already lends its tail
     * @throws WrongThreadException          if the arena is confined to another thread
     * @throws UnsupportedOperationException if the arena is over heap memory
     * @throws OutOfNativeMemoryError        if the arena's block has no room left
     */
    public static BestFitAllocator onTailOf(LinearArena arena) {
        return builder().onTailOf(arena).build();
    }

    // ---- allocation ----

    @Override
    long allocateChecked(long byteSize, long byteAlignment, boolean zero) {
        long address = byteSize <= BestFitEngine.MAX_BYTES ? engine.allocate(byteSize, byteAlignment, zero) : -1;
        if (address < 0) {
            throw new OutOfNativeMemoryError("best fit: no room for " + byteSize + " bytes aligned to " + byteAlignment
                    + " (committed " + Bits.bytes(engine.committedBytes()) + ", largest free block "
                    + Bits.bytes(engine.largestFreeBlock()) + ", region of " + Bits.bytes(region.reservedBytes()) + ")");
        }
        return address;
    }

    @Override
    MemorySegment segment(long address, long byteSize) {
        return all.asSlice(address - base, byteSize);
    }

    /**
     * Frees the payload at {@code address}, merging it with its free neighbours.
     *
     * @throws IllegalArgumentException if {@code address} is not an allocated payload of this allocator
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
        engine.free(address);
    }

    @Override
    void freeChecked(long address) {
        engine.free(address);
    }

    @Override
    long[] usageForJfr() {
        return new long[] {engine.committedBytes(), engine.allocatedBytes()};
    }

    @Override
    long[] liveForReport() {
        return new long[] {engine.allocatedBlocks(), engine.allocatedBytes()};
    }

    @Override
    long reallocateChecked(long address, long byteSize, boolean zero) {
        long moved;
        if (byteSize <= BestFitEngine.MAX_BYTES) {
            moved = engine.reallocate(address, byteSize, zero);
        } else {
            engine.usableSize(address);   // a bad address is refused as such before the size is
            moved = -1;
        }
        if (moved < 0) {
            throw new OutOfNativeMemoryError("best fit: no room to grow " + Bits.hex(address) + " to " + byteSize
                    + " bytes (committed " + Bits.bytes(engine.committedBytes()) + ")");
        }
        return moved;
    }

    /**
     * {@return the usable bytes at {@code address}: at least what was asked for, a multiple of 16}
     *
     * @throws IllegalArgumentException if {@code address} is not an allocated payload of this allocator
     */
    @Override
    public long usableSize(long address) {
        checkOpen();
        return engine.usableSize(address);
    }

    /**
     * Gives the OS back the pages of free blocks (they read as zero and are committed again when reused) and the
     * free tail of the committed part. Addresses stay reserved.
     */
    @Override
    public void trim() {
        checkOpen();
        engine.trim();
    }

    // ---- statistics ----

    /** {@return the bytes committed for this allocator: its footprint, purged pages not included} */
    @Override
    public long committedBytes() {
        checkOpen();
        return engine.committedBytes();
    }

    /**
     * {@return a snapshot of the allocator's numbers in one record} O(1), plus one question to the kernel per GiB of
     * committed memory for the resident bytes.
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if used from another thread
     */
    public BestFitStats stats() {
        checkOpen();
        return new BestFitStats(engine.allocatedBytes(), engine.allocatedBlocks(), engine.freeBytes(),
                engine.freeBlocks(), engine.largestFreeBlock(), engine.committedBytes(),
                region.usage().peakCommittedBytes(), region.reservedBytes(), region.residentBytes(),
                region.usage().osCalls());
    }

    /** {@return the bytes of allocated payloads} */
    public long allocatedBytes() {
        checkOpen();
        return engine.allocatedBytes();
    }

    /** {@return the number of allocated payloads} */
    public long allocatedBlocks() {
        checkOpen();
        return engine.allocatedBlocks();
    }

    /**
     * {@return the bytes of free blocks in the part of the region the allocator has grown into} That part grows on
     * demand: on an arena's tail that is committed already, the rest of the tail is not counted until it is needed.
     */
    public long freeBytes() {
        checkOpen();
        return engine.freeBytes();
    }

    /** {@return the number of free blocks: fragmentation shows as many of them} */
    public long freeBlocks() {
        checkOpen();
        return engine.freeBlocks();
    }

    /** {@return the largest free block in bytes} */
    public long largestFreeBlock() {
        checkOpen();
        return engine.largestFreeBlock();
    }

    /** {@return the commit step in bytes} */
    public long commitStep() {
        return commitStep;
    }

    /**
     * Walks every block and the free tree and checks every invariant: for tests and debugging, O(blocks).
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
        engine.check();
    }

    @Override
    void release() {
        engine.release();
    }

    @Override
    public String toString() {
        return describe(closed ? "" : "allocated=" + Bits.bytes(engine.allocatedBytes()) + " in "
                + engine.allocatedBlocks() + " blocks, free=" + Bits.bytes(engine.freeBytes()) + " in "
                + engine.freeBlocks() + " blocks, committed=" + Bits.bytes(engine.committedBytes()));
    }
}
