package dev.jalloc.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Where passes sample: after every op of a short trace; on a long one, what the class comment promises. */
class SamplePointsTest {

    @Test
    void aShortTraceIsSampledAfterEveryOp() {
        SplittableRandom random = Traces.seeded("SamplePointsTest.short");
        int ops = random.nextInt(1, SamplePoints.EVERY_OP_UP_TO + 1);
        Trace trace = ReplayEngine.madeUpTrace(ops, 64, random.nextLong());
        SamplePoints points = SamplePoints.of(trace);
        assertEquals(ops, points.count());
        for (int op = 0; op < ops; op++) {
            assertTrue(points.isSampledAfter(op), "op " + op);
        }
    }

    @Test
    void aLongTraceIsSampledPeriodicallyAsTheLiveBytesGrowAtTheirPeakAndAtTheEnd() {
        SplittableRandom random = Traces.seeded("SamplePointsTest.long");
        int ops = SamplePoints.EVERY_OP_UP_TO + 1 + random.nextInt(100_000);
        // many ids, so that the live bytes keep growing for a long while
        Trace trace = ReplayEngine.madeUpTrace(ops, random.nextInt(1_000, 50_000), random.nextLong());
        SamplePoints points = SamplePoints.of(trace);

        int[] byteSizes = new int[trace.maxId() + 1];
        long[] live = new long[ops];
        long peak = 0;
        int peakOp = 0;
        for (int op = 0; op < ops; op++) {
            live[op] = (op == 0 ? 0 : live[op - 1]) + SamplePoints.liveChange(trace, op, byteSizes);
            if (live[op] > peak) {
                peak = live[op];
                peakOp = op;
            }
        }
        assertEquals(ReplayEngineTest.peakLive(trace), peak, "liveChange agrees with the model");
        int every = ops / SamplePoints.PERIODIC;
        for (int op = every - 1; op < ops; op += every) {
            assertTrue(points.isSampledAfter(op), "periodic sample after op " + op);
        }
        assertTrue(points.isSampledAfter(peakOp), "the peak, after op " + peakOp);
        assertTrue(points.isSampledAfter(ops - 1), "the last op");
        assertTrue(points.count() <= ops / every + SamplePoints.GROWTH_STEPS + 2, points.count() + " samples");

        // Wherever the live bytes reach a new high, a sample at or before it saw at most one step less.
        long step = Math.max(1, peak / SamplePoints.GROWTH_STEPS);
        long high = 0;
        long sampledHigh = 0;
        for (int op = 0; op < ops; op++) {
            if (points.isSampledAfter(op)) {
                sampledHigh = Math.max(sampledHigh, live[op]);
            }
            if (live[op] > high) {
                high = live[op];
                assertTrue(sampledHigh > high - step, "after op " + op + ": live high " + high
                        + ", highest sampled " + sampledHigh + ", step " + step);
            }
        }
    }

    @Test
    void theNoisePassSeesTheTracesLiveBytesAndNoFootprint() {
        SplittableRandom random = Traces.seeded("SamplePointsTest.noise");
        Trace trace = ReplayEngine.madeUpTrace(random.nextInt(1, 20_000), 256, random.nextLong());
        try (ResidentMemory resident = ResidentMemory.open()) {
            CheckedPass.Peaks peaks = NoisePass.run(trace, resident);
            assertEquals(ReplayEngineTest.peakLive(trace), peaks.liveBytes());
            assertEquals(-1, peaks.footprintBytes());
            assertTrue(resident.isAvailable() ? peaks.residentBytes() >= 0 : peaks.residentBytes() == -1,
                    peaks.toString());
        }
    }
}
