package dev.jalloc.internal.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.internal.memory.OwnRegion;
import dev.jalloc.internal.memory.Usage;
import dev.jalloc.internal.os.Os;
import dev.jalloc.testing.AllocatorModel;
import dev.jalloc.testing.Seeds;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The best-fit engine against a model of its live payloads ({@link AllocatorModel}): 10<sup>6</sup> random
 * operations per profile, the invariant checker (blocks tiling the range, no free neighbours, the tree's red-black
 * properties and index, the counts) after every 1000, bad frees refused; at the end everything coalesces back into
 * one free block.
 */
class BestFitModelTest {
    private static final int OPS = 1_000_000;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"small", "mixed", "aligned", "realloc-heavy"})
    void randomOperationsAgainstTheModel(String profile) {
        SplittableRandom random = Seeds.random("BestFitModelTest[" + profile + "]");
        BestFitEngine fit = new BestFitEngine(region(1L << 30), 4096);
        try {
            AllocatorModel.Subject subject = new AllocatorModel.Subject() {
                @Override
                public long allocate(long byteSize, long byteAlignment) {
                    long p = fit.allocate(byteSize, byteAlignment, false);
                    assertTrue(p >= 0, "allocation of " + byteSize + " failed");
                    return p;
                }

                @Override
                public void free(long address) {
                    fit.free(address);
                }

                @Override
                public long reallocate(long address, long byteSize) {
                    long p = fit.reallocate(address, byteSize, false);
                    assertTrue(p >= 0, "reallocation to " + byteSize + " failed");
                    return p;
                }

                @Override
                public long usableSize(long address) {
                    return fit.usableSize(address);
                }

                @Override
                public void check() {
                    fit.check();
                }

                @Override
                public long state() {
                    return fit.freeBytes() * 31 + fit.allocatedBlocks() * 17 + fit.freeBlocks();
                }

                @Override
                public void checkStats(long liveBlocks, long liveUsableBytes) {
                    assertEquals(liveBlocks, fit.allocatedBlocks(), "allocated blocks");
                    assertEquals(liveUsableBytes, fit.allocatedBytes(), "allocated bytes");
                }
            };
            AllocatorModel.Sizes sizes = switch (profile) {
                case "small" -> r -> 1 + r.nextInt(128);
                case "realloc-heavy" -> r -> 1 + r.nextInt(2048);
                default -> AllocatorModel.mixed(256, 20, 4096, 10, 64 << 10);
            };
            long[] alignments = "aligned".equals(profile)
                    ? new long[] {16, 16, 16, 32, 64, 256, 4096, 1 << 16} : new long[] {16};
            AllocatorModel.run(subject, random, OPS, sizes, alignments, "realloc-heavy".equals(profile) ? 15 : 5,
                    1000);
            assertEquals(0, fit.allocatedBlocks());
            assertEquals(1, fit.freeBlocks(), "everything coalesced back into one block");
            assertEquals(fit.committedBytes(), fit.freeBytes());
            fit.trim();
            fit.check();
        } finally {
            fit.release();
        }
    }

    @ParameterizedTest(name = "double free after {0} neighbouring frees")
    @ValueSource(ints = {0, 1, 2})
    void doubleFreeIsRefusedEvenAfterCoalescing(int neighbours) {
        BestFitEngine fit = new BestFitEngine(region(1 << 20), 4096);
        try {
            long[] p = new long[8];
            for (int i = 0; i < p.length; i++) {
                p[i] = fit.allocate(40, 16, false);
            }
            fit.free(p[3]);
            if (neighbours >= 1) {
                fit.free(p[4]);         // coalesces into p[3]'s block: p[4] is now inside a free block
            }
            if (neighbours >= 2) {
                fit.free(p[2]);         // and p[3] is now inside one too
            }
            for (int i = 2; i <= 4; i++) {
                long freed = p[i];
                if (i == 3 || i == 4 && neighbours >= 1 || i == 2 && neighbours >= 2) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fit.free(freed));
                    assertTrue(e.getMessage().contains("already freed"), e.getMessage());
                }
            }
            fit.check();
            assertEquals(8 - 1 - neighbours, fit.allocatedBlocks());
        } finally {
            fit.release();
        }
    }

    static OwnRegion region(long byteSize) {
        return OwnRegion.reserve(Os.current(), byteSize, Os.current().pageSize(), false, 0, false, false, new Usage(),
                "a test", null);
    }
}
