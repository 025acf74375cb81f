package dev.jalloc.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.testing.OtherThread;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-thread scratch arenas. */
class ScratchTest {

    @AfterEach
    void releaseScratch() {
        Scratch.release();
    }

    @Test
    void beginAvoidsConflictingArenas() {
        try (Temp first = Scratch.begin()) {
            try (Temp second = Scratch.begin(first.arena())) {
                assertNotSame(first.arena(), second.arena());
                try (Temp third = Scratch.begin(second.arena())) {
                    assertSame(first.arena(), third.arena());
                }
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> Scratch.begin(first.arena(), second.arena()));
                assertTrue(e.getMessage().contains("conflicts"), e.getMessage());
            }
        }
    }

    @Test
    void beginWithNoConflictOrOneChoosesAsTheVarargsFormDoes() {
        try (Temp first = Scratch.begin()) {
            LinearArena a = first.arena();
            assertEquals(1, first.depth());
            try (Temp nested = Scratch.begin()) {
                assertSame(a, nested.arena(), "no conflict: always the first arena, nested");
                assertEquals(2, nested.depth());
            }
            try (Temp unrelated = Scratch.begin(Arena.ofAuto()); Temp none = Scratch.begin((Arena) null)) {
                assertSame(a, unrelated.arena(), "an arena that is not a scratch arena conflicts with nothing");
                assertSame(a, none.arena());
                assertEquals(3, none.depth());
            }
            try (Temp other = Scratch.begin(a); Temp viaVarargs = Scratch.begin(new Arena[] {a})) {
                assertNotSame(a, other.arena());
                assertSame(other.arena(), viaVarargs.arena());
                assertEquals(1, other.depth());
                assertEquals(2, viaVarargs.depth());
                try (Temp back = Scratch.begin(other.arena())) {
                    assertSame(a, back.arena());
                    assertEquals(2, back.depth());
                }
            }
            try (Temp viaEmptyVarargs = Scratch.begin(new Arena[0])) {
                assertSame(a, viaEmptyVarargs.arena());
            }
        }
    }

    @Test
    void beginRestoresPositionsOfBothArenasWhenItsTempsClose() {
        long firstStart;
        long otherStart;
        try (Temp first = Scratch.begin()) {
            firstStart = first.startPos();
            long address = first.allocateAddress(64, 64);
            assertEquals(0, address % 64);
            LinearArena otherArena;
            try (Temp other = Scratch.begin(first.arena())) {
                otherArena = other.arena();
                otherStart = other.startPos();
                other.allocateAddressNoInit(100_000, 8);
                first.allocateAddressNoInit(16, 8);   // a caller's output on the other arena, across the callee's temp
                assertEquals(otherStart + 100_000, otherArena.pos());
            }
            assertEquals(otherStart, otherArena.pos());
        }
        try (Temp again = Scratch.begin(); Temp other = Scratch.begin(again.arena())) {
            assertEquals(firstStart, again.startPos());
            assertEquals(otherStart, other.startPos());
        }
    }

    @Test
    void scratchTempsRefuseAfterCloseAndFromOtherThreads() throws Exception {
        Temp temp = Scratch.begin();
        long pos = temp.arena().pos();
        Throwable t = OtherThread.thrownBy(() -> temp.allocateAddress(8, 8));
        assertTrue(t instanceof WrongThreadException, String.valueOf(t));
        t = OtherThread.thrownBy(() -> temp.allocateAddressNoInit(8, 8));
        assertTrue(t instanceof WrongThreadException, String.valueOf(t));
        t = OtherThread.thrownBy(temp::close);
        assertTrue(t instanceof WrongThreadException, String.valueOf(t));
        assertEquals(pos, temp.arena().pos());
        temp.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> temp.allocateAddressNoInit(8, 8));
        assertTrue(e.getMessage().contains("already closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> temp.allocateAddress(8, 8));
        assertEquals(pos, temp.arena().pos());
    }

    @Test
    void scratchTempsRestoreTheirArena() {
        long start;
        try (Temp t = Scratch.begin()) {
            start = t.startPos();
            t.allocate(100_000);
        }
        try (Temp t = Scratch.begin()) {
            assertEquals(start, t.startPos());
        }
    }

    @Test
    void aCalleeWritingToTheCallersScratchUsesTheOther() {
        try (Temp caller = Scratch.begin()) {
            MemorySegment result = callee(caller.arena());
            assertEquals(7, result.get(java.lang.foreign.ValueLayout.JAVA_INT, 0));
        }
    }

    private static MemorySegment callee(Arena out) {
        try (Temp scratch = Scratch.begin(out)) {
            assertNotSame(out, scratch.arena());
            scratch.allocate(1 << 20);
            MemorySegment r = out.allocate(4);
            r.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 7);
            return r;
        }
    }

    @Test
    void releaseGivesMemoryBackAndRefusesWhileATempIsOpen() {
        Temp open = Scratch.begin();
        open.allocate(1 << 20);
        assertTrue(Scratch.committedBytes() > 0);
        assertThrows(IllegalStateException.class, Scratch::release);
        open.close();
        LinearArena old = open.arena();
        Scratch.release();
        assertEquals(0, Scratch.committedBytes());
        assertThrows(IllegalStateException.class, old::pos, "a released scratch arena is closed");
        try (Temp again = Scratch.begin()) {
            assertNotSame(old, again.arena());
        }
    }

    @Test
    void eachThreadHasItsOwnScratchArenas() throws Exception {
        LinearArena[] other = new LinearArena[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try (Temp temp = Scratch.begin()) {
                other[0] = temp.arena();
            }
            Scratch.release();
        });
        t.join();
        try (Temp mine = Scratch.begin()) {
            assertNotSame(other[0], mine.arena());
        }
    }
}
