package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.DebugLevel;
import dev.jalloc.LeakReport;
import dev.jalloc.testing.CapturedLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * Leak reports: the live blocks of a heap or best-fit allocator grouped by the line that allocated them, at every
 * debug level, on request and logged at close.
 */
class LeakReportTest {
    /** Lines of this file where the three deliberate leaks of {@link #leakThree} are allocated. */
    private final List<Integer> leakLines = new ArrayList<>();

    private static int nextLine() {
        return StackWalker.getInstance().walk(s -> s.skip(1).findFirst().orElseThrow()).getLineNumber() + 1;
    }

    /** Allocates three blocks that are never freed, at three lines, and many that are. */
    private void leakThree(AddressAllocator a) {
        for (int i = 0; i < 100; i++) {
            a.free(a.allocateAddressNoInit(64 + i, 16));
        }
        leakLines.add(nextLine());
        a.allocateAddressNoInit(3000, 16);
        leakLines.add(nextLine());
        a.allocateAddressNoInit(100, 16);
        for (int i = 0; i < 2; i++) {
            leakLines.add(nextLine());
            a.allocateAddressNoInit(20_000, 16);
        }
        leakLines.removeLast();   // the loop's line, once
    }

    @Test
    void threeLeaksNameTheirThreeLinesLargestFirst() {
        try (Heap heap = Heap.builder().debug(DebugLevel.ALL).build()) {
            leakThree(heap);
            LeakReport report = heap.leakReport();
            assertEquals(4, report.liveBlocks(), report::toString);
            assertEquals(heap.liveBytes(), report.liveBytes());
            assertEquals(3, report.sites().size(), report::toString);
            // largest first: the loop's two 20,000-byte blocks, then 3000, then 100
            int[] expected = {leakLines.get(2), leakLines.get(0), leakLines.get(1)};
            long[] blocks = {2, 1, 1};
            for (int i = 0; i < 3; i++) {
                LeakReport.Site site = report.sites().get(i);
                assertEquals(LeakReportTest.class.getName(), site.caller().getClassName(), report::toString);
                assertEquals("leakThree", site.caller().getMethodName(), report::toString);
                assertEquals(expected[i], site.caller().getLineNumber(), report::toString);
                assertEquals(blocks[i], site.blocks(), report::toString);
            }
            String text = report.toString();
            assertTrue(text.startsWith("4 blocks"), text);
            assertTrue(text.contains("LeakReportTest.java:" + expected[0]), text);
        }
    }

    @Test
    void bestFitReportsItsLeaksToo() {
        try (BestFitAllocator fit = BestFitAllocator.builder().debug(DebugLevel.ALL).build()) {
            leakThree(fit);
            LeakReport report = fit.leakReport();
            assertEquals(4, report.liveBlocks());
            assertEquals(3, report.sites().size());
            assertEquals(leakLines.get(2), report.sites().getFirst().caller().getLineNumber());
        }
    }

    @Test
    void closeLogsTheReportThroughTheLogger() {
        try (CapturedLog captured = new CapturedLog("dev.jalloc.leaks")) {
            Heap heap = Heap.builder().debug(DebugLevel.ALL).build();
            leakThree(heap);
            heap.close();
            List<LogRecord> records = captured.records();
            assertEquals(1, records.size(), "one report logged");
            assertEquals(java.util.logging.Level.WARNING, records.getFirst().getLevel());
            String message = records.getFirst().getMessage();
            for (int line : leakLines) {
                assertTrue(message.contains("LeakReportTest.java:" + line), message);
            }
            Heap clean = Heap.builder().debug(DebugLevel.ALL).build();
            clean.free(clean.allocateAddressNoInit(10, 16));
            clean.close();
            assertEquals(1, captured.records().size(), "nothing logged for a heap without leaks");
        }
    }

    @Test
    void leaksLevelReportsTotalsWithoutSites() {
        try (Heap heap = Heap.builder().debug(DebugLevel.LEAKS).build()) {
            leakThree(heap);
            LeakReport report = heap.leakReport();
            assertEquals(4, report.liveBlocks());
            assertTrue(report.sites().isEmpty());
            assertEquals(DebugLevel.LEAKS, heap.debugLevel());
        }
    }

    @Test
    void sampledLevelKeepsASampleByBytes() {
        try (Heap heap = Heap.builder().debug(DebugLevel.SAMPLED).build()) {
            int n = 32_768;   // 32 MiB of 1 KiB blocks: 64 samples expected
            for (int i = 0; i < n; i++) {
                heap.allocateAddressNoInit(1024, 16);
            }
            LeakReport report = heap.leakReport();
            assertEquals(n, report.liveBlocks());
            long sampled = report.sites().stream().mapToLong(LeakReport.Site::blocks).sum();
            // 64 expected; outside 10..400 has a probability far below 1e-9
            assertTrue(sampled >= 10 && sampled <= 400, "sampled " + sampled + " of " + n);
            assertEquals(1, report.sites().size(), report::toString);
        }
    }

    @Test
    void aRefusedFreeLeavesTheRecordsAsTheyWere() {
        try (Heap heap = Heap.builder().debug(DebugLevel.ALL).build()) {
            long a = heap.allocateAddressNoInit(64, 16);
            assertThrows(IllegalArgumentException.class, () -> heap.free(a + 16));
            heap.free(a);
            assertThrows(IllegalArgumentException.class, () -> heap.free(a));
            long b = heap.allocateAddressNoInit(64, 16);
            assertThrows(IllegalArgumentException.class, () -> heap.reallocate(b + 16, 100));
            LeakReport report = heap.leakReport();
            assertEquals(1, report.liveBlocks());
            assertEquals(1, report.sites().size(), report::toString);
            long moved = heap.reallocate(b, 10_000);
            assertEquals(1, heap.leakReport().sites().size());
            heap.free(moved);
            assertTrue(heap.leakReport().isEmpty());
            assertTrue(heap.leakReport().sites().isEmpty());
        }
    }

    @Test
    void aSharedHeapTracksFreesFromOtherThreads() throws Exception {
        try (CapturedLog corruption = new CapturedLog("dev.jalloc.corruption")) {
            sharedHeapFreedByAnotherThread();
            assertTrue(corruption.records().isEmpty(), "the walks at close found nothing: " + corruption.text());
        }
    }

    private static void sharedHeapFreedByAnotherThread() throws Exception {
        try (Heap heap = Heap.builder().shared(true).debug(DebugLevel.PARANOID).build()) {
            long[] blocks = new long[1000];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = heap.allocateAddressNoInit(16 + i, 16);
            }
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                other.submit(() -> {
                    for (long b : blocks) {
                        heap.free(b);
                    }
                }).get();
            } finally {
                other.shutdown();
            }
            assertTrue(heap.leakReport().isEmpty(), heap.leakReport()::toString);
        }
    }

    @Test
    void paranoidLevelWalksTheHeapAsItGoes() {
        try (CapturedLog corruption = new CapturedLog("dev.jalloc.corruption");
                Heap heap = Heap.builder().debug(DebugLevel.PARANOID).build()) {
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                live.add(heap.allocateAddressNoInit(16 + i % 2000, 16));
                if (i % 3 == 0) {
                    heap.free(live.removeLast());
                }
            }
            for (long a : live) {
                heap.free(a);
            }
            assertTrue(heap.leakReport().isEmpty());
            assertTrue(corruption.records().isEmpty(), "the walks found nothing: " + corruption.text());
        }
    }

    @Test
    void theDefaultLevelComesFromTheSystemProperty() {
        String before = System.getProperty(DebugLevel.PROPERTY);
        try {
            System.setProperty(DebugLevel.PROPERTY, "Sampled");
            try (Heap heap = Heap.create()) {
                assertEquals(DebugLevel.SAMPLED, heap.debugLevel());
            }
            System.setProperty(DebugLevel.PROPERTY, "loud");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Heap::create);
            assertEquals("no debug level 'loud': off, leaks, sampled, all or paranoid", e.getMessage());
            System.clearProperty(DebugLevel.PROPERTY);
            try (Heap heap = Heap.create()) {
                assertEquals(DebugLevel.OFF, heap.debugLevel());
                assertNull(heap.tracker);
            }
        } finally {
            if (before == null) {
                System.clearProperty(DebugLevel.PROPERTY);
            } else {
                System.setProperty(DebugLevel.PROPERTY, before);
            }
        }
    }
}
