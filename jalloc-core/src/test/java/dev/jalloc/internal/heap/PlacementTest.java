package dev.jalloc.internal.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.heap.HeapPicture;
import dev.jalloc.heap.HeapPicture.Kind;
import dev.jalloc.heap.HeapPicture.Run;
import dev.jalloc.internal.os.Os;
import dev.jalloc.testing.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Where the engine puts spans when it is hardened: at random among the few best-fitting free spans (and the best
 * fit's own invariants with that choice and with placements at a given unit), guards reused as the heap churns, and
 * a large span that ends at a guard never growing into it.
 */
class PlacementTest {
    private static final long PAGE = PageStore.PAGE;

    private static HeapEngine engine(RandomGenerator placement, int guardSlabInterval) {
        return new HeapEngine(Os.current(), BestFitModelTest.region(1L << 30), null, placement, guardSlabInterval);
    }

    /**
     * One seeded sequence of large payloads (some freed, so that several free spans fit later ones) laid out by
     * engines whose placement differs: another generator lays it out differently, the same seed the same way, and
     * best fit (no generator) differently again. {@return the offsets of the last payloads}
     */
    private static List<Long> layout(long sequenceSeed, RandomGenerator placement) {
        SplittableRandom random = new SplittableRandom(sequenceSeed);
        HeapEngine engine = engine(placement, 0);
        long base = engine.picture(1L << 30).address();
        try {
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                live.add(engine.allocate((32 << 10) + 1 + random.nextInt(224 << 10), 16));
            }
            for (int i = 0; i < 100; i++) {
                engine.free(live.remove(random.nextInt(live.size())));
            }
            List<Long> offsets = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                offsets.add(engine.allocate((32 << 10) + 1 + random.nextInt(224 << 10), 16) - base);
            }
            engine.check();
            return offsets;
        } finally {
            engine.release();
        }
    }

    @Test
    void randomPlacementLaysOutOneSequenceDifferently() {
        long sequence = Seeds.seed("PlacementTest.randomPlacement");
        List<Long> first = layout(sequence, new SplittableRandom(1));
        assertNotEquals(first, layout(sequence, new SplittableRandom(2)), "another generator, another layout");
        assertEquals(first, layout(sequence, new SplittableRandom(1)), "the same generator, the same layout");
        List<Long> bestFit = layout(sequence, null);
        assertEquals(bestFit, layout(sequence, null), "best fit is deterministic");
        assertNotEquals(bestFit, first, "a random layout is not best fit's");
    }

    /**
     * The best fit's invariants under random placement and placement at a given unit, and the choice itself: always
     * one of the four smallest free blocks that hold the request.
     */
    @Test
    void bestFitKeepsItsInvariantsUnderRandomPlacement() {
        SplittableRandom random = Seeds.random("PlacementTest.bestFit");
        BestFit fit = new BestFit(0);
        fit.grow(1 << 16);
        List<Long> live = new ArrayList<>();
        for (int op = 0; op < 20_000; op++) {
            int what = random.nextInt(10);
            long n = 1 + random.nextInt(random.nextBoolean() ? 4 : 64);
            if (what < 4) {
                List<Long> candidates = new ArrayList<>();
                fit.forEachFree((start, size) -> {
                    if (size >= n && candidates.size() < 4) {
                        candidates.add(start);
                    }
                });
                long p = fit.allocateAmong(n, 1, 4, random);
                if (p >= 0) {
                    assertTrue(candidates.contains(p), p + " is not one of " + candidates);
                    live.add(p);
                }
            } else if (what < 6) {
                long[] chosen = {-1};
                fit.forEachFree((start, size) -> {
                    if (chosen[0] < 0 && size >= n + 3) {
                        chosen[0] = start + 1 + random.nextInt((int) (size - n - 1));   // inside, not at either end
                    }
                });
                if (chosen[0] >= 0) {
                    fit.allocateAt(chosen[0], n);
                    assertEquals(n, fit.sizeOf(chosen[0]));
                    live.add(chosen[0]);
                }
            } else if (!live.isEmpty()) {
                fit.free(live.remove(random.nextInt(live.size())));
            }
            if (op % 500 == 0) {
                fit.check();
            }
        }
        for (long p : live) {
            fit.free(p);
        }
        fit.check();
        assertEquals(1, fit.freeBlocks(), "everything merged back");
    }

    private static long guards(HeapEngine engine) {
        return engine.picture(1L << 30).runs().stream().filter(r -> r.kind() == Kind.GUARD).count();
    }

    /**
     * Rounds of many slots of random classes, all freed again: the free pages before guards are reused, so the
     * count of guards levels off near the first round's instead of growing with every round.
     */
    @Test
    void guardsAreReusedAsTheHeapChurns() {
        SplittableRandom random = Seeds.random("PlacementTest.guardsAreReused");
        HeapEngine engine = engine(new SplittableRandom(random.nextLong()), 1);
        try {
            long[] after = new long[20];
            for (int round = 0; round < after.length; round++) {
                List<Long> live = new ArrayList<>();
                for (int i = 0; i < 3_000; i++) {
                    live.add(engine.allocate(1 + random.nextInt(random.nextBoolean() ? 1024 : 32 << 10), 16));
                }
                for (long p : live) {
                    engine.free(p);
                }
                engine.trim();
                after[round] = guards(engine);
            }
            engine.check();
            // Without reuse each round would add as many guards as the first made.
            assertTrue(after[after.length - 1] <= after[0] + after[0] / 4, "guards after each round: "
                    + Arrays.toString(after));
        } finally {
            engine.release();
        }
    }

    /**
     * The process's budget of guards caps them: an engine that makes more slabs than the budget holds gets at most
     * that many guards (fewer if another heap of this JVM holds some), the slabs beyond go without, the heap stays
     * sound, and a released engine gives its guards back (a new one gets guards again). Slots are never written, so
     * the 64 MiB of slabs are address space only.
     */
    @Test
    void theProcessBudgetCapsGuards() {
        HeapEngine engine = engine(null, 1);
        long made;
        try {
            int c = SizeClasses.index(64);
            for (long i = 0; i < (SlabGuards.BUDGET + 100) * SizeClasses.slots(c); i++) {
                engine.allocate(64, 16);
            }
            HeapPicture picture = engine.picture(1L << 30);
            made = guards(engine);
            long slabs = picture.runs().stream().filter(r -> r.kind() == Kind.SLAB).count();
            assertTrue(made <= SlabGuards.BUDGET && slabs > made + 99, made + " guards, " + slabs + " slabs");
            engine.check();
        } finally {
            engine.release();
        }
        HeapEngine next = engine(null, 1);
        try {
            next.allocate(64, 16);
            assertEquals(1, guards(next), "the budget given back");
        } finally {
            next.release();
        }
    }

    /**
     * A large span that took the free pages a pool left before its guard cannot grow in place: it moves, and the
     * guard stays. The same sequence without guards grows in place (the span then ends at the free tail).
     */
    @Test
    void aLargeSpanNeverGrowsIntoAGuard() {
        for (int interval : new int[] {1, 0}) {
            HeapEngine engine = engine(null, interval);
            try {
                long first = engine.allocate(30_000, 16);    // a pool of one 32 KiB slot: 8 pages
                long second = engine.allocate(30_000, 16);   // the next pool holds two: 16 pages
                engine.free(second);
                engine.trim();                                // the cache flushed, the empty pool gone
                long large = engine.allocate(16 * PAGE, 16);
                HeapPicture before = engine.picture(1L << 30);
                long moved = engine.reallocate(large, 20 * PAGE, false);
                if (interval == 1) {
                    Run after = runAt(before, large + 16 * PAGE);
                    assertEquals(Kind.GUARD, after.kind(), "the large span ends at a guard:\n" + before.toText());
                    assertNotEquals(large, moved, "it cannot grow into the guard");
                    assertEquals(Kind.GUARD, runAt(engine.picture(1L << 30), large + 16 * PAGE).kind(), "guard");
                } else {
                    assertEquals(large, moved, "without a guard it grows in place");
                }
                engine.free(moved);
                engine.free(first);
                engine.check();
            } finally {
                engine.release();
            }
        }
    }

    private static Run runAt(HeapPicture picture, long address) {
        long page = (address - picture.address()) / PAGE;
        for (Run r : picture.runs()) {
            if (r.firstPage() <= page && page < r.firstPage() + r.pages()) {
                return r;
            }
        }
        throw new AssertionError("no run at " + Long.toHexString(address));
    }
}
