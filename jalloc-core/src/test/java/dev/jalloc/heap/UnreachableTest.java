package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.testing.ChildJvm;
import dev.jalloc.testing.ProcMaps;
import org.junit.jupiter.api.Test;

/**
 * Allocators that become unreachable without {@code close()} give their memory back through a cleaner, once no
 * segment of theirs is reachable either, and say so through the logger; a held segment keeps the memory mapped
 * and usable. In a child JVM ({@link UnreachableChild}): a wrong unmapping would crash it.
 */
class UnreachableTest {

    @Test
    void droppedAllocatorsGiveTheirMemoryBackWhenNoSegmentIsLeft() throws Exception {
        assumeTrue(ProcMaps.available(), "needs /proc/self/maps (Linux)");
        ChildJvm.Result result = ChildJvm.of(UnreachableChild.class).timeoutSeconds(120).run();
        String out = result.output();
        assertTrue(result.ok(), result.describe());
        for (String line : new String[] {"heap=unmapped", "bestFit=unmapped", "arena=unmapped", "vector=unmapped",
                "huge=unmapped",
                "heapSegmentHeld=mapped", "heapSegment=readable", "heapSegmentDropped=unmapped",
                "arenaSegmentHeld=mapped", "arenaSegment=readable", "arenaSegmentDropped=unmapped",
                "vectorSegmentHeld=mapped", "vectorSegment=readable", "vectorSegmentDropped=unmapped",
                "checkedTempSegmentHeld=mapped", "checkedTempSegment=readable",
                "checkedTempSegmentDropped=unmapped", "DONE"}) {
            assertTrue(out.contains(line + "\n"), "child output lacks '" + line + "':\n" + out);
        }
        assertTrue(out.contains("WARNING: a heap (Reservation["), out);
        assertTrue(out.contains("became unreachable without close(): given back by the cleaner"), out);
        assertTrue(out.contains("a heap was made here"), "the site of the heap built with a debug level:\n" + out);
        assertTrue(out.contains("at dev.jalloc.heap.UnreachableChild.lambda$main$"), out);
        assertFalse(out.contains("could not be given back"), out);
    }
}
