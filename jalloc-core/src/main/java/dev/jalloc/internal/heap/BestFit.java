package dev.jalloc.internal.heap;

import dev.jalloc.internal.util.Bitmaps;
import dev.jalloc.internal.util.SearchBitmap;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Best-fit allocation of a range of <em>units</em> (16-byte granules for {@code BestFitAllocator}, heap pages for the
 * heap's page map), with every free merged with its free neighbours in O(1) and all metadata out of band: it never
 * reads or writes the memory it manages, so nothing a program writes there (through a stale segment, say) can
 * reach it, and freeing never touches a page.
 *
 * <pre>
 *   units      0                                                              limit
 *              [ alloc ][ free      ][ alloc ][ alloc ][ free  ][ alloc ]     |sentinel
 *   starts     1         1            1        1        1       1            1      a block starts here
 *   allocated  1         0            1        1        0       1                   ... and is handed out
 *   free tree  (size, start) of every free block: best fit in O(log n); index start -> node
 * </pre>
 * A block's size is the distance to the next start bit ({@link SearchBitmap#nextSetBit}, O(1) whatever the size);
 * its predecessor is the previous start bit. No two free blocks are neighbours. Alignment is of
 * {@code origin + start} (the unit index of the managed memory's first byte), so a region that starts anywhere
 * gets truly aligned blocks. At most {@link #MAX_UNITS} units.
 *
 * <p>Costs 2 bits per unit (about 1/64 of a 16-byte granule) plus about 40 bytes per free block, all in the Java
 * heap. Not thread-safe.
 */
public final class BestFit {
    /** The most units one allocator manages: starts and sizes are unsigned 32-bit. */
    public static final long MAX_UNITS = 0xFFFF_FFFEL;

    private final long origin;
    private final SearchBitmap starts = new SearchBitmap(64);
    private long[] allocated = new long[1];
    private final FreeTree free = new FreeTree();
    private long limit;
    private long allocatedUnits;
    private long allocatedBlocks;
    private long freeUnits;

    /**
     * Creates an allocator of no units (see {@link #grow}).
     *
     * @param origin the unit index of unit 0 in the address space ({@code address / unitSize}): alignments are of
     *               {@code origin + start}
     */
    public BestFit(long origin) {
        this.origin = origin;
        starts.set(0);   // the sentinel at the limit
    }

    /** {@return the units managed: blocks tile {@code [0, limit())}} */
    public long limit() {
        return limit;
    }

    // ---- growing and shrinking the range ----

    /** Adds units {@code [limit(), newLimit)} as free space, merged with a free last block. */
    public void grow(long newLimit) {
        if (newLimit <= limit) {
            return;
        }
        if (newLimit > MAX_UNITS) {
            throw new IllegalArgumentException("newLimit: " + newLimit + " (expected: <= " + MAX_UNITS + ")");
        }
        starts.ensureCapacity(newLimit + 1);
        int words = (int) ((newLimit + 63) >>> 6);
        if (words > allocated.length) {
            allocated = Arrays.copyOf(allocated, Math.max(words, allocated.length + (allocated.length >> 1)));
        }
        long old = limit;
        long start = old;
        long size = newLimit - old;
        long last = old > 0 ? starts.prevSetBit(old - 1) : -1;
        if (last >= 0 && !isAllocated(last)) {
            size += free.remove(last);
            starts.clear(old);
            start = last;
        }
        free.add(start, size);
        starts.set(newLimit);
        limit = newLimit;
        freeUnits += newLimit - old;
    }

    /** {@return the start of the free block that ends at the limit, or {@code limit()} if the last block is allocated} */
    public long freeTailStart() {
        long last = limit > 0 ? starts.prevSetBit(limit - 1) : -1;
        return last >= 0 && !isAllocated(last) ? last : limit;
    }

    /** Gives up units {@code [newLimit, limit())}, which lie in the free last block ({@code newLimit >= freeTailStart()}). */
    public void shrink(long newLimit) {
        long tail = freeTailStart();
        if (newLimit >= limit) {
            return;
        }
        if (newLimit < tail) {
            throw new IllegalArgumentException("newLimit: " + newLimit + " (expected: >= " + tail + ", the free tail)");
        }
        free.remove(tail);
        if (newLimit > tail) {
            free.add(tail, newLimit - tail);
            starts.set(newLimit);
        }
        starts.clear(limit);
        freeUnits -= limit - newLimit;
        limit = newLimit;
    }

    // ---- the operations ----

    /**
     * {@return the start of a block of {@code n > 0} units whose {@code origin + start} is a multiple of
     * {@code alignUnits} (a power of two), or -1 if no free block holds it (grow by {@link #needToGrow} and retry)}
     */
    public long allocate(long n, long alignUnits) {
        int node = free.bestFit(alignUnits > 1 ? n + alignUnits - 1 : n);
        return node == FreeTree.NIL ? -1 : allocateFrom(node, n, alignUnits);
    }

    /**
     * {@return as {@link #allocate}, from one of the {@code candidates} smallest free blocks that hold the request
     * (the best fit and the next larger ones in (size, start) order), chosen at random} O(log n + candidates): the
     * candidates are the best fit's successors in the free tree, never a walk over every free block. Fewer free
     * blocks than {@code candidates} fit: one of those.
     *
     * @param random chooses the block
     */
    public long allocateAmong(long n, long alignUnits, int candidates, RandomGenerator random) {
        int node = free.bestFit(alignUnits > 1 ? n + alignUnits - 1 : n);
        if (node == FreeTree.NIL) {
            return -1;
        }
        int found = 1;
        for (int next = free.next(node); found < candidates && next != FreeTree.NIL; next = free.next(next)) {
            found++;
        }
        for (int skip = random.nextInt(found); skip > 0; skip--) {
            node = free.next(node);
        }
        return allocateFrom(node, n, alignUnits);
    }

    /**
     * Writes the {@code starts.length} smallest free blocks of at least {@code n} units (the best fit first, then in
     * (size, start) order) to {@code starts} and {@code sizes}. {@return how many there were} O(log n +
     * {@code starts.length}): a walk from the best fit to its successors in the free tree.
     */
    public int smallestFitting(long n, long[] starts, long[] sizes) {
        int found = 0;
        for (int node = free.bestFit(n); node != FreeTree.NIL && found < starts.length; node = free.next(node)) {
            starts[found] = FreeTree.start(free.key(node));
            sizes[found++] = FreeTree.size(free.key(node));
        }
        return found;
    }

    /** {@return the start of the request, taken from the free block of {@code node} (aligned up in it)} */
    private long allocateFrom(int node, long n, long alignUnits) {
        boolean aligned = alignUnits > 1;
        long key = free.key(node);
        long start = FreeTree.start(key);
        long size = FreeTree.size(key);
        free.removeNode(node);
        long lead = aligned ? (((origin + start + alignUnits - 1) & -alignUnits) - origin) - start : 0;
        if (lead > 0) {
            free.add(start, lead);   // its predecessor is allocated (no two free neighbours): nothing to merge
            starts.set(start + lead);
        }
        take(start + lead, size - lead, n);
        return start + lead;
    }

    /**
     * Takes {@code [start, start + n)}, which lies in one free block, out of it as an allocated block: the rest of
     * the free block stays free before and after it. For a caller that chooses the place itself (a heap's guard
     * pages and the slab before each).
     *
     * @throws IllegalArgumentException if {@code [start, start + n)} is not inside one free block; nothing changed
     */
    public void allocateAt(long start, long n) {
        long block = start >= 0 && start < limit ? starts.prevSetBit(start) : -1;
        if (block < 0 || isAllocated(block) || n <= 0 || start + n > starts.nextSetBit(block + 1)) {
            throw new IllegalArgumentException("allocateAt: [" + start + ", " + (start + n) + ") is not inside one "
                    + "free block");
        }
        long size = free.remove(block);
        long lead = start - block;
        if (lead > 0) {
            free.add(block, lead);   // its predecessor is allocated (no two free neighbours): nothing to merge
            starts.set(start);
        }
        take(start, size - lead, n);
    }

    /**
     * {@return how many units {@link #grow} must add so that {@link #allocate allocate(n, alignUnits)} succeeds}:
     * what the free tail lacks.
     */
    public long needToGrow(long n, long alignUnits) {
        long tail = freeTailStart();
        long need = alignUnits <= 1 ? n : n + alignUnits - 1;
        return Math.max(0, need - (limit - tail));
    }

    /** Marks {@code [start, start + n)} of the free block {@code [start, start + size)} (out of the tree) allocated. */
    private void take(long start, long size, long n) {
        if (size > n) {
            starts.set(start + n);
            free.add(start + n, size - n);
        }
        Bitmaps.set(allocated, start);
        allocatedUnits += n;
        allocatedBlocks++;
        freeUnits -= n;
    }

    /** {@return whether an allocated block starts at {@code start}}: the check every free and resize runs first */
    public boolean isAllocated(long start) {
        return start >= 0 && start < limit && Bitmaps.get(allocated, start);
    }

    /** {@return the units of the allocated block at {@code start}} ({@link #isAllocated} checked by the caller) */
    public long sizeOf(long start) {
        return starts.nextSetBit(start + 1) - start;
    }

    /**
     * Frees the allocated block at {@code start} ({@link #isAllocated} checked by the caller) and merges it with its
     * free neighbours. {@return the start of the free block it became part of} ({@link #freeSizeAt} gives its size)
     */
    public long free(long start) {
        long size = sizeOf(start);
        Bitmaps.clear(allocated, start);
        allocatedUnits -= size;
        allocatedBlocks--;
        freeUnits += size;
        long next = start + size;
        if (next < limit && !isAllocated(next)) {
            size += free.remove(next);
            starts.clear(next);
        }
        if (start > 0) {
            long prev = starts.prevSetBit(start - 1);
            if (!isAllocated(prev)) {
                size += free.remove(prev);
                starts.clear(start);
                start = prev;
            }
        }
        free.add(start, size);
        return start;
    }

    /** {@return the units of the free block at {@code start}} */
    public long freeSizeAt(long start) {
        int node = free.nodeAt(start);
        if (node == FreeTree.NIL) {
            throw new IllegalArgumentException("no free block at " + start);
        }
        return FreeTree.size(free.key(node));
    }

    /**
     * Resizes the allocated block at {@code start} to {@code n > 0} units where it is: shrinking frees the rest
     * (merged with a free successor), growing takes from a free successor. {@return whether it could}
     */
    public boolean resize(long start, long n) {
        long size = sizeOf(start);
        if (n == size) {
            return true;
        }
        long next = start + size;
        boolean nextFree = next < limit && !isAllocated(next);
        if (n < size) {
            long rest = size - n;
            if (nextFree) {
                rest += free.remove(next);
                starts.clear(next);
            }
            starts.set(start + n);
            free.add(start + n, rest);
            allocatedUnits -= size - n;
            freeUnits += size - n;
            return true;
        }
        if (!nextFree) {
            return false;
        }
        long nextSize = freeSizeAt(next);
        if (size + nextSize < n) {
            return false;
        }
        free.remove(next);
        starts.clear(next);
        if (size + nextSize > n) {
            starts.set(start + n);
            free.add(start + n, size + nextSize - n);
        }
        allocatedUnits += n - size;
        freeUnits -= n - size;
        return true;
    }

    // ---- statistics ----

    /** {@return the units of allocated blocks} */
    public long allocatedUnits() {
        return allocatedUnits;
    }

    /** {@return the number of allocated blocks} */
    public long allocatedBlocks() {
        return allocatedBlocks;
    }

    /** {@return the units of free blocks} */
    public long freeUnits() {
        return freeUnits;
    }

    /** {@return the number of free blocks} */
    public long freeBlocks() {
        return free.count();
    }

    /** {@return the units of the largest free block, 0 if none} */
    public long largestFreeBlock() {
        int node = free.largest();
        return node == FreeTree.NIL ? 0 : FreeTree.size(free.key(node));
    }

    /** Visitor of blocks. */
    @FunctionalInterface
    public interface Visitor {
        /** Visits the block {@code [start, start + size)}. */
        void visit(long start, long size);
    }

    /** Calls {@code visitor} for every free block, smallest first. */
    public void forEachFree(Visitor visitor) {
        free.forEach(visitor::visit);
    }

    // ---- the invariant check ----

    /**
     * Walks every block and the free tree: blocks tile {@code [0, limit)}, no two free blocks are neighbours, the
     * tree holds exactly the free blocks with their sizes, and the counts agree.
     *
     * @throws IllegalStateException naming the first violation
     */
    public void check() {
        if (!starts.get(limit) || (limit > 0 && !starts.get(0))) {
            throw new IllegalStateException("best fit: no block starts at 0 or no sentinel at the limit " + limit);
        }
        long alloc = 0;
        long allocCount = 0;
        long freeSum = 0;
        java.util.Map<Long, Long> frees = new java.util.HashMap<>();
        boolean prevFree = false;
        for (long b = 0; b < limit; ) {
            long next = starts.nextSetBit(b + 1);
            long size = next - b;
            boolean isFree = !isAllocated(b);
            if (isFree) {
                if (prevFree) {
                    throw new IllegalStateException("best fit: free blocks at " + b + " and before it are neighbours");
                }
                frees.put(b, size);
                freeSum += size;
            } else {
                alloc += size;
                allocCount++;
            }
            prevFree = isFree;
            b = next;
        }
        for (long w = limit; w < (long) allocated.length << 6; w++) {
            if (Bitmaps.get(allocated, w)) {
                throw new IllegalStateException("best fit: allocated bit set at " + w + ", past the limit " + limit);
            }
        }
        free.check((start, size) -> {
            Long actual = frees.remove(start);
            if (actual == null || actual != size) {
                throw new IllegalStateException("best fit: the tree has a free block at " + start + " of " + size
                        + " units, the region " + (actual == null ? "no free block there" : actual + " units"));
            }
        });
        if (!frees.isEmpty()) {
            throw new IllegalStateException("best fit: free block at " + frees.keySet().iterator().next()
                    + " missing from the tree");
        }
        if (alloc != allocatedUnits || allocCount != allocatedBlocks || freeSum != freeUnits) {
            throw new IllegalStateException("best fit: counts disagree: allocated " + alloc + "/" + allocatedUnits
                    + " units in " + allocCount + "/" + allocatedBlocks + " blocks, free " + freeSum + "/" + freeUnits);
        }
    }
}
