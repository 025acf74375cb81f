package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.internal.os.Os;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Heap pages (4 KiB) and OS pages are different words: over an OS layer whose page is 16 KiB or 64 KiB, the heap
 * commits and purges whole OS pages only (a misaligned call would throw), still hands out 4 KiB slabs, and gives
 * memory back on trim.
 */
class LargerOsPagesTest {

    @ParameterizedTest(name = "{0} KiB pages")
    @ValueSource(ints = {16, 64})
    void theOsLayerRefusesCallsNotAlignedToItsPage(int pageKiB) {
        long page = pageKiB << 10;
        Os os = Os.withPageSize(Os.current(), page);
        assertEquals(page, os.pageSize());
        assertThrows(IllegalArgumentException.class, () -> os.reserve(page + 4096, page));
        long a = os.reserve(4 * page, page);
        try {
            assertEquals(0, a % page);
            assertThrows(IllegalArgumentException.class, () -> os.commit(a + 4096, page));
            assertThrows(IllegalArgumentException.class, () -> os.commit(a, 4096));
            os.commit(a, 2 * page);
            assertThrows(IllegalArgumentException.class, () -> os.purge(a, page / 2));
            os.purge(a, page);
        } finally {
            os.release(a, 4 * page);
        }
    }

    @ParameterizedTest(name = "{0} KiB pages")
    @ValueSource(ints = {16, 64})
    void theHeapCommitsAndPurgesWholeOsPages(int pageKiB) {
        long page = pageKiB << 10;
        try (Heap heap = Heap.builder().reserveSize(1L << 30).os(Os.withPageSize(Os.current(), page)).build()) {
            List<Long> small = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                small.add(heap.allocateAddress(16 + i % 1000, 16));   // 4 KiB slabs, many per OS page
            }
            List<Long> large = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                large.add(heap.allocateAddress(40_000 + i * 4096, 16));
            }
            assertEquals(0, heap.committedBytes() % page, "committed " + heap.committedBytes());
            heap.check();
            long full = heap.committedBytes();
            for (long p : large) {
                heap.free(p);
            }
            for (int i = 0; i < small.size(); i += 2) {
                heap.free(small.get(i));
            }
            heap.trim();
            heap.check();
            assertEquals(0, heap.committedBytes() % page, "committed after trim " + heap.committedBytes());
            assertTrue(heap.committedBytes() < full / 2, "trim gave back less than half: " + full + " -> "
                    + heap.committedBytes());
            long again = heap.allocateAddress(3 << 20, 16);   // reuses purged pages: recommitted whole
            assertEquals(0, heap.allocate(64, 16).get(java.lang.foreign.ValueLayout.JAVA_LONG, 56));
            heap.free(again);
            heap.check();
        }
    }
}
