package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The heap's footprint follows what is live through patterns that once made it balloon: a buffer grown by
 * reallocate through every medium class (each class used for a while, then never again), and one grown into
 * large pages while small objects come and go beside it. Bounds are generous multiples of the live bytes, far
 * below what a bin cache holding on to a dead class's pool, or a slab made just to fill a cache, cost.
 */
class HeapFootprintTest {

    /** A buffer grown 5 bytes at a time from 4 KiB to 28 KiB, a 16-byte object allocated and freed per step. */
    @Test
    void aBufferWalkingThroughTheMediumClassesLeavesNoPoolBehind() {
        try (Heap heap = Heap.create(1L << 30)) {
            long start = heap.committedBytes();
            long buffer = heap.allocateAddress(4092, 16);
            long small = heap.allocateAddress(16, 16);
            long peak = 0;
            long live = 0;
            for (long size = 4097; size <= 28_087; size += 5) {
                buffer = heap.reallocate(buffer, size);
                long next = heap.allocateAddress(16, 16);
                heap.free(small);
                small = next;
                live = Math.max(live, size + 16);
                peak = Math.max(peak, heap.committedBytes() - start);
            }
            // Measured: 81,920 bytes for 28,103 live (2.9x); before idle bins were emptied, 602,112 (21.4x).
            report(peak, live);
            assertTrue(peak <= 4 * live, "peak footprint " + peak + " for " + live + " live bytes");
            heap.check();
        }
    }

    /** A buffer grown 128 bytes at a time to 600 KB, a 128-byte object allocated and freed per step. */
    @Test
    void aGrowingLargeBufferIsNotBlockedBySlabsMadeToFillACache() {
        try (Heap heap = Heap.create(1L << 30)) {
            long start = heap.committedBytes();
            long buffer = heap.allocateAddress(512, 16);
            long small = heap.allocateAddress(128, 16);
            long peak = 0;
            long live = 0;
            for (long size = 640; size <= 600_000; size += 128) {
                buffer = heap.reallocate(buffer, size);
                long next = heap.allocateAddress(128, 16);
                heap.free(small);
                small = next;
                live = Math.max(live, size + 128);
                peak = Math.max(peak, heap.committedBytes() - start);
            }
            // Measured: 798,720 bytes for 600,064 live (1.33x); when a refill made a slab just to fill the cache,
            // one landed behind the buffer and forced it to move: 1,372,160 (2.29x).
            report(peak, live);
            assertTrue(peak <= 1.6 * live, "peak footprint " + peak + " for " + live + " live bytes");
            heap.check();
        }
    }

    private static void report(long peak, long live) {
        System.out.printf("HeapFootprintTest: peak footprint %,d for %,d live bytes (%.2fx)%n", peak, live,
                peak / (double) live);
    }
}
