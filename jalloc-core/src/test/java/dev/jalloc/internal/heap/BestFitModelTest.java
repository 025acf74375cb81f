package dev.jalloc.internal.heap;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.internal.arena.OwnReservation;
import dev.jalloc.internal.os.Os;
import dev.jalloc.testing.Seeds;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The best-fit allocator against a model of its live payloads: after every operation, no two payloads overlap,
 * each is aligned and at least as large as asked, and each still holds the bytes written into it; the invariant
 * checker walks the region and the tree after every batch; bad frees are refused and change nothing.
 */
class BestFitModelTest {
    private static final int OPS = 1_000_000;
    private static final int BATCH = 1000;

    /** A live payload: where, how big, what it holds (a byte pattern from its seed). */
    private record Live(long offset, long size, long alignment, byte seed) {
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"small", "mixed", "aligned", "realloc-heavy"})
    void randomOperationsAgainstTheModel(String profile) {
        SplittableRandom random = Seeds.random("BestFitModelTest[" + profile + "]");
        OwnReservation region = new OwnReservation(Os.current(), 1L << 30, false, false);
        try {
            BestFit fit = new BestFit(region, 4096);
            MemorySegment mem = region.segment();
            List<Live> live = new ArrayList<>();
            TreeMap<Long, Live> byOffset = new TreeMap<>();
            int target = 200 + random.nextInt(2000);
            for (int op = 0; op < OPS; op++) {
                if (op % 100_000 == 0) {
                    target = 50 + random.nextInt(4000);   // phases of growth and shrinkage
                }
                int kind = random.nextInt(100);
                boolean grow = live.size() < target;
                if (live.isEmpty() || (grow ? kind < 60 : kind < 35)) {
                    long size = size(random, profile);
                    long alignment = "aligned".equals(profile) && random.nextInt(4) == 0 ? 1L << (5 + random.nextInt(8)) : 16;
                    long p = fit.allocate(size, alignment);
                    assertTrue(p >= 0, "allocation of " + size + " failed");
                    Live l = new Live(p, size, alignment, (byte) random.nextInt());
                    admit(l, byOffset, fit);
                    fill(mem, l);
                    live.add(l);
                } else if (kind < 85 || !"realloc-heavy".equals(profile) && kind < 95) {
                    Live l = live.remove(random.nextInt(live.size()));
                    verify(mem, l);
                    byOffset.remove(l.offset());
                    fit.free(l.offset());
                } else {
                    int i = random.nextInt(live.size());
                    Live l = live.get(i);
                    verify(mem, l);
                    long newSize = random.nextInt(3) == 0 ? Math.max(1, l.size() / 2) : size(random, profile) + l.size();
                    long p = fit.reallocate(l.offset(), newSize);
                    assertTrue(p >= 0);
                    byOffset.remove(l.offset());
                    Live moved = new Live(p, newSize, 16, l.seed());
                    verifyPrefix(mem, moved, l, Math.min(l.size(), newSize));
                    admit(moved, byOffset, fit);
                    fill(mem, moved);
                    live.set(i, moved);
                }
                if (op % BATCH == BATCH - 1) {
                    fit.check();
                    tryBadFrees(fit, random, byOffset);
                }
            }
            for (Live l : live) {
                verify(mem, l);
                fit.free(l.offset());
            }
            fit.check();
            assertEquals(0, fit.allocatedBlocks());
            assertEquals(1, fit.freeBlocks(), "everything coalesced back into one block");
            assertEquals(fit.footprint() - BestFit.FIRST_BLOCK - 8, fit.freeBytes());
        } finally {
            region.release(0);
        }
    }

    private static long size(SplittableRandom random, String profile) {
        return switch (profile) {
            case "small" -> 1 + random.nextInt(128);
            case "mixed", "aligned" -> switch (random.nextInt(10)) {
                case 0 -> random.nextInt(64 << 10);
                case 1, 2 -> random.nextInt(4096);
                default -> random.nextInt(256);
            };
            default -> 1 + random.nextInt(2048);
        };
    }

    /** Checks that {@code l} is aligned, fits its block and overlaps no other live payload, and records it. */
    private static void admit(Live l, TreeMap<Long, Live> byOffset, BestFit fit) {
        assertEquals(0, l.offset() % l.alignment(), "misaligned: " + l);
        assertTrue(fit.usableSize(l.offset()) >= l.size(), "usable size below the request: " + l);
        Map.Entry<Long, Live> below = byOffset.floorEntry(l.offset());
        if (below != null) {
            assertTrue(below.getKey() + below.getValue().size() <= l.offset(), l + " overlaps " + below.getValue());
        }
        Map.Entry<Long, Live> above = byOffset.ceilingEntry(l.offset());
        if (above != null) {
            assertTrue(l.offset() + l.size() <= above.getKey(), l + " overlaps " + above.getValue());
        }
        byOffset.put(l.offset(), l);
    }

    private static void fill(MemorySegment mem, Live l) {
        for (long i = 0; i < l.size(); i++) {
            mem.set(java.lang.foreign.ValueLayout.JAVA_BYTE, l.offset() + i, (byte) (l.seed() + i));
        }
    }

    private static void verify(MemorySegment mem, Live l) {
        verifyPrefix(mem, l, l, l.size());
    }

    private static void verifyPrefix(MemorySegment mem, Live at, Live written, long n) {
        for (long i = 0; i < n; i++) {
            byte got = mem.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at.offset() + i);
            if (got != (byte) (written.seed() + i)) {
                throw new AssertionError("payload " + at + " byte " + i + " is " + got + ", expected "
                        + (byte) (written.seed() + i));
            }
        }
    }

    /** Frees of interior, misaligned, foreign and freed offsets are refused and change nothing. */
    private static void tryBadFrees(BestFit fit, SplittableRandom random, TreeMap<Long, Live> byOffset) {
        long free = fit.freeBytes();
        long blocks = fit.allocatedBlocks();
        List<Long> bad = new ArrayList<>(List.of(-16L, 0L, 8L, fit.footprint(), fit.footprint() + 4096,
                (long) BestFit.FIRST_BLOCK + 8 + 1));
        if (!byOffset.isEmpty()) {
            Live any = byOffset.firstEntry().getValue();
            bad.add(any.offset() + 16);             // interior, aligned
            bad.add(any.offset() + 1);              // interior, misaligned
        }
        long probe = BestFit.FIRST_BLOCK + 8 + 16L * random.nextInt((int) Math.min(1 << 20, fit.footprint() / 16));
        if (!byOffset.containsKey(probe)) {
            bad.add(probe);                         // a free block's payload or inside something: never allocated
        }
        for (long p : bad) {
            assertThrows(IllegalArgumentException.class, () -> fit.free(p), "free(" + p + ")");
            assertThrows(IllegalArgumentException.class, () -> fit.reallocate(p, 10), "reallocate(" + p + ")");
        }
        assertEquals(free, fit.freeBytes());
        assertEquals(blocks, fit.allocatedBlocks());
    }

    @ParameterizedTest(name = "double free after {0} neighbouring frees")
    @ValueSource(ints = {0, 1, 2})
    void doubleFreeIsRefusedEvenAfterCoalescing(int neighbours) {
        OwnReservation region = new OwnReservation(Os.current(), 1 << 20, false, false);
        try {
            BestFit fit = new BestFit(region, 4096);
            long[] p = new long[8];
            for (int i = 0; i < p.length; i++) {
                p[i] = fit.allocate(40, 16);
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
            region.release(0);
        }
    }
}
