package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.internal.heap.SizeClasses;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The heap's statistics follow what is live, per class and in total, through frees that go to caches and spans. */
class HeapStatsTest {

    @Test
    void liveCountsAndBytesPerClassAndInTotal() {
        try (Heap heap = Heap.create(1L << 30)) {
            int c48 = SizeClasses.index(48);
            int c3000 = SizeClasses.index(3000);
            List<Long> small = new ArrayList<>();
            for (int i = 0; i < 700; i++) {          // more than one slab and more than a cache's worth
                small.add(heap.allocateAddressNoInit(40 + i % 9, 16));
            }
            List<Long> medium = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                medium.add(heap.allocateAddressNoInit(3000, 16));
            }
            long large = heap.allocateAddressNoInit(100_000, 16);
            long huge = heap.allocateAddressNoInit(20 << 20, 16);
            assertEquals(700, heap.liveAllocations(c48));
            assertEquals(9, heap.liveAllocations(c3000));
            assertEquals(700 + 9 + 2, heap.liveAllocations());
            long expected = 700L * 48 + 9L * SizeClasses.size(c3000) + (100_000 + 4095) / 4096 * 4096 + (20 << 20);
            assertEquals(expected, heap.liveBytes());
            for (int i = 0; i < 500; i++) {
                heap.free(small.get(i));
            }
            heap.free(medium.get(0));
            heap.free(huge);
            assertEquals(200, heap.liveAllocations(c48));
            assertEquals(8, heap.liveAllocations(c3000));
            assertEquals(200 + 8 + 1, heap.liveAllocations());
            heap.trim();
            assertEquals(200, heap.liveAllocations(c48), "trim moves cached slots, not live ones");
            heap.free(large);
            assertTrue(heap.fragmentation() >= 0 && heap.fragmentation() < 1, "fragmentation " + heap.fragmentation());
            heap.check();
        }
    }
}
