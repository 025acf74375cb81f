package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.AllocatorStats;
import dev.jalloc.internal.heap.SizeClasses;

/** The checks every statistics record must pass, against counts the test keeps itself. */
final class StatsChecks {
    private StatsChecks() {
    }

    /** The numbers every record has, whatever the allocator: ordered as they must be. */
    static void checkCommon(AllocatorStats s) {
        assertTrue(s.liveBytes() >= 0, "live " + s);
        assertTrue(s.committedBytes() >= 0, "committed " + s);
        assertTrue(s.peakCommittedBytes() >= s.committedBytes(), "peak below committed: " + s);
        assertTrue(s.residentBytes() <= s.committedBytes(), "resident above committed: " + s);
        assertTrue(s.osCalls() > 0, "no OS call counted: " + s);
    }

    /** A heap's record against the model's count of live payloads and the sum of their usable sizes. */
    static void checkHeap(HeapStats s, long liveBlocks, long liveUsableBytes) {
        checkCommon(s);
        assertEquals(liveBlocks, s.liveBlocks(), "live blocks");
        assertEquals(liveUsableBytes, s.liveBytes(), "live bytes");
        assertEquals(SizeClasses.COUNT, s.classes().size(), "classes");
        long blocks = s.largeBlocks() + s.hugeBlocks();
        long bytes = s.largeBytes() + s.hugeBytes();
        for (SizeClassStats c : s.classes()) {
            assertTrue(c.liveBlocks() >= 0 && c.cachedSlots() >= 0 && c.spans() >= 0, "class " + c);
            assertTrue(c.liveBlocks() + c.cachedSlots() == 0 || c.spans() > 0, "slots without a span: " + c);
            blocks += c.liveBlocks();
            bytes += c.liveBytes();
        }
        assertEquals(s.liveBlocks(), blocks, "classes, large and huge add up to the live blocks");
        assertEquals(s.liveBytes(), bytes, "classes, large and huge add up to the live bytes");
        assertTrue(s.purgedPages() <= s.freePages(), "purged pages are free pages: " + s);
        assertTrue(s.liveBytes() <= s.committedBytes(), "live above committed: " + s);
    }
}
