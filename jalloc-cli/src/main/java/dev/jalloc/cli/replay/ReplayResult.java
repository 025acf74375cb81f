package dev.jalloc.cli.replay;

/**
 * One row of the table: one trace replayed on one allocator, or the trace's noise pass (allocator
 * {@value NoisePass#NO_ALLOCATOR}: no time, no footprint, only the harness's own resident growth).
 *
 * @param trace the trace's file name
 * @param allocator the allocator's name, or {@value NoisePass#NO_ALLOCATOR}
 * @param ops the trace's ops (allocs, frees and reallocs)
 * @param seconds the fastest of the timed passes (see the package doc); NaN for the noise pass
 * @param peakLiveBytes the largest sum, after any op, of the sizes the trace asked for of the blocks then live
 * @param peakFootprintBytes the allocator's committed bytes at their high-water, as it counts them, above what
 *        it held when opened; 0 if it did not grow; -1 for the noise pass and for an allocator that counts
 *        nothing ({@link ReplayAllocator#countsFootprint()})
 * @param peakRssBytes the peak growth of the process's anonymous resident memory during the checked pass (or the
 *        noise pass) above its baseline; 0 if it did not grow; -1 where it cannot be read
 */
public record ReplayResult(String trace, String allocator, long ops, double seconds, long peakLiveBytes,
                           long peakFootprintBytes, long peakRssBytes) {

    /** {@return the row of {@code trace} on {@code allocator}, with the peaks of its checked (or noise) pass} */
    static ReplayResult of(Trace trace, String allocator, double seconds, CheckedPass.Peaks peaks) {
        return new ReplayResult(trace.name(), allocator, trace.opCount(), seconds, peaks.liveBytes(),
                peaks.footprintBytes(), peaks.residentBytes());
    }

    /** {@return thousands of ops a second in the fastest timed pass (NaN for the noise pass)} */
    public double kopsPerSecond() {
        return ops / seconds / 1e3;
    }

    /** {@return peak live bytes / peak footprint bytes, or NaN if the footprint did not grow} */
    public double utilization() {
        return peakFootprintBytes > 0 ? (double) peakLiveBytes / peakFootprintBytes : Double.NaN;
    }

    /**
     * {@return peak live bytes / peak RSS growth, or NaN if the resident memory did not grow, cannot be read, or
     * this is the noise pass}
     */
    public double rssUtilization() {
        return peakRssBytes > 0 && !isNoisePass() ? (double) peakLiveBytes / peakRssBytes : Double.NaN;
    }

    /** {@return whether this is a trace's noise pass, with no allocator} */
    public boolean isNoisePass() {
        return allocator.equals(NoisePass.NO_ALLOCATOR);
    }
}
