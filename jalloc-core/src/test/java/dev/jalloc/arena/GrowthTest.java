package dev.jalloc.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.OutOfNativeMemoryError;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** How each growth mode gets memory and gives it back: blocks, commit steps, purges, spares, chaining. */
class GrowthTest {
    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;

    @Test
    void factoriesMakeTheModesTheyName() {
        try (LinearArena fixed = LinearArena.ofFixed(100 * KIB);
             LinearArena chained = LinearArena.ofChained();
             LinearArena virtual = LinearArena.ofVirtual();
             LinearArena both = LinearArena.builder().reserveSize(MIB).commitStep(64 * KIB).chaining(true).build()) {
            assertEquals(LinearArena.Growth.FIXED, fixed.growth());
            assertEquals(LinearArena.Growth.CHAINED, chained.growth());
            assertEquals(LinearArena.Growth.VIRTUAL, virtual.growth());
            assertEquals(LinearArena.Growth.VIRTUAL_CHAINED, both.growth());
            assertEquals(Os4k.PAGE, fixed.pageSize());
            assertEquals(100 * KIB, fixed.reservedBytes());
            assertEquals(100 * KIB, fixed.committedBytes());
            assertEquals(LinearArena.DEFAULT_RESERVE_SIZE, virtual.reservedBytes());
            assertEquals(0, virtual.committedBytes());
            assertEquals(LinearArena.DEFAULT_BLOCK_SIZE, chained.committedBytes());
        }
    }

    @Test
    void aVirtualArenaCommitsInStepsAsPosGrowsAndNeverMoves() {
        try (LinearArena arena = LinearArena.builder().commitStep(64 * KIB).build()) {
            MemorySegment first = arena.push(1);
            assertEquals(64 * KIB, arena.committedBytes());
            arena.pushNoInit(64 * KIB);
            assertEquals(128 * KIB, arena.committedBytes());
            MemorySegment far = arena.pushNoInit(10 * MIB);
            assertEquals(first.address() + arena.pos() - 10 * MIB, far.address(), "one reservation: no moves");
            assertEquals(alignUp(arena.pos(), 64 * KIB), arena.committedBytes());
            assertEquals(1, arena.blockCount());
        }
    }

    @Test
    void aChainedArenaLinksBlocksAndGivesOversizedPushesTheirOwn() {
        try (LinearArena arena = LinearArena.builder().reserveSize(64 * KIB).commitStep(64 * KIB).chaining(true)
                .build()) {
            arena.pushNoInit(60 * KIB);
            assertEquals(1, arena.blockCount());
            arena.pushNoInit(8 * KIB);
            assertEquals(2, arena.blockCount());
            assertEquals(64 * KIB + 8 * KIB, arena.pos(), "pos jumps to the next block's base position");
            MemorySegment huge = arena.push(1 * MIB);
            assertEquals(3, arena.blockCount());
            assertEquals(MIB + 0, huge.byteSize());
            assertEquals(64 * KIB * 2 + MIB, arena.pos());
            assertEquals(64 * KIB * 2 + MIB, arena.reservedBytes());
        }
    }

    @Test
    void popsAcrossBlocksKeepThemAsSparesAndReuseThem() {
        try (LinearArena arena = LinearArena.builder().reserveSize(64 * KIB).commitStep(64 * KIB).chaining(true)
                .retainBytes(16 * MIB).build()) {
            MemorySegment bottom = arena.push(100);
            bottom.fill((byte) 42);
            long mark = arena.pos();
            for (int i = 0; i < 10; i++) {
                arena.pushNoInit(40 * KIB).fill((byte) 1);
            }
            long reserved = arena.reservedBytes();
            assertEquals(10, arena.blockCount());
            arena.popTo(mark);
            assertEquals(1, arena.blockCount());
            assertEquals(mark, arena.pos());
            assertEquals(reserved, arena.reservedBytes(), "popped blocks stay reserved as spares");
            for (int i = 0; i < 10; i++) {
                MemorySegment again = arena.push(40 * KIB);
                assertEquals(0, again.get(ValueLayout.JAVA_LONG, 0), "a reused spare is zeroed");
                assertEquals(0, again.get(ValueLayout.JAVA_LONG, again.byteSize() - 8));
            }
            assertEquals(reserved, arena.reservedBytes(), "spares were reused, nothing new reserved");
            assertEquals(42, bottom.get(ValueLayout.JAVA_BYTE, 99));
        }
    }

    @Test
    void clearAfterABurstPurgesAboveTheRetainedAmount() {
        try (LinearArena arena = LinearArena.builder().commitStep(MIB).retainBytes(4 * MIB).build()) {
            MemorySegment burst = arena.pushNoInit(256 * MIB);
            burst.asSlice(0, 64 * MIB).fill((byte) 1);
            assertEquals(256 * MIB, arena.committedBytes());
            arena.clear();
            assertEquals(4 * MIB, arena.committedBytes(), "only the retained amount stays committed");
            // The purged range stays mapped: a stale segment reads zeros rather than crashing the JVM.
            assertEquals(0, burst.get(ValueLayout.JAVA_BYTE, 32 * MIB));
            assertEquals(1, burst.get(ValueLayout.JAVA_BYTE, MIB), "retained bytes are untouched");
            MemorySegment again = arena.push(128 * MIB);
            assertEquals(0, again.get(ValueLayout.JAVA_BYTE, MIB), "retained dirty bytes are zeroed on push");
            assertEquals(128 * MIB, arena.committedBytes());
        }
    }

    @Test
    void chainedBlocksPoppedAboveTheRetainedAmountArePurged() {
        try (LinearArena arena = LinearArena.builder().reserveSize(MIB).commitStep(MIB).chaining(true)
                .retainBytes(MIB).build()) {
            for (int i = 0; i < 8; i++) {
                arena.pushNoInit(MIB - 4096).fill((byte) 7);
            }
            assertEquals(8 * MIB, arena.committedBytes());
            arena.clear();
            assertEquals(MIB, arena.committedBytes());
            assertEquals(8 * MIB, arena.reservedBytes());
        }
    }

    @Test
    void chainingCanBeSwitchedOnALiveArena() {
        try (LinearArena arena = LinearArena.builder().reserveSize(64 * KIB).commitStep(64 * KIB).build()) {
            assertEquals(LinearArena.Growth.FIXED, arena.growth());
            arena.pushNoInit(60 * KIB);
            assertThrows(OutOfNativeMemoryError.class, () -> arena.push(8 * KIB));
            arena.setChaining(true);
            assertEquals(LinearArena.Growth.CHAINED, arena.growth());
            arena.push(8 * KIB);
            assertEquals(2, arena.blockCount());
            arena.setChaining(false);
            arena.pushNoInit(50 * KIB);
            assertThrows(OutOfNativeMemoryError.class, () -> arena.push(8 * KIB));
        }
    }

    @Test
    void aFixedArenaOverCallerMemoryCanChainOntoOsBlocks() {
        try (Arena owner = Arena.ofConfined()) {
            MemorySegment mine = owner.allocate(4 * KIB, 8);
            try (LinearArena arena = LinearArena.builder().over(mine).reserveSize(64 * KIB).commitStep(64 * KIB)
                    .build()) {
                assertEquals(mine.address(), arena.push(16).address());
                assertEquals(0, arena.reservedBytes(), "caller memory is not counted as reserved");
                assertThrows(OutOfNativeMemoryError.class, () -> arena.push(8 * KIB));
                arena.setChaining(true);
                MemorySegment beyond = arena.push(8 * KIB);
                assertTrue(beyond.address() < mine.address() || beyond.address() >= mine.address() + 4 * KIB);
                assertEquals(4 * KIB + 8 * KIB, arena.pos());
                arena.clear();
                assertEquals(mine.address(), arena.push(16).address());
            }
            assertTrue(mine.scope().isAlive(), "closing the arena does not free the caller's memory");
        }
    }

    @Test
    void largePagesAreUsedOrRefusedWithAReason() {
        try (LinearArena arena = LinearArena.builder().largePages(true).commitStep(MIB).build()) {
            if (arena.largePages()) {
                assertEquals(2 * MIB, arena.pageSize());
                MemorySegment s = arena.push(1);
                assertEquals(0, s.address() % (2 * MIB), "a large-page reservation is aligned to the large page");
                assertEquals(2 * MIB, arena.commitStep(), "the commit step is rounded up to the large page");
            } else {
                assertEquals(Os4k.PAGE, arena.pageSize());
            }
        }
    }

    @Test
    void aTempOverManyBlocksRestoresEverything() {
        try (LinearArena arena = LinearArena.builder().reserveSize(64 * KIB).commitStep(16 * KIB).chaining(true)
                .build()) {
            arena.push(10);
            long start = arena.pos();
            try (Temp t = arena.temp()) {
                for (int i = 0; i < 100; i++) {
                    t.allocate(10 * KIB);
                }
                assertNotEquals(1, arena.blockCount());
            }
            assertEquals(start, arena.pos());
            assertEquals(1, arena.blockCount());
        }
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    /** The OS page size this suite assumes (x86-64 and most aarch64 Linux). */
    static final class Os4k {
        static final long PAGE = dev.jalloc.internal.os.Os.current().pageSize();
    }
}
