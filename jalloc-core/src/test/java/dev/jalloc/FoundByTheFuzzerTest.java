package dev.jalloc;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.arena.LinearArena;
import dev.jalloc.arena.Temp;
import dev.jalloc.heap.AddressAllocator;
import dev.jalloc.heap.BestFitAllocator;
import dev.jalloc.heap.Heap;
import dev.jalloc.vector.IntVec;
import dev.jalloc.vector.Vec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bugs the API fuzzer found (docs/TESTING.md), one deterministic test each, named after the behaviour.
 */
class FoundByTheFuzzerTest {

    @Test
    void anAddressPushThatLinksANewBlockReturnsAnAddressInTheNewBlock() {
        try (LinearArena arena = LinearArena.builder().reserveSize(64 << 10).commitStep(64 << 10).chaining(true)
                .build()) {
            MemorySegment first = arena.push(60 << 10);
            first.fill((byte) 7);
            long address = arena.pushAddress(8 << 10, 8);   // does not fit: a new block
            assertEquals(2, arena.blockCount());
            assertTrue(address < first.address() || address >= first.address() + (64 << 10),
                    "the address lies in the first block, over live pushes");
            MemorySegment next = arena.push(16);   // the next push follows it in the new block
            assertEquals(address + (8 << 10), next.address());
            assertEquals(7, first.get(java.lang.foreign.ValueLayout.JAVA_BYTE, (60 << 10) - 1));
        }
    }

    @Test
    void aVectorOnTheTailOfAnArenaWhoseCommitStepIsNotAPowerOfTwoUsesThatStep() {
        long step = 145 * 4096;   // a multiple of the page, not a power of two
        try (LinearArena arena = LinearArena.builder().reserveSize(64L << 20).commitStep(step).build()) {
            arena.push(100);
            assertEquals(step, arena.committedBytes(), "the arena commits whole steps");
            try (IntVec v = IntVec.onTailOf(arena)) {
                assertEquals(step, v.commitStep());
                for (int i = 0; i < 1_000_000; i++) {
                    v.add(i);
                }
                assertEquals(0, arena.committedBytes() % step, "the arena commits whole steps for its tail");
                assertTrue(arena.committedBytes() >= 4_000_100);
                assertEquals(999_999, v.get(999_999));
            }
        }
    }

    @Test
    void aVectorReservationSmallerThanOneElementIsRoundedUpToThePageFirst() {
        try (IntVec v = Vec.builder().reserveSize(3).ofInts()) {
            v.add(42);
            assertEquals(42, v.get(0));
        }
    }

    @Test
    void checkedTempsAndPopsOverCallerMemoryTheCallerClosedCompleteWithoutChangingHalfway() {
        Arena caller = Arena.ofConfined();
        LinearArena arena = LinearArena.builder().over(caller.allocate(64 << 10)).checked(true).build();
        Temp temp = arena.temp();
        MemorySegment pushed = temp.allocate(100, 8);
        caller.close();
        temp.close();   // once threw from the poisoning, after marking the temp closed
        assertThrows(IllegalStateException.class, temp::close);   // closed for good, no depth left open
        assertThrows(IllegalStateException.class, () -> pushed.get(JAVA_LONG, 0));
        arena.popTo(0);
        arena.close();
    }

    @Test
    void aCheckedTempOverCallerMemoryHandsOutSegmentsWithTheCallersLifetime() {
        Arena caller = Arena.ofConfined();
        try (LinearArena arena = LinearArena.builder().over(caller.allocate(64 << 10)).checked(true).build()) {
            Temp temp = arena.temp();
            MemorySegment inTemp = temp.allocate(64, 8);
            inTemp.set(JAVA_LONG, 0, 42);
            caller.close();   // frees the memory: a segment with the temp's own scope would still reach it
            assertThrows(IllegalStateException.class, () -> inTemp.get(JAVA_LONG, 0));
            temp.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "bestfit"})
    void anAllocatorOverCallerMemoryZeroesWhatTrimCouldNotPurge(String kind) {
        Function<LinearArena, AddressAllocator> onTail = kind.equals("heap") ? Heap::onTailOf : BestFitAllocator::onTailOf;
        try (Arena caller = Arena.ofConfined()) {
            LinearArena arena = LinearArena.ofFixed(caller.allocate(8 << 20, 4096));
            AddressAllocator a = onTail.apply(arena);
            List<MemorySegment> dirty = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                MemorySegment s = a.allocate(100_000, 16);
                s.fill((byte) 0x5A);
                dirty.add(s);
            }
            for (MemorySegment s : dirty) {
                a.free(s);
            }
            a.trim();   // the caller's memory is never purged: it keeps the old bytes
            for (int i = 0; i < 16; i++) {
                MemorySegment s = a.allocate(100_000, 16);
                for (long off = 0; off < s.byteSize(); off += 4096) {
                    assertEquals(0, s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off), "old bytes handed out as zero");
                }
            }
            a.close();
            arena.close();
        }
    }

    @Test
    void aFullHeapRefusingAnAllocationKeepsNoPhantomAllocations() {
        try (Heap heap = Heap.create(32 << 10)) {
            List<Long> live = new ArrayList<>();
            int refusals = 0;
            for (int i = 0; i < 2000 && refusals < 50; i++) {
                long liveBefore = heap.liveAllocations();
                long bytesBefore = heap.liveBytes();
                try {
                    live.add(heap.allocateAddressNoInit(16 + (i * 16) % 1024, 16));
                } catch (OutOfNativeMemoryError e) {
                    refusals++;
                    assertEquals(liveBefore, heap.liveAllocations(), "a refused allocation changed the live count");
                    assertEquals(bytesBefore, heap.liveBytes(), "a refused allocation changed the live bytes");
                }
            }
            assertTrue(refusals > 0, "the heap never filled up");
            for (long p : live) {
                heap.free(p);
            }
            assertEquals(0, heap.liveAllocations());
            assertEquals(0, heap.liveBytes());
            heap.check();
        }
    }
}
