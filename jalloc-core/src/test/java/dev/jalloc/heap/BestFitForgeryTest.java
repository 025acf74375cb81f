package dev.jalloc.heap;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 asks that a hardened best-fit allocator detect forged boundary tags and tree links, or keep them out of
 * band. jalloc's keeps them out of band (start and allocation bitmaps and a red-black tree in Java arrays), so there
 * is nothing in its memory to forge: this test writes what an attacker would (fake sizes, fake links, all ones, the
 * addresses of other blocks) over every byte it handed out, live and freed, through raw addresses, and the
 * allocator's metadata, its answers and its invariant walk do not change.
 */
class BestFitForgeryTest {
    @Test
    void forgedTagsAndLinksInItsMemoryAreNeverFollowed() {
        SplittableRandom random = Seeds.random("BestFitForgeryTest");
        try (BestFitAllocator fit = BestFitAllocator.builder().reserveSize(64 << 20).build()) {
            List<long[]> live = new ArrayList<>();
            List<long[]> freed = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                long size = 16 + random.nextInt(4000);
                live.add(new long[] {fit.allocateAddressNoInit(size, 16), size});
            }
            for (int i = 0; i < 1000; i++) {
                long[] b = live.remove(random.nextInt(live.size()));
                b[1] = fit.usableSize(b[0]);
                fit.free(b[0]);
                freed.add(b);
            }
            long allocated = fit.allocatedBytes();
            long free = fit.freeBytes();
            long largest = fit.largestFreeBlock();
            for (List<long[]> blocks : List.of(live, freed)) {
                for (long[] b : blocks) {
                    var m = HardenedMallocTest.raw(b[0], b[1]);
                    for (long o = 0; o + 8 <= b[1]; o += 8) {
                        long forged = switch (random.nextInt(4)) {
                            case 0 -> -1L;                                           // all ones: a huge size
                            case 1 -> b[0] + 16 + random.nextInt(64) * 16L;          // a link into itself
                            case 2 -> live.get(random.nextInt(live.size()))[0];      // a link to a live block
                            default -> random.nextLong();
                        };
                        m.set(JAVA_LONG_UNALIGNED, o, forged);
                    }
                }
            }
            fit.check();
            assertEquals(allocated, fit.allocatedBytes());
            assertEquals(free, fit.freeBytes());
            assertEquals(largest, fit.largestFreeBlock());
            for (long[] b : freed) {
                assertThrows(IllegalArgumentException.class, () -> fit.free(b[0]), "a freed block stays freed");
            }
            for (int i = 0; i < 5000; i++) {
                if (live.isEmpty() || random.nextBoolean()) {
                    long size = 16 + random.nextInt(8000);
                    long a = fit.allocateAddressNoInit(size, 16);
                    for (long[] b : live) {
                        assertTrue(a + size <= b[0] || b[0] + b[1] <= a, "overlap");
                    }
                    live.add(new long[] {a, size});
                } else {
                    fit.free(live.remove(random.nextInt(live.size()))[0]);
                }
            }
            fit.check();
        }
    }
}
