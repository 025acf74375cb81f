package dev.jalloc.internal.heap;

import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.util.Bits;
import java.lang.foreign.MemorySegment;

/**
 * The best-fit allocator in addresses: a {@link BestFitRegion} of 16-byte granules. Nothing is stored in the region:
 * a payload is exactly its granules, 16-byte aligned, with no header, and every address is checked exactly against
 * the out-of-band start bits before anything changes.
 *
 * <pre>
 *   region   [ granule 0 ][ 1 ][ 2 ] ...          address of granule g = base + 16 g
 * </pre>
 * Arguments are checked by the public edge. Not thread-safe: the public edge confines it.
 */
public final class BestFitEngine {
    static final int SHIFT = 4;
    /** The allocation granule: every payload is a whole number of them, 16-byte aligned. */
    public static final long GRANULE = 1L << SHIFT;
    /** The most bytes one best-fit region manages. */
    public static final long MAX_BYTES = BestFit.MAX_UNITS << SHIFT;
    /** The first growth of the blocks: they grow geometrically from it up to the commit step at a time. */
    private static final long MIN_GROWTH = 64 << 10;

    private final Region region;
    private final MemorySegment mem;
    private final long base;
    private final BestFitRegion space;
    private final BestFit fit;

    /**
     * @param commitStep how far the committed prefix grows at a time (rounded up to the OS page); the blocks, and
     *                   their metadata, cover it as they need it
     */
    public BestFitEngine(Region region, long commitStep) {
        this.region = region;
        this.mem = region.segment();
        this.base = region.address();
        this.space = new BestFitRegion(region, SHIFT, Math.min(commitStep, MIN_GROWTH), commitStep);
        this.fit = space.fit();
    }

    private static long units(long byteSize) {
        return Math.max(1, (byteSize + GRANULE - 1) >>> SHIFT);
    }

    /**
     * {@return the address of {@code byteSize} bytes aligned to {@code byteAlignment}, zeroed if {@code zero}, or -1
     * if the region cannot grow so far}
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses memory; nothing changed
     */
    public long allocate(long byteSize, long byteAlignment, boolean zero) {
        long n = units(byteSize);
        long start = space.allocate(n, Math.max(1, byteAlignment >>> SHIFT));
        if (start < 0) {
            return -1;
        }
        space.handOut(mem, start, start + n, zero);
        return base + (start << SHIFT);
    }

    /**
     * Frees the payload at {@code address}.
     *
     * @throws IllegalArgumentException if it is not an allocated payload: foreign, interior or already freed
     */
    public void free(long address) {
        space.free(checkAllocated(address, "free"));
    }

    /**
     * {@return the address of at least {@code byteSize} bytes holding the payload's bytes (up to the smaller size),
     * the bytes beyond its old size zeroed if {@code zero}, or -1 if there is no room (the payload is untouched)}
     * In place when the block shrinks, its free successor or the region's growth allow; otherwise moved.
     *
     * @throws IllegalArgumentException if {@code address} is not an allocated payload
     */
    public long reallocate(long address, long byteSize, boolean zero) {
        long start = checkAllocated(address, "reallocate");
        long old = fit.sizeOf(start);
        long n = units(byteSize);
        if (space.resize(start, n)) {
            if (n > old) {
                space.handOut(mem, start + old, start + n, zero);
            }
            return address;
        }
        long moved = allocate(byteSize, GRANULE, false);
        if (moved < 0) {
            return -1;
        }
        long oldBytes = old << SHIFT;
        MemorySegment.copy(mem, start << SHIFT, mem, moved - base, oldBytes);
        if (zero) {
            mem.asSlice(moved - base + oldBytes, (n - old) << SHIFT).fill((byte) 0);
        }
        space.free(start);
        return moved;
    }

    /**
     * {@return the usable bytes of the payload at {@code address}}
     *
     * @throws IllegalArgumentException if {@code address} is not an allocated payload
     */
    public long usableSize(long address) {
        return fit.sizeOf(checkAllocated(address, "usableSize")) << SHIFT;
    }

    private long checkAllocated(long address, String what) {
        long off = address - base;
        if (off < 0 || (off & (GRANULE - 1)) != 0 || !fit.isAllocated(off >>> SHIFT)) {
            throw new IllegalArgumentException(what + ": " + Bits.hex(address) + " is "
                    + (off < 0 || off >= fit.limit() << SHIFT ? "not an address of this allocator"
                    : (off & (GRANULE - 1)) != 0 ? "not the start of a payload (misaligned)"
                    : "not the start of an allocated payload (already freed, or inside one)"));
        }
        return off >>> SHIFT;
    }

    /**
     * Gives the OS back every page no payload uses: the pages inside free blocks are purged (they read as zero and
     * are committed again when reused) and a free tail leaves the committed prefix. Addresses stay reserved.
     */
    public void trim() {
        long before = space.committedBytes();
        space.purgeAllFree();
        System.getLogger("dev.jalloc.heap").log(System.Logger.Level.DEBUG, "best fit trim: committed {0} -> {1}",
                Bits.bytes(before), Bits.bytes(space.committedBytes()));
    }

    // ---- statistics ----

    /** {@return the bytes the OS charges for this allocator: its committed prefix less its purged pages} */
    public long committedBytes() {
        return space.committedBytes();
    }

    /** {@return the bytes of allocated payloads} */
    public long allocatedBytes() {
        return fit.allocatedUnits() << SHIFT;
    }

    /** {@return the number of allocated payloads} */
    public long allocatedBlocks() {
        return fit.allocatedBlocks();
    }

    /** {@return the bytes of free blocks within the committed prefix} */
    public long freeBytes() {
        return fit.freeUnits() << SHIFT;
    }

    /** {@return the number of free blocks} */
    public long freeBlocks() {
        return fit.freeBlocks();
    }

    /** {@return the largest free block in bytes} */
    public long largestFreeBlock() {
        return fit.largestFreeBlock() << SHIFT;
    }

    /**
     * Checks every invariant of the blocks and the free tree.
     *
     * @throws IllegalStateException naming the first violation
     */
    public void check() {
        space.check();
    }

    /** Gives the region back (to the OS, or to its arena with no holes in its prefix). */
    public void release() {
        space.release();
    }
}
