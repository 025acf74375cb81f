package dev.jalloc.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine: exact peaks on an allocator whose footprint is known, every broken promise caught with the line
 * it was seen at, and the native peers replaying self-made traces (skipped, with the reason, if not installed).
 */
class ReplayEngineTest {
    /** Peak live bytes of {@link Traces#small}: after "r 1 200000", ids 1 (200000) and 3 (24) are live. */
    static final long SMALL_PEAK_LIVE = 200_024;
    /** What {@link BumpAllocator} hands out for {@link Traces#small}: every request rounded up to 16. */
    static final long SMALL_BUMP_FOOTPRINT = 112 + 4000 + 304 + 16 + 64 + 70000 + 32 + 200000;

    @TempDir
    Path dir;

    @Test
    void aCorrectAllocatorGivesExactPeaks() throws Exception {
        Trace trace = TraceParser.parse(Traces.small(dir));
        ReplayResult result = replay(3, true, trace, BumpAllocator.entry(BumpAllocator.Bug.NONE));
        assertEquals("small.rep", result.trace());
        assertEquals("bump-none", result.allocator());
        assertEquals(12, result.ops());
        assertEquals(SMALL_PEAK_LIVE, result.peakLiveBytes());
        assertEquals(SMALL_BUMP_FOOTPRINT, result.peakFootprintBytes());
        assertEquals((double) SMALL_PEAK_LIVE / SMALL_BUMP_FOOTPRINT, result.utilization());
        assertTrue(result.peakRssBytes() >= 0, result.toString()); // a test allocator: measured in this JVM
        assertTrue(result.seconds() > 0);
        assertEquals(12 / result.seconds() / 1e3, result.kopsPerSecond());
    }

    static List<Arguments> bugs() {
        String small = "small.rep:";
        return List.of(
                Arguments.of(BumpAllocator.Bug.OVERLAP, small + "7: bump-overlap: the block of id 0 ",
                        "overlaps the live block of id 1 "),
                Arguments.of(BumpAllocator.Bug.MISALIGN,
                        small + "6: bump-misalign: the block of id 1 (4000 bytes) at 0x", "is not aligned to 16 bytes"),
                Arguments.of(BumpAllocator.Bug.SCRIBBLE_ON_FREE,
                        small + "9: bump-scribble_on_free: the payload of id 1 ",
                        "changed before its free: byte 10 is 0x"),
                Arguments.of(BumpAllocator.Bug.SHORT_REALLOC,
                        small + "7: bump-short_realloc: realloc of id 0 from 100 to 300 bytes",
                        "did not keep the first 100 bytes: byte 99 is 0x"),
                Arguments.of(BumpAllocator.Bug.REFUSE,
                        small + "7: bump-refuse: refused a realloc of 300 bytes for id 0", "(returned NULL)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bugs")
    void everyBrokenPromiseFailsLoudlyAtItsLine(BumpAllocator.Bug bug, String start, String detail) throws Exception {
        Trace trace = TraceParser.parse(Traces.small(dir));
        ReplayException e = assertThrows(ReplayException.class,
                () -> replay(1, true, trace, BumpAllocator.entry(bug)));
        String message = e.getMessage();
        assertTrue(message.startsWith(dir.resolve(start).toString()), message);
        assertTrue(message.contains(detail), message);
    }

    @Test
    void aBlockStillLiveAtTheEndIsCheckedToo() throws Exception {
        // SCRIBBLE_ON_FREE damages id 1 when id 0 is freed; id 1 is never freed by the trace.
        Path file = Traces.write(dir, "leftover.rep", "0", "2", "3", "1", "a 0 64", "a 1 64", "f 0");
        ReplayException e = assertThrows(ReplayException.class, () -> replay(1, true,
                TraceParser.parse(file), BumpAllocator.entry(BumpAllocator.Bug.SCRIBBLE_ON_FREE)));
        assertTrue(e.getMessage().startsWith(file + ": at the end: bump-scribble_on_free: the payload of id 1 "
                + "(64 bytes at 0x"), e.getMessage());
        assertTrue(e.getMessage().contains("allocated at line 6) changed before the end of the trace"),
                e.getMessage());
    }

    @Test
    void repetitionsMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReplayEngine(0, true));
        assertEquals("repetitions: 0 (expected: >= 1)", e.getMessage());
    }

    @Test
    void randomTracesReplayOnEveryAvailableAllocator() throws Exception {
        SplittableRandom random = Traces.seeded("ReplayEngineTest.randomTraces");
        Trace trace = TraceParser.parse(Traces.random(dir, "random.rep", random, 3000));
        long peakLive = peakLive(trace);
        try (ReplayEngine engine = new ReplayEngine(1, false)) {
            for (Allocators.Entry entry : available()) {
                ReplayResult result = engine.replay(trace, entry);
                assertEquals(peakLive, result.peakLiveBytes(), entry.name());
                assertTrue(result.peakFootprintBytes() >= 0, entry.name());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"glibc", "jemalloc", "mimalloc"})
    void aNativePeerReplaysASmallTraceInAChildJvmAndHere(String name) throws Exception {
        Allocators.Entry entry = Allocators.byName(name).orElseThrow();
        assumeTrue(reasonUnavailable(entry) == null, () -> "skipped: " + name + ": " + reasonUnavailable(entry));
        Trace trace = TraceParser.parse(Traces.small(dir));
        ReplayResult isolated = replay(2, true, trace, entry);
        assertEquals(SMALL_PEAK_LIVE, isolated.peakLiveBytes());
        // A fresh allocator must find 200000 bytes for the last realloc; each counts it, as its own kind of commit.
        assertTrue(isolated.peakFootprintBytes() >= 200_000, isolated.toString());
        ReplayResult here = replay(1, false, trace, entry);
        assertEquals(SMALL_PEAK_LIVE, here.peakLiveBytes());
        assertTrue(here.peakFootprintBytes() >= 0, here.toString());
    }

    @Test
    void theWarmUpRunsEveryAllocator() throws Exception {
        try (ReplayEngine engine = new ReplayEngine(1, true)) {
            engine.warmUp(List.of(BumpAllocator.entry(BumpAllocator.Bug.NONE)));
            Allocators.Entry absent = Allocators.Entry.fresh("absent", "cannot load", () -> {
                throw new AllocatorUnavailableException("not available: absent");
            });
            AllocatorUnavailableException e = assertThrows(AllocatorUnavailableException.class,
                    () -> engine.warmUp(List.of(absent)));
            assertTrue(e.getMessage().startsWith("not available"), e.getMessage());
            engine.warmUp(List.of(Allocators.byName("jalloc").orElseThrow(), Allocators.byName("bestfit").orElseThrow()));
        }
    }

    static ReplayResult replay(int repetitions, boolean isolate, Trace trace, Allocators.Entry entry)
            throws AllocatorUnavailableException {
        try (ReplayEngine engine = new ReplayEngine(repetitions, isolate)) {
            return engine.replay(trace, entry);
        }
    }

    /** {@return the registered allocators that can run here, plus the correct test allocator} */
    static List<Allocators.Entry> available() {
        List<Allocators.Entry> entries = new java.util.ArrayList<>();
        entries.add(BumpAllocator.entry(BumpAllocator.Bug.NONE));
        for (Allocators.Entry entry : Allocators.known()) {
            String reason = reasonUnavailable(entry);
            if (reason == null) {
                entries.add(entry);
            } else {
                System.out.println("ReplayEngineTest: skipping " + entry.name() + ": " + reason);
            }
        }
        return entries;
    }

    static String reasonUnavailable(Allocators.Entry entry) {
        try (ReplayAllocator ignored = entry.opener().open()) {
            return null;
        } catch (AllocatorUnavailableException e) {
            return e.getMessage();
        }
    }

    /** {@return the model's peak live bytes of {@code trace}} */
    static long peakLive(Trace trace) {
        long[] sizes = new long[trace.maxId() + 1];
        long live = 0;
        long peak = 0;
        for (int op = 0; op < trace.opCount(); op++) {
            int id = trace.id(op);
            long size = Math.max(trace.byteSize(op), 0);
            live += trace.kind(op) == Trace.FREE ? -sizes[id] : size - sizes[id];
            sizes[id] = trace.kind(op) == Trace.FREE ? 0 : size;
            peak = Math.max(peak, live);
        }
        return peak;
    }
}
