package dev.jalloc.heap;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.arena.LinearArena;
import dev.jalloc.testing.Seeds;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Checked lifetimes, the shared hardened heap, and what a hardened heap refuses to be built on. */
class HardenedHeapTest {

    @ParameterizedTest
    @EnumSource(Hardening.class)
    void checkedLifetimesEndASegmentAtItsFree(Hardening level) {
        try (Heap heap = Heap.builder().hardening(level).checkedLifetimes(true).build()) {
            MemorySegment s = heap.allocate(64, 16);
            s.set(JAVA_LONG, 0, 42);
            MemorySegment kept = heap.allocate(64, 16);
            heap.free(s);
            assertFalse(s.scope().isAlive());
            assertThrows(IllegalStateException.class, () -> s.get(JAVA_LONG, 0));
            kept.set(JAVA_LONG, 8, 7);   // another payload's segment lives on
            assertEquals(7, kept.get(JAVA_LONG, 8));
        }
    }

    @Test
    void fullHasCheckedLifetimes() {
        try (Heap heap = Heap.builder().hardening(Hardening.FULL).build()) {
            MemorySegment s = heap.allocate(100, 16);
            heap.free(s);
            assertThrows(IllegalStateException.class, () -> s.get(JAVA_LONG, 0));
        }
    }

    @Test
    void aReallocationThatMovesEndsTheOldSegments() {
        try (Heap heap = Heap.builder().checkedLifetimes(true).build()) {
            MemorySegment s = heap.allocate(64, 16);
            s.set(JAVA_LONG, 0, 42);
            MemorySegment same = heap.reallocate(s, 60);   // in place: the payload and its segments live on
            assertEquals(s.address(), same.address());
            assertEquals(42, s.get(JAVA_LONG, 0));
            MemorySegment moved = heap.reallocate(s, 100_000);
            assertEquals(42, moved.get(JAVA_LONG, 0));
            assertThrows(IllegalStateException.class, () -> s.get(JAVA_LONG, 0));
            heap.free(moved);
            assertThrows(IllegalStateException.class, () -> moved.get(JAVA_LONG, 0));
        }
    }

    @Test
    void closingTheHeapEndsEverySegment() {
        MemorySegment s;
        MemorySegment t;
        try (Heap heap = Heap.builder().hardening(Hardening.STANDARD).checkedLifetimes(true).build()) {
            s = heap.allocate(64, 16);
            t = heap.allocate(1 << 20, 16);
        }
        assertThrows(IllegalStateException.class, () -> s.get(JAVA_LONG, 0));
        assertThrows(IllegalStateException.class, () -> t.get(JAVA_LONG, 0));
    }

    /** A confined heap's checked segments are confined too: the arena behind them is {@code Arena.ofConfined()}. */
    @Test
    void aConfinedHeapsCheckedSegmentsStayOnItsThread() throws Exception {
        try (Heap heap = Heap.builder().checkedLifetimes(true).build()) {
            MemorySegment s = heap.allocate(64, 16);
            Thread other = Thread.ofPlatform().start(() ->
                    assertThrows(WrongThreadException.class, () -> s.get(JAVA_LONG, 0)));
            other.join();
            heap.free(s);
        }
    }

    @Test
    void aSharedHeapsCheckedSegmentsGoEverywhereAndDieAtTheirFree() throws Exception {
        try (Heap heap = Heap.builder().shared(true).checkedLifetimes(true).hardening(Hardening.STANDARD).build();
                ExecutorService pool = Executors.newFixedThreadPool(2)) {
            MemorySegment s = heap.allocate(64, 16);
            s.set(JAVA_LONG, 0, 5);
            assertEquals(5L, pool.submit(() -> s.get(JAVA_LONG, 0)).get());
            pool.submit(() -> heap.free(s)).get();
            assertThrows(IllegalStateException.class, () -> s.get(JAVA_LONG, 0));
        }
    }

    /** Threads allocating, writing, checking and freeing on one shared hardened heap: no damage seen, none done. */
    @ParameterizedTest
    @EnumSource(value = Hardening.class, names = {"LIGHT", "STANDARD", "FULL"})
    void aSharedHardenedHeapServesThreads(Hardening level) throws Exception {
        try (Heap heap = Heap.builder().shared(true).hardening(level).build();
                ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Long>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                SplittableRandom random = Seeds.random("HardenedHeapTest[shared " + level + ", thread " + t + "]");
                runs.add(pool.submit(() -> churn(heap, random)));
            }
            long ops = 0;
            for (Future<Long> f : runs) {
                ops += f.get();
            }
            assertEquals(4 * 20_000L, ops);
            assertEquals(0, heap.liveAllocations());
            heap.check();
        }
    }

    private static long churn(Heap heap, SplittableRandom random) {
        long[] live = new long[64];
        long[] stamp = new long[64];
        long ops = 0;
        for (int i = 0; i < 20_000; i++, ops++) {
            int k = random.nextInt(live.length);
            if (live[k] != 0) {
                long usable = heap.usableSize(live[k]);
                MemorySegment m = HardenedMallocTest.raw(live[k], usable);
                assertEquals(stamp[k], m.get(JAVA_LONG, 0));
                assertEquals(stamp[k], m.get(JAVA_LONG, usable - 8 & ~7L));
                heap.free(live[k]);
                live[k] = 0;
            } else {
                long size = random.nextInt(10) == 0 ? 8 + random.nextInt(200_000) : 8 + random.nextInt(2000);
                live[k] = heap.allocateAddressNoInit(size, 16);
                long usable = heap.usableSize(live[k]);
                assertTrue(usable >= size);
                MemorySegment m = HardenedMallocTest.raw(live[k], usable);
                for (long b = 0; b < usable; b += 8) {
                    assertEquals(0, m.get(JAVA_LONG, b), "a hardened heap hands out zeros");
                }
                stamp[k] = random.nextLong();
                m.set(JAVA_LONG, 0, stamp[k]);
                m.set(JAVA_LONG, usable - 8 & ~7L, stamp[k]);   // the last usable word: up to the canary
            }
        }
        for (long a : live) {
            if (a != 0) {
                heap.free(a);
            }
        }
        return ops;
    }

    @Test
    void aHardenedHeapIsNotBuiltOnAnArenasTail() {
        try (LinearArena arena = LinearArena.ofVirtual()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Heap.builder().onTailOf(arena).hardening(Hardening.LIGHT).build());
            assertTrue(e.getMessage().contains("reservation of its own"), e.getMessage());
            // Checked lifetimes too: the arena unmaps its tail at its close before the heap could end them.
            assertThrows(IllegalArgumentException.class,
                    () -> Heap.builder().onTailOf(arena).checkedLifetimes(true).build());
            arena.push(16);   // refused before the tail was taken: the arena is as it was
            try (Heap tail = Heap.onTailOf(arena)) {
                tail.free(tail.allocate(32, 16));
            }
        }
    }

    /**
     * A hardened heap starts at a random offset of its reservation: heaps made and closed one after the other, which
     * the kernel would map at one address, start at different ones. A plain heap starts where the kernel put it.
     */
    @Test
    void aHardenedHeapsBaseIsRandom() {
        Set<Long> hardened = new HashSet<>();
        Set<Long> plain = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            try (Heap heap = Heap.builder().reserveSize(1L << 30).hardening(Hardening.STANDARD).build()) {
                hardened.add(heap.osRanges().getLast()[0]);
            }
            try (Heap heap = Heap.builder().reserveSize(1L << 30).build()) {
                plain.add(heap.osRanges().getLast()[0]);
            }
        }
        assertTrue(hardened.size() >= 5, "bases: " + hardened);
        assertTrue(plain.size() <= 2, "the kernel's own placement is not this test's subject: " + plain);
    }

    @Test
    void toStringAndStatisticsNameTheLevel() {
        try (Heap heap = Heap.builder().hardening(Hardening.STANDARD).build()) {
            long p = heap.allocateAddress(100, 16);
            assertEquals(Hardening.STANDARD, heap.hardening());
            assertTrue(heap.toString().contains("STANDARD"), heap.toString());
            HeapStats stats = heap.stats();
            assertEquals(heap.usableSize(p), stats.liveBytes());
            heap.free(p);
            assertEquals(0, heap.stats().liveBytes());
            assertTrue(heap.stats().cachedSlots() >= 1, "the quarantined slot counts as cached: " + heap.stats());
        }
    }
}
