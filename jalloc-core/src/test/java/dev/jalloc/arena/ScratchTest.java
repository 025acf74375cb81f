package dev.jalloc.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
