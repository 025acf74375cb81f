package dev.jalloc.vector;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.arena.Temp;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Vectors on a {@link LinearArena}'s tail: growth through the arena, the freeze, and what closing leaves. */
class VecArenaTailTest {
    private static final long MIB = 1 << 20;

    @Test
    void growsThroughTheArenaAndLeavesItsElementsPushed() {
        try (LinearArena arena = LinearArena.builder().commitStep(MIB).retainBytes(0).build()) {
            MemorySegment before = arena.push(3);
            before.fill((byte) 7);
            long committedBefore = arena.committedBytes();
            LongVec v = LongVec.onTailOf(arena);
            assertEquals(0, v.address() % 8, "aligned for its element");
            assertEquals(arena.pos(), 3, "the position is frozen while the vector grows");
            for (long i = 0; i < 1_000_000; i++) {
                v.add(i * i);
            }
            assertEquals(MIB, committedBefore);
            assertTrue(arena.committedBytes() >= 8 + 8_000_000, "commits go through the arena: "
                    + arena.committedBytes());
            assertTrue(v.committedBytes() - v.byteSize() <= MIB, "within one arena commit step: " + v);
            assertEquals(MIB, v.commitStep());
            long address = v.address();
            MemorySegment elements = v.segment();
            v.close();
            assertEquals(8 + 8_000_000, arena.pos(), "pos = 3, padded to 8, plus the elements");
            assertEquals(999_999L * 999_999L, elements.get(JAVA_LONG, 8 * 999_999L), "the elements live on");
            MemorySegment next = arena.push(64);
            assertEquals(address + 8_000_000, next.address());
            assertEquals(0, next.get(JAVA_LONG, 0), "pushed memory above the vector is zeroed: the vector wrote there");
            assertEquals(7, before.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 2), "memory below is untouched");
            arena.popTo(0);                         // the vector's elements are ordinary arena memory now
            assertEquals(0, arena.pos());
        }
    }

    @Test
    void removalsAndTrimPurgeThroughTheArena() {
        try (LinearArena arena = LinearArena.builder().commitStep(64 << 10).build()) {
            IntVec v = IntVec.onTailOf(arena);
            for (int i = 0; i < 4_000_000; i++) {
                v.add(i);
            }
            long grown = arena.committedBytes();
            v.truncate(10);
            assertTrue(arena.committedBytes() < grown / 10, "slack purged: " + arena.committedBytes());
            v.trimToSize();
            assertTrue(v.committedBytes() <= 64 << 10, "one arena step at most: " + v);
            assertEquals(9, v.get(9));
            v.close();
            assertEquals(40, arena.pos());
        }
    }

    @Test
    void closingTheArenaClosesTheVectorAndItsSegments() {
        LinearArena arena = LinearArena.ofVirtual();
        LayoutVec v = LayoutVec.onTailOf(arena, MemoryLayout.structLayout(JAVA_INT, JAVA_INT));
        MemorySegment first = v.add();
        arena.close();
        assertEquals("Already closed: LayoutVec", assertThrows(IllegalStateException.class, v::size).getMessage());
        assertThrows(IllegalStateException.class, v::add);
        assertThrows(IllegalStateException.class, v::close);
        assertThrows(IllegalStateException.class, () -> first.get(JAVA_INT, 0));
    }

    @Test
    void aChainedArenaLendsWhatIsLeftOfItsBlock() {
        try (LinearArena arena = LinearArena.builder().reserveSize(64 << 10).commitStep(64 << 10)
                .chaining(true).build()) {
            arena.push(1000);
            IntVec v = IntVec.onTailOf(arena);
            assertEquals(((64 << 10) - 1000) / 4, v.maxCapacity());
            v.ensureCapacity(v.maxCapacity());
            OutOfNativeMemoryError e = assertThrows(OutOfNativeMemoryError.class,
                    () -> v.addAll(new int[(int) v.maxCapacity() + 1]));
            assertTrue(e.getMessage().contains("IntVec is full"), e.getMessage());
            assertEquals(0, v.size());
            v.close();
            arena.push(128 << 10);                  // chaining resumes after the vector
            assertEquals(2, arena.blockCount());
        }
    }

    @Test
    void aTempOpenBeforeTheVectorClosesAfterIt() {
        try (LinearArena arena = LinearArena.builder().checked(true).build()) {
            arena.push(16);
            Temp t = arena.temp();
            IntVec v = IntVec.onTailOf(arena);
            v.addAll(new int[] {1, 2, 3});
            assertThrows(IllegalStateException.class, t::close);
            v.close();
            assertEquals(28, arena.pos());
            t.close();                              // pops the vector's elements with the temp
            assertEquals(16, arena.pos());
        }
    }

    @Test
    void aSharedArenaLendsASharedVector() throws Exception {
        try (LinearArena arena = LinearArena.builder().shared(true).build()) {
            IntVec v = IntVec.onTailOf(arena);
            v.addAll(new int[] {5, 6});
            int seen = CompletableFuture.supplyAsync(() -> v.get(1), r -> Thread.ofPlatform().start(r)).get();
            assertEquals(6, seen);
            v.close();
            assertEquals(8, arena.pos());
        }
    }
}
