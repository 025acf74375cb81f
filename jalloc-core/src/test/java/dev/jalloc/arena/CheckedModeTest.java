package dev.jalloc.arena;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Checked mode: segments of an ended temp throw on access; popped bytes are poisoned. */
class CheckedModeTest {

    @Test
    void aSegmentFromAnEndedTempThrowsOnAccess() {
        try (LinearArena arena = LinearArena.builder().checked(true).build()) {
            MemorySegment kept;
            try (Temp temp = arena.temp()) {
                kept = temp.allocate(JAVA_INT);
                kept.set(JAVA_INT, 0, 42);
                assertEquals(42, kept.get(JAVA_INT, 0));
            }
            assertFalse(kept.scope().isAlive());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> kept.get(JAVA_INT, 0));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> kept.set(JAVA_INT, 0, 1));
        }
    }

    @Test
    void aNoInitSegmentOfATempEndsWithTheTempToo() {
        try (LinearArena arena = LinearArena.builder().checked(true).build()) {
            MemorySegment kept;
            try (Temp temp = arena.temp()) {
                kept = temp.allocateNoInit(16, 8);
                kept.set(JAVA_INT, 0, 42);
            }
            assertFalse(kept.scope().isAlive());
            assertThrows(IllegalStateException.class, () -> kept.get(JAVA_INT, 0));
        }
    }

    @Test
    void innerTempsEndBeforeOuterOnesAndArenaSegmentsLiveUntilClose() {
        LinearArena arena = LinearArena.builder().checked(true).chaining(true).reserveSize(64 << 10).build();
        MemorySegment outside = arena.push(8);
        MemorySegment outerSeg;
        MemorySegment innerSeg;
        try (Temp outer = arena.temp()) {
            outerSeg = arena.push(8);
            try (Temp inner = arena.temp()) {
                innerSeg = arena.push(200 << 10); // on a chained block of its own
            }
            assertFalse(innerSeg.scope().isAlive());
            assertTrue(outerSeg.scope().isAlive());
        }
        assertFalse(outerSeg.scope().isAlive());
        assertTrue(outside.scope().isAlive());
        outside.set(JAVA_BYTE, 0, (byte) 1);
        arena.close();
        assertThrows(IllegalStateException.class, () -> outside.get(JAVA_BYTE, 0));
    }

    @Test
    void poppedBytesArePoisoned() {
        try (LinearArena arena = LinearArena.builder().checked(true).build()) {
            MemorySegment s = arena.push(64);
            s.fill((byte) 1);
            arena.popTo(0);
            // Segments pushed outside a temp live until close; their popped bytes now hold the poison.
            for (long i = 0; i < 64; i++) {
                assertEquals(LinearArena.POISON, s.get(JAVA_BYTE, i));
            }
            MemorySegment again = arena.push(64);
            assertEquals(0, again.get(JAVA_BYTE, 0), "a push zeroes the poison");
        }
    }

    @Test
    void uncheckedTempSegmentsStayAccessible() {
        try (LinearArena arena = LinearArena.ofVirtual()) {
            MemorySegment kept;
            try (Temp temp = arena.temp()) {
                kept = temp.allocate(8);
            }
            assertTrue(kept.scope().isAlive(), "only checked mode ends temp segments");
        }
    }
}
