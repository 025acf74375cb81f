package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.arena.LinearArena;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What jalloc logs through {@link System.Logger}, seen through the JDK's default backend: trims and purges at
 * {@code DEBUG} (java.util.logging's {@code FINE}), nothing on the hot paths. Refusals of the OS are checked in a
 * child JVM under {@code ulimit -v} ({@link HeapOutOfMemoryTest}), corruption and leaks in {@link LeakReportTest}.
 */
class LoggingTest {

    /** Collects what {@code names} log at every level while open. */
    private static final class Debug extends Handler implements AutoCloseable {
        private final List<Logger> loggers = new ArrayList<>();
        private final List<Level> levels = new ArrayList<>();
        final List<LogRecord> records = new ArrayList<>();

        Debug(String... names) {
            for (String name : names) {
                Logger l = Logger.getLogger(name);
                loggers.add(l);
                levels.add(l.getLevel());
                l.setLevel(Level.ALL);
                l.addHandler(this);
            }
        }

        @Override
        public synchronized void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            for (int i = 0; i < loggers.size(); i++) {
                loggers.get(i).removeHandler(this);
                loggers.get(i).setLevel(levels.get(i));
            }
        }

        String text() {
            return records.stream().map(r -> r.getLevel() + " " + new java.util.logging.SimpleFormatter()
                    .formatMessage(r)).collect(Collectors.joining("\n"));
        }
    }

    @Test
    void trimsAreLoggedAtDebugAndAllocationsAreNot() {
        try (Debug debug = new Debug("dev.jalloc.heap", "dev.jalloc.arena", "dev.jalloc.memory")) {
            try (Heap heap = Heap.create(); BestFitAllocator fit = BestFitAllocator.create();
                    LinearArena arena = LinearArena.ofVirtual()) {
                for (int i = 0; i < 100_000; i++) {
                    heap.free(heap.allocateAddressNoInit(16 + i % 5000, 16));
                    fit.free(fit.allocateAddressNoInit(16 + i % 5000, 16));
                }
                assertTrue(debug.records.isEmpty(), "nothing logged by allocations and frees: " + debug.text());
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
