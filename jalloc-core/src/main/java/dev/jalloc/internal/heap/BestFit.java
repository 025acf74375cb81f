package dev.jalloc.internal.heap;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jalloc.internal.arena.Region;
import dev.jalloc.internal.util.Bits;
import java.lang.foreign.MemorySegment;

/**
 * A best-fit allocator over one {@link Region}: boundary tags, coalescing on every free, and the free blocks in a
 * {@link FreeTree} inside themselves. Deals in offsets from the region's start; the public edge makes addresses
 * and segments.
 *
 * <pre>
 *   offset 0      8              40                                                   end-8   end
 *   | pad | NIL / prologue (32) | block | block | block | ........................ | epilogue |
 *                                ^ first block (offset % 16 == 8, so payloads are 16-byte aligned)
 *
 *   allocated block at b:                       free block at b:
 *   b+0   header  size | PREV_ALLOC | ALLOC=1    b+0   header  size | RED | PREV_ALLOC | ALLOC=0
 *   b+8   payload (size - 8 bytes usable)        b+8   tree links (see FreeTree)
 *                                                b+size-8  footer  size
 *
 *   size: a multiple of 16, at least 32, in the high bits of the header; flags in the low four bits.
 *   epilogue: a header of size 0 with ALLOC set, at end - 8; PREV_ALLOC tells whether the last block is free.
 * </pre>
 * An allocated block has no footer: its successor's PREV_ALLOC bit says it is allocated, so nobody needs its
 * start, and the eight bytes belong to the payload (CS:APP's optimisation of Knuth's boundary tags). Invariants:
 * every block's PREV_ALLOC equals its predecessor's ALLOC; no two free blocks are neighbours; the tree holds
 * exactly the free blocks; a free block's footer equals its size. {@link #check()} verifies all of them.
 *
 * <p>Validity of frees is checked out of band: a bitmap with one bit per 16-byte granule marks the start of every
 * allocated block, so a foreign, interior or already freed address is refused deterministically, in O(1), without
 * trusting anything stored inline. Not thread-safe.
 */
public final class BestFit {
    static final long ALLOC = 1;
    static final long PREV_ALLOC = 2;
    static final long FLAGS = 15;
    /** The smallest block: a header, three tree links and a footer. */
    public static final long MIN_BLOCK = 32;
    static final long GRANULE = 16;
    static final long FIRST_BLOCK = 40;
    /** The largest region a best-fit allocator manages: 2<sup>32</sup> granules of 16 bytes. */
    public static final long MAX_REGION = 1L << 36;

    private final Region region;
    private final MemorySegment mem;
    /** The region's address: alignments are of addresses, and a region on an arena's tail starts anywhere. */
    private final long base;
    private final FreeTree tree;
    private final long growStep;
    /** Block sizes are multiples of this: 16, or 32 for a page map (one 32-byte block unit per page). */
    private final long unit;
    private long end;
    private long[] starts;
    private long allocatedBlockBytes;
    private long allocatedBlocks;
    private long freeBytes;

    /**
     * Lays out an empty allocator at the start of {@code region}, committing its first {@code growStep} bytes.
     *
     * @param growStep how far to commit beyond what an allocation needs when the region must grow
     * @throws dev.jalloc.OutOfNativeMemoryError if the region cannot commit its first step
     */
    public BestFit(Region region, long growStep) {
        this(region, growStep, GRANULE);
    }

    /**
     * Lays out an empty allocator whose block sizes are multiples of {@code unit} (16 or 32).
     *
     * @see #BestFit(Region, long)
     */
    public BestFit(Region region, long growStep, long unit) {
        if (unit != GRANULE && unit != 2 * GRANULE) {
            throw new IllegalArgumentException("unit: " + unit + " (expected: 16 or 32)");
        }
        this.unit = unit;
        this.region = region;
        this.mem = region.segment();
        this.base = region.address();
        if ((base & (GRANULE - 1)) != 0) {
            throw new IllegalArgumentException("region at " + Bits.hex(base) + ": not 16-byte aligned");
        }
        this.growStep = Bits.alignUp(Math.max(growStep, region.pageSize()), region.pageSize());
        region.commitTo(Math.min(region.reservedBytes(), Math.min(MAX_REGION,
                Bits.alignUp(FIRST_BLOCK + 8 + MIN_BLOCK, region.pageSize()))));
        this.end = usableEnd(region.committedBytes());
        this.tree = new FreeTree(mem);
        mem.set(JAVA_LONG, 8, MIN_BLOCK | ALLOC);        // the NIL node doubles as the prologue
        this.starts = new long[Math.max(1, (int) ((end / GRANULE + 63) >>> 6))];
        long first = end - FIRST_BLOCK - 8;
        if (first < MIN_BLOCK) {
            throw new IllegalArgumentException("region of " + end + " bytes: too small for a best-fit allocator");
        }
        writeEpilogue(end, false);
        addFree(FIRST_BLOCK, first, PREV_ALLOC);   // the prologue counts as allocated
    }

    // ---- the operations ----

    /**
     * {@return the offset of a payload of at least {@code byteSize} bytes aligned to {@code byteAlignment}, or -1
     * if the region cannot grow enough} The caller checked the arguments (sizes up to {@link #MAX_REGION}).
     */
    public long allocate(long byteSize, long byteAlignment) {
        long asize = blockSize(byteSize, unit);
        if (byteAlignment <= GRANULE) {
            long b = findOrGrow(asize);
            if (b < 0) {
                return -1;
            }
            unlinkFree(b);
            place(b, asize);
            return b + 8;
        }
        long b = findOrGrow(asize + byteAlignment + MIN_BLOCK);
        if (b < 0) {
            return -1;
        }
        long size = unlinkFree(b);
        long payload = Bits.alignUp(base + b + 8, byteAlignment) - base;
        long lead = payload - 8 - b;
        if (lead > 0 && lead < MIN_BLOCK) {
            payload += byteAlignment;
            lead += byteAlignment;
        }
        if (lead > 0) {
            addFree(b, lead, header(b) & PREV_ALLOC);   // its predecessor is allocated: no merge
            b += lead;
            size -= lead;
            setHeader(b, size);
        }
        place(b, asize);
        return payload;
    }

    /**
     * Frees the payload at {@code payload}.
     *
     * @throws IllegalArgumentException if it is not the start of an allocated payload: foreign, interior, or freed
     */
    public void free(long payload) {
        long b = checkAllocated(payload, "free");
        clearStart(b);
        long size = sizeOf(b);
        allocatedBlockBytes -= size;
        allocatedBlocks--;
        long prevAlloc = header(b) & PREV_ALLOC;
        long next = b + size;
        long nh = header(next);
        if ((nh & ALLOC) == 0) {
            size += unlinkFree(next);
        }
        long merged = addFree(b, size, prevAlloc);
        long after = merged + sizeOf(merged);
        setHeader(after, header(after) & ~PREV_ALLOC);
    }

    /**
     * Resizes the payload at {@code payload} in place if the block, its free successor or the region's growth
     * allow, else moves it (copying the smaller of the sizes) and frees the old one.
     *
     * @return the payload's offset, or -1 if there is no room (the old payload is then untouched)
     * @throws IllegalArgumentException if {@code payload} is not the start of an allocated payload
     */
    public long reallocate(long payload, long byteSize) {
        long b = checkAllocated(payload, "reallocate");
        long asize = blockSize(byteSize, unit);
        long size = sizeOf(b);
        if (asize <= size) {
            shrink(b, size, asize);
            return payload;
        }
        long next = b + size;
        long nh = header(next);
        boolean nextFree = (nh & ALLOC) == 0;
        long room = size + (nextFree ? nh & ~FLAGS : 0);
        if (room < asize) {
            long after = nextFree ? next + (nh & ~FLAGS) : next;
            if (after == end - 8 && grow(asize - room)) {
                nh = header(next);   // growing merged the free tail (or the new pages) into one block at next
            }
        }
        if ((nh & ALLOC) == 0 && size + (nh & ~FLAGS) >= asize) {
            long nsize = unlinkFree(next);
            allocatedBlockBytes -= size;
            setHeader(b, (size + nsize) | (header(b) & FLAGS));
            allocatedBlockBytes += size + nsize;
            setHeader(b + size + nsize, header(b + size + nsize) | PREV_ALLOC);
            shrink(b, size + nsize, asize);
            return payload;
        }
        long moved = allocate(byteSize, GRANULE);
        if (moved < 0) {
            return -1;
        }
        MemorySegment.copy(mem, payload, mem, moved, size - 8);
        free(payload);
        return moved;
    }

    /**
     * {@return the usable bytes of the payload at {@code payload}}
     *
     * @throws IllegalArgumentException if {@code payload} is not the start of an allocated payload
     */
    public long usableSize(long payload) {
        return sizeOf(checkAllocated(payload, "usableSize")) - 8;
    }

    // ---- statistics ----

    /** {@return the committed bytes of the region this allocator uses} */
    public long footprint() {
        return end;
    }

    /** {@return the bytes of allocated blocks, headers included} */
    public long allocatedBlockBytes() {
        return allocatedBlockBytes;
    }

    /** {@return the number of allocated blocks} */
    public long allocatedBlocks() {
        return allocatedBlocks;
    }

    /** {@return the bytes of free blocks} */
    public long freeBytes() {
        return freeBytes;
    }

    /** {@return the number of free blocks} */
    public long freeBlocks() {
        return tree.count();
    }

    /** {@return the size of the largest free block, 0 if none} */
    public long largestFreeBlock() {
        long b = tree.largest();
        return b < 0 ? 0 : sizeOf(b);
    }

    /** Calls {@code action(blockOffset, blockSize)} for every free block, smallest first. */
    public void forEachFree(java.util.function.BiConsumer<Long, Long> action) {
        tree.forEach(b -> action.accept(b, sizeOf(b)));
    }

    // ---- internals ----

    /** {@return the block size for a payload of {@code byteSize} bytes: header added, rounded to 16, at least 32} */
    static long blockSize(long byteSize, long unit) {
        return Math.max(MIN_BLOCK, (byteSize + 8 + unit - 1) & -unit);
    }

    /** {@return the end of the blocks for {@code committed} bytes: the epilogue's end, so that sizes tile in units} */
    private long usableEnd(long committed) {
        long c = Math.min(committed, MAX_REGION);
        return FIRST_BLOCK + 8 + (c - FIRST_BLOCK - 8) / unit * unit;
    }

    /** Marks the free block {@code b} (already out of the tree) allocated, splitting off what {@code asize} leaves. */
    private void place(long b, long asize) {
        long size = sizeOf(b);
        long prevAlloc = header(b) & PREV_ALLOC;
        if (size - asize >= MIN_BLOCK) {
            setHeader(b, asize | prevAlloc | ALLOC);
            addFree(b + asize, size - asize, PREV_ALLOC);
            size = asize;
        } else {
            setHeader(b, size | prevAlloc | ALLOC);
            long next = b + size;
            setHeader(next, header(next) | PREV_ALLOC);
        }
        markStart(b);
        allocatedBlockBytes += size;
        allocatedBlocks++;
    }

    /** Shrinks the allocated block {@code b} of {@code size} bytes to {@code asize}, freeing the rest if it can. */
    private void shrink(long b, long size, long asize) {
        if (size - asize < MIN_BLOCK) {
            return;
        }
        setHeader(b, asize | (header(b) & FLAGS));
        allocatedBlockBytes -= size - asize;
        long rest = b + asize;
        long restSize = size - asize;
        long next = b + size;
        long nh = header(next);
        if ((nh & ALLOC) == 0) {
            restSize += unlinkFree(next);
        } else {
            setHeader(next, nh & ~PREV_ALLOC);
        }
        addFree(rest, restSize, PREV_ALLOC);
    }

    /** {@return a free block of at least {@code asize} bytes, growing the region if needed, or -1} */
    private long findOrGrow(long asize) {
        long b = tree.bestFit(asize);
        if (b >= 0) {
            return b;
        }
        long lastFree = (header(end - 8) & PREV_ALLOC) == 0 ? mem.get(JAVA_LONG, end - 16) : 0;
        if (!grow(asize - lastFree)) {
            return -1;
        }
        return tree.bestFit(asize);
    }

    /**
     * Commits at least {@code bytes} more (rounded up to the grow step) and turns them into a free block at the end,
     * merged with the last block if that is free. {@return false if the region cannot grow so far}
     */
    private boolean grow(long bytes) {
        long limit = Math.min(region.reservedBytes(), MAX_REGION);
        // One unit more than asked: the blocks end a little before the committed end when units do not tile it.
        long target = Math.min(limit, (end + bytes + unit + growStep - 1) / growStep * growStep);
        if (usableEnd(target) < end + bytes) {
            return false;
        }
        try {
            region.commitTo(target);
        } catch (OutOfMemoryError e) {
            return false;
        }
        long newEnd = usableEnd(Math.min(region.committedBytes(), limit));
        long oldEpilogue = end - 8;
        addFree(oldEpilogue, newEnd - end, header(oldEpilogue) & PREV_ALLOC);
        end = newEnd;
        writeEpilogue(end, false);
        growStarts();
        return true;
    }

    /**
     * Makes {@code [b, b + size)} a free block in the tree, merged with its predecessor when {@code prevAlloc} says
     * that is free (the caller merged the successor). {@return the offset of the block, merged or not}
     */
    private long addFree(long b, long size, long prevAlloc) {
        if (prevAlloc == 0) {
            b -= mem.get(JAVA_LONG, b - 8);   // the predecessor's footer: its size
            size += unlinkFree(b);
            prevAlloc = header(b) & PREV_ALLOC;
        }
        setHeader(b, size | prevAlloc);
        setFooter(b, size);
        tree.insert(b);
        freeBytes += size;
        return b;
    }

    private void writeEpilogue(long regionEnd, boolean prevAllocated) {
        setHeader(regionEnd - 8, ALLOC | (prevAllocated ? PREV_ALLOC : 0));
    }

    private long checkAllocated(long payload, String what) {
        long b = payload - 8;
        if (payload < FIRST_BLOCK + 8 || payload >= end || (payload & (GRANULE - 1)) != 0 || !isStart(b)) {
            throw new IllegalArgumentException(what + ": offset " + payload + " is not an allocated block's payload"
                    + (payload >= FIRST_BLOCK + 8 && payload < end && (payload & (GRANULE - 1)) == 0
                    ? " (already freed, or inside another block)" : " (outside the region or misaligned)"));
        }
        return b;
    }

    private void markStart(long b) {
        long g = b >>> 4;
        starts[(int) (g >>> 6)] |= 1L << g;
    }

    private void clearStart(long b) {
        long g = b >>> 4;
        starts[(int) (g >>> 6)] &= ~(1L << g);
    }

    boolean isStart(long b) {
        long g = b >>> 4;
        return (starts[(int) (g >>> 6)] & (1L << g)) != 0;
    }

    private void growStarts() {
        int words = (int) ((end / GRANULE + 63) >>> 6);
        if (words > starts.length) {
            starts = java.util.Arrays.copyOf(starts, Math.max(words, starts.length + (starts.length >> 1)));
        }
    }

    long header(long b) {
        return mem.get(JAVA_LONG, b);
    }

    private void setHeader(long b, long value) {
        mem.set(JAVA_LONG, b, value);
    }

    private void setFooter(long b, long size) {
        mem.set(JAVA_LONG, b + size - 8, size);
    }

    /** Takes the free block {@code b} out of the tree and the free count. {@return its size} */
    private long unlinkFree(long b) {
        long size = sizeOf(b);
        tree.remove(b);
        freeBytes -= size;
        return size;
    }

    long sizeOf(long b) {
        return header(b) & ~FLAGS;
    }

    // ---- the invariant check ----

    /**
     * Walks the region and the tree and checks every invariant: headers in bounds, sizes multiples of 16 and at
     * least 32, PREV_ALLOC equal to the predecessor's ALLOC, free footers equal to their headers, no two free
     * neighbours, the epilogue in place, the start bitmap equal to the allocated blocks, the tree's red-black
     * properties and that it holds exactly the free blocks, and the byte counts.
     *
     * @throws IllegalStateException naming the first violation and its offset
     */
    public void check() {
        long b = FIRST_BLOCK;
        boolean prevAllocated = true;
        long free = 0;
        long freeCount = 0;
        long alloc = 0;
        long allocCount = 0;
        java.util.Set<Long> freeBlocks = new java.util.HashSet<>();
        while (true) {
            long h = header(b);
            long size = h & ~FLAGS;
            boolean allocated = (h & ALLOC) != 0;
            if (((h & PREV_ALLOC) != 0) != prevAllocated) {
                throw violation(b, "PREV_ALLOC is " + ((h & PREV_ALLOC) != 0) + ", the previous block's ALLOC "
                        + prevAllocated);
            }
            if (size == 0) {
                if (!allocated || b != end - 8) {
                    throw violation(b, "a zero-size block that is not the epilogue at " + (end - 8));
                }
                break;
            }
            if (size < MIN_BLOCK || size % unit != 0 || b + size > end - 8) {
                throw violation(b, "bad size " + size + " (end " + end + ")");
            }
            if (isStart(b) != allocated) {
                throw violation(b, "start bitmap says " + isStart(b) + ", header says allocated " + allocated);
            }
            if (allocated) {
                alloc += size;
                allocCount++;
            } else {
                if (!prevAllocated) {
                    throw violation(b, "two free blocks next to each other");
                }
                if (mem.get(JAVA_LONG, b + size - 8) != size) {
                    throw violation(b, "footer " + mem.get(JAVA_LONG, b + size - 8) + " != size " + size);
                }
                free += size;
                freeCount++;
                freeBlocks.add(b);
            }
            prevAllocated = allocated;
            b += size;
        }
        for (long g = (end - 8) >>> 4; g < (long) starts.length << 6; g++) {
            if ((starts[(int) (g >>> 6)] & (1L << g)) != 0) {
                throw violation(g << 4, "start bit set past the last block");
            }
        }
        tree.check(node -> {
            if (!freeBlocks.remove(node)) {
                throw violation(node, "in the free tree but not a free block of the region");
            }
        });
        if (!freeBlocks.isEmpty()) {
            throw violation(freeBlocks.iterator().next(), "a free block missing from the free tree");
        }
        if (free != freeBytes || freeCount != tree.count() || alloc != allocatedBlockBytes
                || allocCount != allocatedBlocks) {
            throw new IllegalStateException("best fit: counts disagree: free " + free + "/" + freeBytes + " bytes, "
                    + freeCount + "/" + tree.count() + " blocks; allocated " + alloc + "/" + allocatedBlockBytes
                    + " bytes, " + allocCount + "/" + allocatedBlocks + " blocks");
        }
    }

    private static IllegalStateException violation(long b, String what) {
        return new IllegalStateException("best fit: block at offset " + b + ": " + what);
    }
}
