package dev.jalloc.cli.replay;

/**
 * One row of the table: one trace replayed on one allocator.
 *
 * @param trace the trace's file name
 * @param allocator the allocator's name
 * @param ops the trace's ops (allocs, frees and reallocs)
 * @param seconds the fastest of the timed passes (see the package doc)
 * @param peakLiveBytes the largest sum, after any op, of the sizes the trace asked for of the blocks then live
 * @param peakFootprintBytes the allocator's committed bytes at their high-water, as it counts them, above what
 *        it held when opened; 0 if it did not grow
 */
public record ReplayResult(String trace, String allocator, long ops, double seconds, long peakLiveBytes,
                           long peakFootprintBytes) {

    /** {@return thousands of ops a second in the fastest timed pass} */
    public double kopsPerSecond() {
        return ops / seconds / 1e3;
    }

    /** {@return peak live bytes / peak footprint bytes, or NaN if the footprint did not grow} */
    public double utilization() {
        return peakFootprintBytes > 0 ? (double) peakLiveBytes / peakFootprintBytes : Double.NaN;
    }
}
