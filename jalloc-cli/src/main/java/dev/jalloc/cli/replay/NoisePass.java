package dev.jalloc.cli.replay;

/**
 * The noise pass: the harness without an allocator. It walks the trace op by op, keeping the live bytes and
 * sampling the resident memory after the same ops as a checked pass ({@link SamplePoints}), from a baseline taken
 * the same way, but calls no allocator and writes no payload. Its peak growth of resident memory is what the
 * harness alone moves (the JVM's own threads, its compilers, the sampling): the noise floor under every
 * allocator's {@code peak_rss_bytes} on that trace, printed as the trace's row with no allocator.
 *
 * <p>It does not do the checked pass's own bookkeeping (the pattern compares, the tree of live blocks), which
 * lives in the Java heap: that heap is fully resident before the baseline (the child JVM pre-touches it), so
 * the bookkeeping moves no resident page.
 */
final class NoisePass {
    /** The allocator column of the noise pass's row. */
    static final String NO_ALLOCATOR = "(none)";

    private NoisePass() {
    }

    /** {@return the peaks of the noise pass over {@code trace}: live bytes and resident growth (no footprint)} */
    static CheckedPass.Peaks run(Trace trace, ResidentMemory resident) {
        SamplePoints points = SamplePoints.of(trace);
        int[] byteSizes = new int[trace.maxId() + 1];
        long live = 0;
        long peakLive = 0;
        resident.markBaseline();
        for (int op = 0; op < trace.opCount(); op++) {
            live += SamplePoints.liveChange(trace, op, byteSizes);
            peakLive = Math.max(peakLive, live);
            if (points.isSampledAfter(op)) {
                resident.sample();
            }
        }
        return new CheckedPass.Peaks(peakLive, -1, resident.peakGrowthBytes());
    }
}
