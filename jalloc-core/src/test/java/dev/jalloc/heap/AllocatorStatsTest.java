package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.arena.ArenaStats;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.heap.SizeClasses;
import dev.jalloc.vector.LongVec;
import dev.jalloc.vector.VecStats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

/**
 * Every allocator kind's statistics record: its numbers against what the test did, the resident bytes against
 * memory the test touched, and the record against the allocator's own getters. The model tests check the heap's and
 * best fit's live counts against their models over millions of operations ({@code AllocatorModel.checkStats}).
 */
class AllocatorStatsTest {
    private static final long MIB = 1 << 20;

    @Test
    void confinedHeapCountsWhatItHandsOutPerClass() {
        try (Heap heap = Heap.create(1L << 30)) {
            heapCounts(heap);
        }
    }

    @Test
    void sharedHeapCountsWhatItHandsOutPerClass() {
        try (Heap heap = Heap.ofShared()) {
            heapCounts(heap);
        }
    }

    private static void heapCounts(Heap heap) {
        int c48 = SizeClasses.index(48);
        List<Long> small = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            small.add(heap.allocateAddressNoInit(40 + i % 9, 16));
        }
        long large = heap.allocateAddressNoInit(100_000, 16);
        long huge = heap.allocateAddressNoInit(20 << 20, 16);
        HeapStats s = heap.stats();
        StatsChecks.checkHeap(s, 702, 700L * 48 + 25 * 4096 + (20 << 20));
        assertEquals(heap.isShared(), s.shared());
        assertEquals(700, s.classes().get(c48).liveBlocks());
        assertEquals(48, s.classes().get(c48).size());
        assertTrue(s.classes().get(c48).spans() >= 1);
        assertEquals(1, s.largeBlocks());
        assertEquals(25 * 4096, s.largeBytes());
        assertEquals(1, s.hugeBlocks());
        assertEquals(20 << 20, s.hugeBytes());
        assertEquals(heap.liveBytes(), s.liveBytes());
        assertEquals(heap.liveAllocations(), s.liveBlocks());
        assertEquals(heap.committedBytes(), s.committedBytes());
        assertEquals(heap.reservedBytes(), s.reservedBytes());
        for (long a : small) {
            heap.free(a);
        }
        heap.free(large);
        heap.free(huge);
        HeapStats after = heap.stats();
        StatsChecks.checkHeap(after, 0, 0);
        assertTrue(after.peakCommittedBytes() >= s.committedBytes(), "the peak remembers the huge mapping");
        assertTrue(after.osCalls() > s.osCalls(), "unmapping the huge payload is a call");
        heap.trim();
        HeapStats trimmed = heap.stats();
        assertEquals(0, trimmed.cachedSlots(), "trim empties the calling thread's caches");
        assertTrue(trimmed.purges() > 0, "trim purged");
        String text = trimmed.toString();
        assertTrue(text.contains("live") && text.contains("committed") && text.contains("resident"), text);
    }

    @Test
    void residentBytesFollowTouchedMemory() {
        try (Heap heap = Heap.create(1L << 30)) {
            long before = heap.stats().residentBytes();
            long a = heap.allocateAddressNoInit(8 * MIB, 4096);   // large: pages of the heap's own region
            MemorySegment.ofAddress(a).reinterpret(8 * MIB).fill((byte) 1);
            long touched = heap.stats().residentBytes();
            assertTrue(touched - before >= 8 * MIB, "resident grew by " + (touched - before) + " for 8 MiB touched");
            heap.free(a);
            heap.trim();   // purges the free pages
            long trimmed = heap.stats().residentBytes();
            assertTrue(touched - trimmed >= 8 * MIB, "trim gave back " + (touched - trimmed) + " of 8 MiB");
        }
    }

    @Test
    void sharedHeapCountsRemoteFreesAndCaches() throws Exception {
        try (Heap heap = Heap.ofShared()) {
            long[] blocks = new long[100];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = heap.allocateAddressNoInit(64, 16);
            }
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                other.submit(() -> {
                    for (long b : blocks) {
                        heap.free(b);
                    }
                }).get();
            } finally {
                other.shutdown();
            }
            HeapStats s = heap.stats();
            assertEquals(100, s.remoteFrees());
            assertTrue(s.threadCaches() >= 2, "caches " + s.threadCaches());
            StatsChecks.checkHeap(s, 0, 0);
            assertTrue(s.toString().contains("remote frees"), s.toString());
        }
    }

    @Test
    void heapOnAnArenasTailCountsItsOwnShare() {
        try (LinearArena arena = LinearArena.ofVirtual(); Heap heap = Heap.onTailOf(arena)) {
            long a = heap.allocateAddressNoInit(1000, 16);
            HeapStats s = heap.stats();
            StatsChecks.checkHeap(s, 1, heap.usableSize(a));
            assertTrue(s.committedBytes() <= arena.committedBytes(), s + " on " + arena);
            heap.free(a);
        }
    }

    @Test
    void bestFitCountsBlocksAndFreeSpace() {
        try (BestFitAllocator fit = BestFitAllocator.create()) {
            long a = fit.allocateAddressNoInit(1000, 16);
            long b = fit.allocateAddressNoInit(3000, 16);
            MemorySegment.ofAddress(b).reinterpret(3000).fill((byte) 7);
            BestFitStats s = fit.stats();
            StatsChecks.checkCommon(s);
            assertEquals(2, s.liveBlocks());
            assertEquals(fit.usableSize(a) + fit.usableSize(b), s.liveBytes());
            assertEquals(fit.freeBytes(), s.freeBytes());
            assertEquals(fit.freeBlocks(), s.freeBlocks());
            assertEquals(fit.largestFreeBlock(), s.largestFreeBlock());
            assertEquals(fit.committedBytes(), s.committedBytes());
            assertTrue(s.residentBytes() >= 4096, "the touched block is resident: " + s);
            fit.free(a);
            fit.free(b);
            assertEquals(0, fit.stats().liveBlocks());
            assertTrue(fit.stats().toString().startsWith("BestFitStats[live=0 B in 0 blocks"), fit.stats().toString());
        }
    }

    @Test
    void arenaCountsItsPositionAndBlocks() {
        try (LinearArena arena = LinearArena.ofChained()) {
            arena.push(10 * MIB).fill((byte) 3);
            ArenaStats s = arena.stats();
            StatsChecks.checkCommon(s);
            assertEquals(arena.pos(), s.liveBytes());
            assertEquals(arena.blockCount(), s.blocks());
            assertEquals(arena.committedBytes(), s.committedBytes());
            assertEquals(arena.reservedBytes(), s.reservedBytes());
            assertTrue(s.residentBytes() >= 10 * MIB, "10 MiB touched: " + s);
            arena.clear();
            arena.trim();
            ArenaStats cleared = arena.stats();
            assertEquals(0, cleared.liveBytes());
            assertTrue(cleared.peakCommittedBytes() >= s.committedBytes(), "the peak stays: " + cleared);
        }
    }

    @Test
    void arenaOverCallerMemoryCountsNoneOfItAsItsOwn() {
        try (java.lang.foreign.Arena jdk = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment memory = jdk.allocate(1 << 16, 16);
            try (LinearArena arena = LinearArena.ofFixed(memory)) {
                arena.push(1000);
                ArenaStats s = arena.stats();
                assertEquals(arena.pos(), s.liveBytes());
                assertEquals(0, s.committedBytes());
                assertEquals(0, s.residentBytes());
            }
        }
    }

    @Test
    void vectorCountsElementsAndCapacity() {
        try (LongVec v = LongVec.create()) {
            for (int i = 0; i < 100_000; i++) {
                v.add(i);
            }
            VecStats s = v.stats();
            StatsChecks.checkCommon(s);
            assertEquals(100_000, s.size());
            assertEquals(v.capacity(), s.capacity());
            assertEquals(100_000 * ValueLayout.JAVA_LONG.byteSize(), s.liveBytes());
            assertEquals(v.committedBytes(), s.committedBytes());
            assertTrue(s.residentBytes() >= s.liveBytes() - 4096, "written elements are resident: " + s);
        }
    }

    @Test
    void aClosedAllocatorHasNoStatistics() {
        Heap heap = Heap.create();
        heap.close();
        assertThrows(IllegalStateException.class, heap::stats);
        LinearArena arena = LinearArena.ofVirtual();
        arena.close();
        assertThrows(IllegalStateException.class, arena::stats);
        LongVec v = LongVec.create();
        v.close();
        assertThrows(IllegalStateException.class, v::stats);
        BestFitAllocator fit = BestFitAllocator.create();
        fit.close();
        assertThrows(IllegalStateException.class, fit::stats);
    }

    @Test
    void aConfinedAllocatorAnswersOnlyItsThread() throws Exception {
        try (Heap heap = Heap.create(); LinearArena arena = LinearArena.ofVirtual()) {
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                assertTrue(other.submit(() -> {
                    try {
                        heap.stats();
                        return false;
                    } catch (WrongThreadException e) {
                        return true;
                    }
                }).get());
                assertTrue(other.submit(() -> {
                    try {
                        arena.stats();
                        return false;
                    } catch (WrongThreadException e) {
                        return true;
                    }
                }).get());
            } finally {
                other.shutdown();
            }
        }
    }
}
