package dev.jalloc.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code peak_rss_bytes} as the command measures it, in child JVMs: a self-made trace whose one big block (every
 * byte of it written by the checked pass) must show up as resident growth on every allocator that can run here,
 * and the noise pass on the same trace. A native peer whose library is missing is skipped, naming its package.
 */
class PeakRssTest {
    /** The big block: 24 MiB, touched whole. */
    static final int BIG = 24 << 20;

    @TempDir
    Path dir;

    Path bigTrace() {
        return Traces.write(dir, "big.rep", "0", "4", "9", "1",
                "a 0 100",
                "a 1 5000",
                "a 2 " + BIG,
                "r 0 70000",
                "f 1",
                "a 3 24",
                "f 2",
                "f 0",
                "f 3");
    }

    static java.util.List<String> allocators() {
        return Allocators.known().stream().map(Allocators.Entry::name).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void aBigTouchedBlockIsResidentGrowthOnEveryAllocator(String name) throws Exception {
        Allocators.Entry entry = Allocators.byName(name).orElseThrow();
        String reason = ReplayEngineTest.reasonUnavailable(entry);
        assumeTrue(reason == null, () -> "skipped: " + name + ": " + reason);
        Trace trace = TraceParser.parse(bigTrace());
        ReplayResult result = ReplayEngineTest.replay(1, true, trace, entry);
        System.out.println("PeakRssTest: " + result);
        assertEquals(BIG + 5000 + 70000, result.peakLiveBytes(), result.toString()); // after "r 0 70000"
        assertTrue(result.peakRssBytes() >= BIG * 9L / 10, result.toString());
        // and not much more than the trace asked for: 8 MiB is far above any allocator's overhead here
        assertTrue(result.peakRssBytes() < BIG + (8 << 20), result.toString());
        assertEquals((double) result.peakLiveBytes() / result.peakRssBytes(), result.rssUtilization());
    }

    @Test
    void theNoisePassRunsInAChildJvmToo() throws Exception {
        Trace trace = TraceParser.parse(bigTrace());
        try (ReplayEngine engine = new ReplayEngine(1, true)) {
            ReplayResult noise = engine.noiseFloor(trace);
            System.out.println("PeakRssTest: noise floor " + noise);
            assertEquals("(none)", noise.allocator());
            assertTrue(noise.isNoisePass());
            assertEquals(BIG + 5000 + 70000, noise.peakLiveBytes());
            assertEquals(-1, noise.peakFootprintBytes());
            assertTrue(Double.isNaN(noise.seconds()) && Double.isNaN(noise.rssUtilization()), noise.toString());
            assertTrue(Files.isReadable(ResidentMemory.STATM) ? noise.peakRssBytes() >= 0 : noise.peakRssBytes() == -1,
                    noise.toString());
        }
    }
}
