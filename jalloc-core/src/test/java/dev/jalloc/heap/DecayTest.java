package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Decay by time and reuse: free pages the heap used within its reuse window (about a second) stay charged for the
 * live set growing back, and are given back once the heap has worked at a smaller size for longer than the window.
 * (Behaviour over wall-clock time, with wide margins: nothing here measures speed.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DecayTest {
    private static final int BLOCKS = 512;
    private static final long BLOCK = 64 << 10;   // 32 MiB in all

    /** Frees and allocates a small block {@code rounds} times with a pause: slow-path events at which decay runs. */
    private static void workSmall(Heap heap, int rounds, long pauseMillis) throws InterruptedException {
        for (int i = 0; i < rounds; i++) {
            long[] few = new long[40];
            for (int k = 0; k < few.length; k++) {
                few[k] = heap.allocateAddressNoInit(40_000, 16);   // large spans: page-store events
            }
            for (long b : few) {
                heap.free(b);
            }
            Thread.sleep(pauseMillis);
        }
    }

    private static void check(Heap heap) throws InterruptedException {
        long[] blocks = new long[BLOCKS];
        for (int i = 0; i < BLOCKS; i++) {
            blocks[i] = heap.allocateAddressNoInit(BLOCK, 16);
            heap.segment(blocks[i], BLOCK).fill((byte) 1);
        }
        long peak = heap.committedBytes();
        for (long b : blocks) {
            heap.free(b);
        }
        workSmall(heap, 8, 50);   // ~400 ms: eight decay intervals, well inside the window
        long soon = heap.committedBytes();
        assertTrue(soon > peak * 3 / 4, "pages used a moment ago were purged: " + peak + " -> " + soon);
        long until = System.nanoTime() + 2_500_000_000L;
        while (System.nanoTime() < until) {
            workSmall(heap, 1, 20);
        }
        long later = heap.committedBytes();
        assertTrue(later < peak / 4, "pages unused for longer than the window stayed charged: " + peak + " -> "
                + later);
        heap.check();
    }

    @Test
    void confinedHeapKeepsRecentPagesAndGivesBackIdleOnes() throws InterruptedException {
        try (Heap heap = Heap.ofConfined()) {
            check(heap);
        }
    }

    @Test
    void sharedHeapKeepsRecentPagesAndGivesBackIdleOnes() throws InterruptedException {
        try (Heap heap = Heap.ofShared()) {
            check(heap);
        }
    }
}
