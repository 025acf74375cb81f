package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.arena.LinearArena;
import dev.jalloc.testing.CapturedLog;
import org.junit.jupiter.api.Test;

/**
 * What jalloc logs through {@link System.Logger}, seen through the JDK's default backend: trims and purges at
 * {@code DEBUG} (java.util.logging's {@code FINE}), nothing on the hot paths. Refusals of the OS are checked in a
 * child JVM under {@code ulimit -v} ({@link HeapOutOfMemoryTest}), corruption and leaks in {@link LeakReportTest}.
 */
class LoggingTest {

    @Test
    void trimsAreLoggedAtDebugAndAllocationsAreNot() {
        try (CapturedLog debug = new CapturedLog("dev.jalloc.heap", "dev.jalloc.arena", "dev.jalloc.memory")) {
            try (Heap heap = Heap.create(); BestFitAllocator fit = BestFitAllocator.create();
                    LinearArena arena = LinearArena.ofVirtual()) {
                for (int i = 0; i < 100_000; i++) {
                    heap.free(heap.allocateAddressNoInit(16 + i % 5000, 16));
                    fit.free(fit.allocateAddressNoInit(16 + i % 5000, 16));
                }
                assertTrue(debug.records().isEmpty(), "nothing logged by allocations and frees: " + debug.text());
                arena.push(1 << 20);
                arena.clear();
                heap.trim();
                fit.trim();
                arena.trim();
            }
            String text = debug.text();
            assertTrue(text.contains("FINE heap trim: footprint"), text);
            assertTrue(text.contains("FINE best fit trim: committed"), text);
            assertTrue(text.contains("FINE arena trim: committed"), text);
        }
    }
}
